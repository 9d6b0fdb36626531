/**
 * The fast path of response decoding (internal/decode.ts) must accept exactly what the Schema
 * decoder accepts, and give back the same value. Proven on every operation's 2xx schema with
 * Schema's `Arbitrary` (valid values) and with mutations of the contract fixtures (valid and
 * invalid values), plus the runtime's observable behaviour: unknown fields kept at every depth, and
 * a detailed error (path, expectation) on a real mismatch.
 */
import { ClerkTest, Users } from "@effect-clerk/backend"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { vi } from "vitest"
import * as Decode from "../src/internal/decode.js"
import type * as Operation from "../src/internal/operation.js"
import { type Fixture, fixtures, groupOf } from "./fixtures.js"

// Every operation's success schema, recorded as the services are built.
const successes = vi.hoisted(() => new Map<string, unknown>())
const pages = vi.hoisted(() => new Map<string, unknown>())
vi.mock("../src/internal/operation.js", async (importOriginal) => {
  const original = await importOriginal<typeof Operation>()
  return {
    ...original,
    make: (client: unknown, spec: { name: string; success: unknown; paginated?: unknown }) => {
      successes.set(spec.name, spec.success)
      if (spec.paginated) pages.set(spec.name, spec.paginated)
      return original.make(client as never, spec as never)
    }
  }
})

const slow = (schema: Schema.Schema<any, any>) => ParseResult.decodeUnknownEither(schema, Decode.decodeOptions)

/** Fast path and Schema agree on `value`; returns whether it was accepted. */
const agree = (schema: Schema.Schema<any, any>, value: unknown, sameOutput = true): boolean => {
  const fast = Decode.predicate(schema.ast)(value)
  // The generated code and the closures are the same predicate.
  expect(Decode.fastPredicate(schema.ast)(value), "generated code agrees with the closures").toBe(fast)
  const decoded = slow(schema)(value)
  if (fast !== Either.isRight(decoded)) {
    throw new Error(
      `fast path says ${fast}, Schema says ${Either.isRight(decoded) ? "valid" : ParseResult.TreeFormatter.formatIssueSync(decoded.left)} for ${JSON.stringify(value)?.slice(0, 2000)}`
    )
  }
  // Same value, up to two quirks of Schema's copy: a required `unknown` property that is missing
  // comes back as `undefined` (toEqual ignores it), and an own `__proto__` key (JSON.parse makes
  // them) is assigned to the copy's prototype instead of kept; the fast path keeps the object as is.
  if (fast && sameOutput && !JSON.stringify(value ?? null).includes('"__proto__"')) {
    expect(Either.getOrThrow(decoded), `decoded ${JSON.stringify(value)?.slice(0, 2000)}`).toEqual(value)
  }
  return fast
}

const schemaOf = (fixture: Fixture) =>
  successes.get(`${fixture.service}.${fixture.method}`) as Schema.Schema<any, any> | undefined

const withBody = fixtures.filter((f) => f.response.body !== undefined)

/** Every path (array of keys) into a JSON value, the root included. */
const paths = (value: unknown, prefix: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> => {
  const out: Array<ReadonlyArray<string | number>> = [prefix]
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...prefix, i])))
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) out.push(...paths(item, [...prefix, key]))
  }
  return out
}

type Mutation = "delete" | "null" | "number" | "string" | "boolean" | "array" | "object" | "extra" | "unknownKind"
const MUTATIONS: ReadonlyArray<Mutation> = [
  "delete",
  "null",
  "number",
  "string",
  "boolean",
  "array",
  "object",
  "extra",
  "unknownKind"
]

/** A deep copy of `value` with one mutation at `path`. */
const mutate = (value: unknown, path: ReadonlyArray<string | number>, mutation: Mutation): unknown => {
  const copy = structuredClone(value)
  const replace = (current: unknown): unknown => {
    switch (mutation) {
      case "null":
        return null
      case "number":
        return 42
      case "string":
        return "surprise"
      case "boolean":
        return false
      case "array":
        return [current]
      case "object":
        return { nested: current }
      case "extra":
        return current !== null && typeof current === "object" && !Array.isArray(current)
          ? { ...current, added_by_clerk_later: { deep: [1, "two"] } }
          : current
      case "unknownKind":
        return current !== null && typeof current === "object" && !Array.isArray(current) && "object" in current
          ? { ...current, object: "verification_from_the_future" }
          : current
      case "delete":
        return current
    }
  }
  if (path.length === 0) return mutation === "delete" ? undefined : replace(copy)
  let parent: any = copy
  for (const key of path.slice(0, -1)) parent = parent[key]
  const last = path[path.length - 1]!
  if (mutation === "delete") {
    if (Array.isArray(parent)) parent.splice(last as number, 1)
    else delete parent[last]
  } else parent[last] = replace(parent[last])
  return copy
}

describe("fast path and Schema agree", () => {
  beforeAll(() => {
    // Building every group's layer runs `Operation.make` for each of the 249 operations.
    const layers = [...new Set(fixtures.map((f) => groupOf(f).layer))]
    const all = Layer.mergeAll(layers[0]!, ...layers.slice(1)).pipe(
      Layer.provide(ClerkTest.layer(() => new Response(null, { status: 500 })))
    )
    Effect.runSync(Effect.scoped(Layer.build(all)))
  })

  it("sees every operation's success schema", () => {
    expect(successes.size).toBe(249)
    expect(pages.size).toBe(8)
    expect([...successes.values()].filter((s) => s !== undefined).length).toBe(withBody.length)
  })

  // The list operations that take `paginated`: their envelope, built around the fixture's list.
  const cases = [
    ...withBody.map((fixture) => ({ fixture, name: `${fixture.service}.${fixture.method}`, page: false })),
    ...withBody
      .filter((fixture) => (fixture.args.at(-1) as { paginated?: unknown } | undefined)?.paginated === false)
      .map((fixture) => ({
        fixture: {
          ...fixture,
          response: { ...fixture.response, body: { data: fixture.response.body, total_count: 3 } }
        },
        name: `${fixture.service}.${fixture.method} with paginated: true`,
        page: true
      }))
  ]
  it("covers the eight envelopes", () => expect(cases.filter((c) => c.page)).toHaveLength(8))

  for (const { fixture, name, page } of cases) {
    it(`${name}: Arbitrary values and mutated fixtures`, () => {
      const schema = page
        ? (pages.get(`${fixture.service}.${fixture.method}`) as Schema.Schema<any, any> | undefined)
        : schemaOf(fixture)
      expect(schema, `${name} has a success schema`).toBeDefined()
      // The fixture itself is valid for both.
      expect(agree(schema!, fixture.response.body)).toBe(true)
      // Schema's Arbitrary: values of the type (valid by construction, both must accept them).
      FastCheck.assert(
        FastCheck.property(Arbitrary.make(schema!), (value) => agree(schema!, value)),
        { numRuns: 15, seed: 7 }
      )
      // Mutations of the fixture: one change at one place, valid or not, both must say the same.
      const all = paths(fixture.response.body)
      let accepted = 0
      let rejected = 0
      FastCheck.assert(
        FastCheck.property(
          FastCheck.integer({ min: 0, max: all.length - 1 }),
          FastCheck.constantFrom(...MUTATIONS),
          (i, mutation) => {
            if (agree(schema!, mutate(fixture.response.body, all[i]!, mutation))) accepted++
            else rejected++
          }
        ),
        { numRuns: 60, seed: 11 }
      )
      expect(accepted + rejected).toBe(60)
      // CPU-bound (Schema's Arbitrary of the largest schemas): ~1 s alone, past vitest's 5 s default
      // when the machine's two cores are shared with other suites; the cases are deterministic (seeded).
    }, 30_000)
  }

  it("mutations do find rejections (the comparison can fail)", () => {
    const fixture = fixtures.find((f) => f.operationId === "GetUserList")!
    const schema = schemaOf(fixture)!
    const body = fixture.response.body
    expect(agree(schema, mutate(body, [0, "email_addresses", 0, "verification", "status"], "number"))).toBe(false)
    expect(agree(schema, mutate(body, [0, "id"], "delete"))).toBe(false)
    expect(agree(schema, mutate(body, [0, "email_addresses"], "object"))).toBe(false)
    expect(agree(schema, mutate(body, [], "object"))).toBe(false)
    // Unknown fields at any depth and open enums are valid.
    expect(agree(schema, mutate(body, [0, "email_addresses", 0, "verification"], "extra"))).toBe(true)
    expect(agree(schema, mutate(body, [0, "email_addresses", 0, "verification", "status"], "string"))).toBe(true)
  })

  it("a discriminated union is looked up by its discriminator, and other members still count", () => {
    const A = Schema.Struct({ kind: Schema.Literal("a"), n: Schema.Number })
    const B = Schema.Struct({ kind: Schema.Literal("b", "c"), s: Schema.String })
    const Loose = Schema.Struct({ kind: Schema.String, extra: Schema.Boolean })
    const U = Schema.Union(A, B, Loose)
    for (const value of [
      { kind: "a", n: 1 },
      { kind: "a", s: "x" },
      { kind: "c", s: "x" },
      { kind: "b", n: 1 },
      { kind: "a", extra: true },
      { kind: "z", extra: false },
      { kind: 1, extra: true },
      "a",
      null
    ]) {
      agree(U, value)
    }
    expect(Decode.predicate(U.ast)({ kind: "a", extra: true })).toBe(true)
    expect(Decode.predicate(U.ast)({ kind: "b", n: 1 })).toBe(false)
    expect(Decode.fastPredicate(U.ast)({ kind: "a", extra: true })).toBe(true)
    expect(Decode.fastPredicate(U.ast)({ kind: "b", n: 1 })).toBe(false)
  })

  it("names Object.prototype has are own properties or missing", () => {
    const S = Schema.Struct({ constructor: Schema.optional(Schema.String), toString: Schema.Unknown })
    for (const value of [
      {},
      { constructor: "x" },
      { constructor: 1 },
      { toString: null },
      JSON.parse('{"__proto__":1}')
    ]) {
      // Schema's output copies an inherited `toString` onto the result; the fast path returns the
      // object as parsed. Acceptance is the same.
      agree(S, value, false)
    }
  })
})

describe("decoding through the runtime", () => {
  const users = fixtures.find((f) => f.operationId === "GetUserList")!.response.body as ReadonlyArray<any>
  const layer = (body: unknown) =>
    Users.layer.pipe(Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(200, body))))

  it.effect("keeps unknown fields at every depth", () =>
    Effect.gen(function* () {
      const body = [
        {
          ...users[0],
          new_top_level: { a: 1 },
          email_addresses: [
            {
              ...users[0].email_addresses[0],
              new_in_email: true,
              verification: { ...users[0].email_addresses[0].verification, new_in_verification: [1] }
            }
          ]
        }
      ]
      const result = yield* Users.list().pipe(Effect.provide(layer(body)))
      expect(result).toEqual(body)
      const first = result[0] as any
      expect(first.new_top_level).toEqual({ a: 1 })
      expect(first.email_addresses[0].new_in_email).toBe(true)
      expect(first.email_addresses[0].verification.new_in_verification).toEqual([1])
    })
  )

  it.effect("a real mismatch is a SchemaMismatch naming the path and the expectation", () =>
    Effect.gen(function* () {
      const body = [{ ...users[0], banned: "no" }]
      const error = yield* Effect.flip(Users.list().pipe(Effect.provide(layer(body))))
      expect(error._tag).toBe("UnexpectedResponse")
      if (error._tag !== "UnexpectedResponse") return
      expect(error.reason).toBe("SchemaMismatch")
      expect(error.description).toContain("[0]")
      expect(error.description).toContain('["banned"]')
      expect(error.description).toContain("Expected boolean")
    })
  )
})
