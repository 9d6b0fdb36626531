/**
 * The contract test of every operation, from the generated fixtures (test/generated/fixtures.json,
 * written by the generator from the spec): with a mocked HttpClient, a call with spec-valid sample
 * inputs builds the right method, path, query and body; a spec-valid sample 2xx body decodes; and
 * every documented error status (plus 401, 429, 5xx) yields its class.
 */
import { ClerkTest } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { callOperation, type Fixture, fixtures, groupOf, PNG } from "./fixtures.js"

/** The fixture's group over a mocked HttpClient answering with `handler`. */
const mocked = (fixture: Fixture, handler: ClerkTest.Handler) =>
  groupOf(fixture).layer.pipe(Layer.provideMerge(ClerkTest.layer(handler)))

const answer = (fixture: Fixture) => () =>
  fixture.response.body === undefined
    ? new Response(null, { status: fixture.response.status })
    : ClerkTest.json(fixture.response.status, fixture.response.body)

it("covers every operation of the spec", () => {
  expect(fixtures).toHaveLength(249)
  expect(new Set(fixtures.map((f) => f.operationId)).size).toBe(249)
  expect(new Set(fixtures.map((f) => f.service)).size).toBe(41)
})

for (const fixture of fixtures) {
  describe(`${fixture.service}.${fixture.method} (${fixture.operationId})`, () => {
    it.effect("builds the request and decodes a spec-valid 2xx body", () =>
      Effect.gen(function* () {
        const [result, recorded] = yield* callOperation(fixture).pipe(
          Effect.zip(ClerkTest.requests),
          Effect.provide(mocked(fixture, answer(fixture)))
        )
        expect(result).toEqual(fixture.response.body)
        expect(recorded).toHaveLength(1)
        const request = recorded[0]!
        expect(request.method).toBe(fixture.request.method)
        expect(request.url.origin + request.url.pathname).toBe(`https://api.clerk.com/v1${fixture.request.path}`)
        expect([...request.url.searchParams]).toEqual(fixture.request.query)
        expect(request.headers["authorization"]).toBe(`Bearer ${ClerkTest.TEST_SECRET_KEY}`)
        expect(request.headers["clerk-api-version"]).toBe("2026-05-12")
        if (fixture.request.body !== undefined) {
          expect(request.headers["content-type"]).toBe("application/json")
          expect(request.json).toEqual(fixture.request.body)
        } else if (fixture.request.form !== undefined) {
          expect(request.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/)
          const form = yield* Effect.promise(() =>
            new Response(request.bytes, { headers: { "content-type": request.headers["content-type"]! } }).formData()
          )
          for (const [key, value] of Object.entries(fixture.request.form)) {
            const sent = form.get(key)
            if (value !== null && typeof value === "object") {
              expect(sent).toBeInstanceOf(Blob)
              expect(new Uint8Array(yield* Effect.promise(() => (sent as Blob).arrayBuffer()))).toEqual(PNG)
            } else {
              expect(sent).toBe(String(value))
            }
          }
        } else {
          expect(request.text).toBe("")
        }
      })
    )

    it.effect("decodes every documented error status into its class", () =>
      Effect.gen(function* () {
        for (const [status, tag] of Object.entries(fixture.errors)) {
          const error = yield* Effect.flip(
            callOperation(fixture).pipe(
              Effect.provide(
                mocked(fixture, () =>
                  ClerkTest.clerkError(Number(status), "sample_code", "sample message", { traceId: "trace_1" })
                )
              )
            )
          )
          expect({ status, tag: error._tag }).toEqual({ status, tag })
          expect((error as unknown as { clerk_trace_id?: string }).clerk_trace_id).toBe("trace_1")
        }
      })
    )
  })
}
