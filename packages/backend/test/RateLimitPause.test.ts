/**
 * One pause per client (internal/rateLimit.ts): a 429 with `Retry-After` holds every call of the
 * client until then, JWKS excepted; a call whose time limit ends first fails at once, nothing sent.
 * Against a mocked HttpClient under the TestClock.
 */
import { ClerkClient, Invitations, JWKS, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { mockClerk, recordingTracer, sleeping, tooMany, until, waits } from "./rateLimitHarness.js"

describe("one pause per client", () => {
  it.effect("a 429 with Retry-After: 2 holds every other call of the client until it ends; JWKS is not held", () => {
    const { layer, sent } = mockClerk((_, index) => (index === 0 ? tooMany(2) : undefined))
    const { spans, tracer } = recordingTracer()
    return Effect.gen(function* () {
      const before = yield* waits("GetUsersCount", "pause")
      const refused = yield* Effect.flip(Users.count())
      expect(refused).toMatchObject({ _tag: "TooManyRequests", retryAfter: 2 })
      expect(spans[0]?.events.map(([name]) => name)).toEqual(["clerk.rate_limit.pause"])

      const held = yield* Effect.fork(
        Effect.all([Users.count(), Users.count(), Invitations.bulkCreate([{ email_address: "a@example.com" }])], {
          concurrency: "unbounded"
        })
      )
      const jwks = yield* Effect.fork(JWKS.get())
      yield* sleeping(3, 2000, 2200)
      yield* until(() => sent.length === 2)
      expect(yield* Fiber.join(jwks)).toEqual({ keys: [] })
      expect(sent).toEqual([
        { method: "GET", path: "/v1/users/count", at: 0 },
        { method: "GET", path: "/v1/jwks", at: 0 }
      ])

      yield* TestClock.adjust("1999 millis")
      expect(sent).toHaveLength(2)
      // the pause, then a spread over its next 10% (200 ms) so that the waiters do not all return at once
      yield* TestClock.adjust("201 millis")
      yield* Fiber.join(held)
      const later = sent.slice(2)
      expect(later.map((request) => request.path).sort()).toEqual([
        "/v1/invitations/bulk",
        "/v1/users/count",
        "/v1/users/count"
      ])
      for (const request of later) {
        expect(request.at).toBeGreaterThanOrEqual(2000)
        expect(request.at).toBeLessThanOrEqual(2200)
      }
      // visible: a span event per held call, and the histogram clerk_rate_limit_wait_seconds
      expect(spans.find((span) => span.name === "JWKS.get")?.events).toEqual([])
      const events = spans.slice(1).flatMap((span) => span.events)
      expect(events).toHaveLength(3)
      for (const [name, attributes] of events) {
        expect(name).toBe("clerk.rate_limit.wait")
        expect(attributes?.["clerk.rate_limit.reason"]).toBe("pause")
        expect(attributes?.["clerk.rate_limit.wait_ms"]).toBeGreaterThanOrEqual(2000)
      }
      expect((yield* waits("GetUsersCount", "pause")) - before).toBe(2)
      expect(yield* waits("CreateBulkInvitations", "pause")).toBe(1)
    }).pipe(Effect.withTracer(tracer), Effect.provide(layer))
  })

  it.effect("the call that met the 429 retries after it, and no other call sends before", () => {
    const { layer, sent } = mockClerk((_, index) => (index === 0 ? tooMany(2) : undefined), {
      retry: { maxAttempts: 2 }
    })
    return Effect.gen(function* () {
      const first = yield* Effect.fork(Users.count())
      yield* until(() => sent.length === 1)
      const others = yield* Effect.fork(Effect.all([Users.count(), Users.count()], { concurrency: "unbounded" }))
      yield* sleeping(3, 2000, 2200)
      yield* TestClock.adjust("1999 millis")
      expect(sent).toHaveLength(1)
      yield* TestClock.adjust("201 millis")
      yield* Fiber.join(first)
      yield* Fiber.join(others)
      expect(sent).toHaveLength(4)
      for (const request of sent.slice(1)) expect(request.at).toBeGreaterThanOrEqual(2000)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a call whose time limit ends before the pause fails at once with its Timeout, nothing sent", () => {
    const { layer, sent } = mockClerk((_, index) => (index === 0 ? tooMany(20) : undefined), {
      retry: { maxAttempts: 4, maxRetryAfter: "10 seconds" }
    })
    return Effect.gen(function* () {
      // 20 s is beyond maxRetryAfter: the call that met it fails at once, and the client pauses
      expect(yield* Effect.flip(Users.count())).toMatchObject({ _tag: "TooManyRequests", retryAfter: 20 })
      const error = yield* Effect.flip(Users.count().pipe(ClerkClient.withTimeout("5 seconds")))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout", attempts: 1 })
      expect(error.message).toContain("Clerk's rate limit holds this client for")
      expect(error.message).toContain("nothing was sent")
      expect(sent).toHaveLength(1)
      expect(yield* TestClock.currentTimeMillis).toBe(0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a call whose time limit ends after the pause waits, and the wait counts against that limit", () => {
    const { layer, sent } = mockClerk((_, index) => (index === 0 ? tooMany(3) : undefined))
    return Effect.gen(function* () {
      yield* Effect.flip(Users.count())
      const fiber = yield* Effect.fork(Users.count().pipe(ClerkClient.withTimeout("4 seconds")))
      yield* sleeping(1, 3000, 3300)
      yield* TestClock.adjust("3300 millis")
      expect(yield* Fiber.join(fiber)).toMatchObject({ total_count: 1 })
      expect(sent[1]!.at).toBeGreaterThanOrEqual(3000)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a 429 of an operation with a limit of its own pauses that operation only", () => {
    const { layer, sent } = mockClerk((_, index) => (index === 0 ? tooMany(600) : undefined))
    return Effect.gen(function* () {
      expect(yield* Effect.flip(Invitations.bulkCreate([{ email_address: "a@example.com" }]))).toMatchObject({
        _tag: "TooManyRequests"
      })
      // the rest of the client sends at once
      expect(yield* Users.count()).toMatchObject({ total_count: 1 })
      const error = yield* Effect.flip(
        Invitations.bulkCreate([{ email_address: "a@example.com" }]).pipe(ClerkClient.withTimeout("30 seconds"))
      )
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
      expect(error.message).toContain("Clerk's rate limit holds Invitations.bulkCreate for 10m")
      expect(sent.map((request) => request.path)).toEqual(["/v1/invitations/bulk", "/v1/users/count"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a hostile Retry-After pauses the client a minute at most", () => {
    const { layer, sent } = mockClerk((_, index) => (index === 0 ? tooMany(86_400) : undefined))
    return Effect.gen(function* () {
      yield* Effect.flip(Users.count())
      const fiber = yield* Effect.fork(Users.count().pipe(ClerkClient.withTimeout("2 minutes")))
      yield* sleeping(1, 60_000, 61_000)
      yield* TestClock.adjust("66 seconds")
      expect(yield* Fiber.join(fiber)).toMatchObject({ total_count: 1 })
      expect(sent[1]!.at).toBeGreaterThanOrEqual(60_000)
      expect(sent[1]!.at).toBeLessThanOrEqual(61_000)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a 429 of JWKS pauses nobody, and a 429 without Retry-After pauses nobody", () => {
    const { layer, sent } = mockClerk((_, index) =>
      index === 0
        ? tooMany(30)
        : index === 1
          ? new Response(JSON.stringify({ errors: [] }), {
              status: 429,
              headers: { "content-type": "application/json" }
            })
          : undefined
    )
    return Effect.gen(function* () {
      expect(yield* Effect.flip(JWKS.get())).toMatchObject({ _tag: "TooManyRequests", retryAfter: 30 })
      expect(yield* Effect.flip(Users.count())).toMatchObject({ _tag: "TooManyRequests", retryAfter: undefined })
      expect(yield* Users.count()).toMatchObject({ total_count: 1 })
      expect(sent.map((request) => request.at)).toEqual([0, 0, 0])
    }).pipe(Effect.provide(layer))
  })

  it.effect("two clients do not share a pause", () => {
    const a = mockClerk((_, index) => (index === 0 ? tooMany(30) : undefined))
    const b = mockClerk()
    return Effect.gen(function* () {
      yield* Effect.flip(Users.count().pipe(Effect.provide(a.layer)))
      expect(yield* Users.count().pipe(Effect.provide(b.layer))).toMatchObject({ total_count: 1 })
      expect(b.sent).toHaveLength(1)
    })
  })
})
