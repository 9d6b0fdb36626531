/**
 * Every one of the 37 `…Stream` methods against Prism over NodeHttpClient (undici), bounded by a
 * `take`: Prism finds no violation in any page request (`limit`, `offset`, `paginated` included),
 * each page is a request the list's contract allows, and the pages Prism makes up decode into items.
 *
 * Eight lists document a bare array but answer `{ data, total_count }` when sent `paginated: true`
 * (the wire override `paginated-envelope` in packages/codegen/src/overrides.ts, with Clerk's SDK as
 * evidence); their streams send the flag. Prism follows the spec and answers those a bare array,
 * which the SDK refuses as it would refuse it from Clerk: for them this run checks the requests and
 * that refusal (their envelope pages are tested in test/streams.test.ts).
 */
import { ClerkClient } from "@effect-clerk/backend"
import * as HttpClient from "@effect/platform/HttpClient"
import * as UrlParams from "@effect/platform/UrlParams"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { expect, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { groupOf } from "../fixtures.js"
import { listOf, openStream, streams } from "../streamFixtures.js"
import * as Prism from "./Prism.js"

/** The spec documents a bare array, the stream asks for the envelope Clerk sends with the flag. */
const envelopeByOverride = (s: (typeof streams)[number]) => s.paginated && Array.isArray(listOf(s).response.body)

it("eight streams ask for an envelope the spec does not document", () => {
  expect(
    streams
      .filter(envelopeByOverride)
      .map((s) => `${s.service}.${s.list}`)
      .sort()
  ).toEqual([
    "AllowListBlockList.listAllowlistIdentifiers",
    "Clients.list",
    "EmailSMSTemplates.list",
    "Invitations.list",
    "JWTTemplates.list",
    "RedirectURLs.list",
    "Sessions.list",
    "Users.getOAuthAccessToken"
  ])
})

layer(Prism.layer({ seed: 20260512 }), { timeout: "120 seconds", excludeTestServices: true })(
  "every stream against Prism",
  (it) => {
    for (const s of streams) {
      it.effect(
        `${s.service}.${s.stream} (${s.operationId})`,
        () =>
          Effect.gen(function* () {
            const prism = yield* Prism.Prism
            const requests: Array<{ readonly url: URL; readonly violations: ReadonlyArray<string> }> = []
            const client = ClerkClient.layer({
              secretKey: Redacted.make("sk_test_prism"),
              baseUrl: prism.url,
              transformClient: HttpClient.tap((response) =>
                Effect.sync(() =>
                  requests.push({
                    url: new URL(`${response.request.url}?${UrlParams.toString(response.request.urlParams)}`),
                    violations: Prism.requestViolations(response.headers).map(
                      (v) => `${v.location.join(".")}: ${v.message}`
                    )
                  })
                )
              )
            }).pipe(Layer.provide(NodeHttpClient.layerUndici))
            // pages of 2, at most 3 of them: Prism's pages are random, so bound the stream
            const outcome = yield* openStream(s, { pageSize: 2 }).pipe(
              Stream.take(6),
              Stream.runCollect,
              Effect.provide(groupOf(listOf(s)).layer.pipe(Layer.provide(client))),
              Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error("Prism did not answer") }),
              Effect.either
            )
            if (envelopeByOverride(s)) {
              expect(outcome._tag === "Left" && outcome.left).toMatchObject({
                _tag: "UnexpectedResponse",
                reason: "SchemaMismatch"
              })
              expect(requests.length).toBe(1)
            } else {
              expect(outcome._tag === "Right" ? "decoded" : String(outcome.left)).toBe("decoded")
            }
            expect(requests.length).toBeGreaterThanOrEqual(1)
            expect(requests.length).toBeLessThanOrEqual(3)
            // Prism's pages may hold more than `limit` items: the next offset is the count read so far
            const offsets = requests.map((request) => Number(request.url.searchParams.get("offset")))
            expect(offsets[0]).toBe(0)
            offsets.slice(1).forEach((offset, i) => expect(offset).toBeGreaterThanOrEqual(offsets[i]! + 2))
            requests.forEach((request) => {
              expect(request.violations.join("\n")).toBe("")
              expect(request.url.searchParams.get("limit")).toBe("2")
              expect(request.url.searchParams.getAll("paginated")).toEqual(s.paginated ? ["true"] : [])
            })
          }),
        // the stream has its own 20 s limit above; vitest's 5 s default fired first under load
        30_000
      )
    }
  }
)
