/**
 * The retry policy (internal/retry.ts) decision by decision, and the statuses that are never
 * retried on any method: 501 and 505 answer the same however often they are asked.
 * (Waits and budgets against the TestClock: Runtime.test.ts.)
 */
import { BetaFeatures, ClerkClient, ClerkError, ClerkTest, JWKS, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Retry from "../src/internal/retry.js"
import * as Settings from "../src/internal/settings.js"

const retry = Settings.resolve({ retry: { maxAttempts: 4, initialDelay: "500 millis", factor: 2 } }).retry!

const delay = (error: unknown, attempt = 1, idempotent = true) =>
  Effect.runSync(Retry.nextDelay(error, retry, attempt, idempotent))

const server = (status: number) => new ClerkError.ServerError({ status, errors: [] }, true)
const transport = (reason: ClerkError.TransportReason) =>
  new ClerkError.TransportError({ operation: "X.y", method: "GET", url: "/x", reason, description: "" })

describe("decisions", () => {
  it("a 5xx of an idempotent method backs off (500 ms × 2^(attempt-1), ±20%); of any other, stops", () => {
    expect(delay(server(503), 1)).toBeGreaterThanOrEqual(400)
    expect(delay(server(503), 1)).toBeLessThanOrEqual(600)
    expect(delay(server(502), 3)).toBeGreaterThanOrEqual(1600)
    expect(delay(server(502), 3)).toBeLessThanOrEqual(2400)
    expect(delay(server(503), 1, false)).toBeUndefined()
  })

  it("501 and 505 are never retried, on any method", () => {
    for (const status of [501, 505]) {
      expect(delay(server(status), 1, true), String(status)).toBeUndefined()
      expect(delay(server(status), 1, false), String(status)).toBeUndefined()
    }
  })

  it("nothing sent (refused, DNS) is retried for every method; InvalidRequest never; the rest if idempotent", () => {
    expect(delay(transport("ConnectionRefused"), 1, false)).toBeTypeOf("number")
    expect(delay(transport("DnsFailure"), 1, false)).toBeTypeOf("number")
    expect(delay(transport("InvalidRequest"), 1, true)).toBeUndefined()
    for (const reason of ["ConnectionReset", "Timeout", "Other"] as const) {
      expect(delay(transport(reason), 1, true), reason).toBeTypeOf("number")
      expect(delay(transport(reason), 1, false), reason).toBeUndefined()
    }
  })

  it("a 429 waits at least Retry-After, on any method, unless beyond maxRetryAfter", () => {
    const tooMany = (retryAfter: number | undefined) =>
      new ClerkError.TooManyRequests({ status: 429, errors: [], retryAfter }, true)
    expect(delay(tooMany(3), 1, false)).toBeGreaterThanOrEqual(3000)
    expect(delay(tooMany(3), 1, false)).toBeLessThanOrEqual(3300)
    expect(delay(tooMany(31), 1, false)).toBeUndefined()
    expect(delay(tooMany(undefined), 1, false)).toBeTypeOf("number")
  })

  it("no attempt beyond maxAttempts; other errors are not retried", () => {
    expect(delay(server(503), 4)).toBeUndefined()
    expect(delay(new ClerkError.NotFound({ status: 404, errors: [] }, true))).toBeUndefined()
  })

  it("Retry-After in seconds or as an HTTP date", () => {
    expect(Retry.parseRetryAfter(" 7 ")).toBe(7)
    expect(Retry.parseRetryAfter(new Date(10_500).toUTCString(), 1_000)).toBe(9)
    expect(Retry.parseRetryAfter("soon")).toBeUndefined()
    expect(Retry.parseRetryAfter(undefined)).toBeUndefined()
  })
})

describe("501 and 505 through the SDK", () => {
  const layer = (status: number) =>
    Layer.mergeAll(JWKS.layer, Users.layer, BetaFeatures.layer).pipe(
      Layer.provideMerge(
        ClerkTest.layer(() => ClerkTest.clerkError(status, "not_implemented", "no"), {
          retry: { maxAttempts: 4, initialDelay: "1 millis" }
        })
      )
    )

  for (const status of [501, 505]) {
    it.live(`a GET, a PUT, a DELETE and a POST meeting ${status} make one attempt each`, () =>
      Effect.gen(function* () {
        const outcomes = [
          yield* Effect.flip(JWKS.get()),
          yield* Effect.flip(BetaFeatures.updateProductionInstanceDomain()),
          yield* Effect.flip(Users.delete_("user_1")),
          yield* Effect.flip(Users.create({}))
        ]
        for (const error of outcomes) expect(error).toMatchObject({ _tag: "ServerError", status, attempts: 1 })
        expect((yield* ClerkTest.requests).map((r) => r.method)).toEqual(["GET", "PUT", "DELETE", "POST"])
      }).pipe(Effect.provide(layer(status)))
    )
  }

  it.live("a 503 of the same GET is still retried", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(JWKS.get().pipe(ClerkClient.withRetry({ maxAttempts: 2 })))
      expect(error).toMatchObject({ _tag: "ServerError", status: 503, attempts: 2 })
    }).pipe(Effect.provide(layer(503)))
  )
})
