/**
 * A path parameter is data: whatever its value, the request keeps the spec's path shape (same
 * segments, same literal segments), and a value the URL parser would resolve (`.`, `..`) is an
 * `InvalidInput` with nothing sent. Table-driven over every path parameter of every operation
 * (test/generated/fixtures.json), under several base URLs.
 */
import { ActorTokens, Clerk, ClerkTest, OrganizationMemberships } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { type Fixture, fixtures, groupOf, materialize } from "./fixtures.js"

const HOSTILE = [
  "/",
  "a/b",
  "?x=1",
  "#frag",
  "%",
  "%2e%2e",
  "%2F",
  "a\r\nX-Injected: 1",
  "\\..\\",
  " ",
  "ünï©ødé 🔑",
  "../users",
  "...",
  "..",
  "."
] as const

/** Values the URL parser would resolve: never sent. */
const DOT_SEGMENTS = new Set([".", ".."])

/** Values `encodeURIComponent` cannot encode: never sent either. */
const MALFORMED = ["\uD800", "a\uDC00b"] as const

const BASE_URLS = ["https://api.clerk.com/v1", "http://127.0.0.1:4010/a/b/c", "https://clerk.example"] as const

interface Place {
  readonly fixture: Fixture
  /** The index of the parameter among the route's parameters (= among the leading args). */
  readonly index: number
  readonly name: string
  /**
   * The generator samples a parameter with an enum or a pattern from its schema, and any other one
   * as `<name>_sample1`: those other ones accept any non-empty string, so a hostile value must be sent.
   */
  readonly unconstrained: boolean
}

const places: ReadonlyArray<Place> = fixtures.flatMap((fixture) =>
  [...fixture.route.matchAll(/\{([^}]+)\}/g)].map((match, index) => ({
    fixture,
    index,
    name: match[1]!,
    unconstrained: typeof fixture.args[index] === "string" && (fixture.args[index] as string).endsWith("_sample1")
  }))
)

const routeSegments = (route: string) => route.split("/").slice(1)

const call = (place: Place, value: string) => {
  const args = place.fixture.args.map(materialize)
  args[place.index] = value
  return Effect.flatMap(groupOf(place.fixture).tag, (service) =>
    service[place.fixture.method]!(...args)
  ) as Effect.Effect<unknown, { readonly _tag: string }, Clerk.Services>
}

describe("path parameters never change the operation", () => {
  it("the table covers every path parameter of the spec", () => {
    // spec 2026-05-12: 187 path parameters in 162 operations; 12 have an enum or a pattern
    expect(places.length).toBe(187)
    expect(new Set(places.map((p) => p.fixture.operationId)).size).toBe(162)
    expect(places.filter((p) => p.unconstrained).length).toBe(175)
  })

  for (const baseUrl of BASE_URLS) {
    it.effect(
      `every operation, every path parameter, hostile values, base URL ${baseUrl}`,
      () =>
        Effect.gen(function* () {
          const basePath = new URL(baseUrl).pathname.replace(/\/+$/, "")
          const baseSegments = basePath === "" ? [] : basePath.split("/").slice(1)
          let sent = 0
          for (const place of places) {
            const template = routeSegments(place.fixture.route)
            for (const value of [...HOSTILE, ...MALFORMED]) {
              const before = (yield* ClerkTest.requests).length
              const outcome = yield* Effect.either(call(place, value))
              const requests = (yield* ClerkTest.requests).slice(before)
              const where = `${place.fixture.service}.${place.fixture.method} ${place.name}=${JSON.stringify(value)}`
              if (DOT_SEGMENTS.has(value) || (MALFORMED as ReadonlyArray<string>).includes(value)) {
                expect(requests, where).toHaveLength(0)
                expect(outcome._tag, where).toBe("Left")
                if (outcome._tag === "Left") {
                  expect(outcome.left._tag, where).toBe("InvalidInput")
                  expect((outcome.left as { location?: string }).location, where).toBe("path")
                }
                continue
              }
              if (requests.length === 0) {
                // Only a constrained parameter (enum, pattern) may refuse a hostile value, before sending.
                expect(place.unconstrained, where).toBe(false)
                expect(outcome._tag === "Left" && outcome.left._tag, where).toBe("InvalidInput")
                continue
              }
              expect(requests, where).toHaveLength(1)
              sent++
              const request = requests[0]!
              expect(request.method, where).toBe(place.fixture.request.method)
              expect(request.url.origin, where).toBe(new URL(baseUrl).origin)
              expect(request.url.hash, where).toBe("")
              const segments = request.url.pathname.split("/").slice(1)
              expect(segments.slice(0, baseSegments.length), where).toEqual(baseSegments)
              const rest = segments.slice(baseSegments.length)
              expect(rest, where).toHaveLength(template.length)
              let param = 0
              for (let i = 0; i < template.length; i++) {
                if (template[i]!.startsWith("{")) {
                  if (param === place.index) expect(decodeURIComponent(rest[i]!), where).toBe(value)
                  param++
                } else {
                  expect(rest[i], where).toBe(template[i])
                }
              }
              // The query is the fixture's, and the hostile value did not add to it.
              expect([...request.url.searchParams], where).toEqual(place.fixture.request.query)
            }
          }
          // unconstrained parameters x non-dot hostile values all reached the client
          expect(sent).toBeGreaterThanOrEqual(places.filter((p) => p.unconstrained).length * (HOSTILE.length - 2))
        }).pipe(
          Effect.provide(
            Clerk.layer.pipe(
              Layer.provideMerge(
                ClerkTest.layer(() => ClerkTest.clerkError(404, "resource_not_found", "not found"), { baseUrl })
              )
            )
          )
        ),
      // ~3,200 calls: about 2 s alone, more on a loaded machine
      60_000
    )
  }

  it.effect("the two examples of the issue are refused", () =>
    Effect.gen(function* () {
      const revoke = yield* Effect.flip(ActorTokens.revoke(".."))
      expect(revoke._tag).toBe("InvalidInput")
      expect(revoke.message).toContain("actor_token_id")
      const update = yield* Effect.flip(OrganizationMemberships.updateMetadata("org_1", "..", {}))
      expect(update._tag).toBe("InvalidInput")
      const dot = yield* Effect.flip(OrganizationMemberships.updateMetadata(".", "user_1", {}))
      expect(dot._tag).toBe("InvalidInput")
      expect(yield* ClerkTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(Clerk.layer.pipe(Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(200, {}))))))
  )
})
