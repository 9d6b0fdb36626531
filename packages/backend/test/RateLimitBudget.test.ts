/**
 * The opt-in pacing layer (`ClerkRateLimit`): the in-memory budget paces calls over windows, an
 * operation with a limit of its own is paced at it too, the budget follows the key, and an
 * unreachable store either fails the call (nothing sent) or falls back to the in-process budget,
 * with one warning per outage, and never hangs. Against a mocked HttpClient under the TestClock.
 */
import { ClerkClient, ClerkRateLimit, Invitations, JWKS, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Metric from "effect/Metric"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as ClerkMetrics from "../src/ClerkMetrics.js"
import { mockClerk, recordingTracer, sleeping, until, waits } from "./rateLimitHarness.js"

/** `mockClerk` with a pacing layer provided to its `ClerkClient`. */
const paced = (
  pacing: Layer.Layer<ClerkRateLimit.ClerkRateLimit, unknown>,
  options: Partial<ClerkClient.Options> = {}
) => {
  const { layer, sent } = mockClerk(undefined, options)
  return { sent, layer: layer.pipe(Layer.provide(Layer.orDie(pacing))) }
}

const invite = (n: number) => Invitations.bulkCreate([{ email_address: `user${n}@example.com` }])

/** Moves the TestClock in steps of `step` until `fiber` is done (real time between steps). */
const drive = <A, E>(fiber: Fiber.RuntimeFiber<A, E>, step: Duration.DurationInput, steps = 100) =>
  Effect.gen(function* () {
    for (let i = 0; i < steps; i++) {
      yield* until(() => true)
      const done = yield* Fiber.poll(fiber)
      if (done._tag === "Some") return yield* Fiber.join(fiber)
      yield* TestClock.adjust(step)
    }
    throw new Error("the fiber never ended")
  })

describe("the in-memory budget", () => {
  it.effect("paces N calls over windows: 3 per 10 s sends 7 calls at 0, 10 and 20 s", () => {
    const { layer, sent } = paced(ClerkRateLimit.layerMemory({ budget: { limit: 3, window: "10 seconds" } }))
    const { spans, tracer } = recordingTracer()
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(
        Effect.all(
          Array.from({ length: 7 }, () => Users.count()),
          { concurrency: "unbounded" }
        )
      )
      yield* until(() => sent.length === 3)
      yield* TestClock.adjust("9999 millis")
      expect(sent).toHaveLength(3)
      yield* drive(fiber, "1 second")
      expect(sent.map((request) => request.at)).toEqual([0, 0, 0, 10_000, 10_000, 10_000, 20_000])
      // the waits show: a span event each, and the histogram
      const waited = spans.flatMap((span) => span.events.filter(([name]) => name === "clerk.rate_limit.wait"))
      expect(waited).toHaveLength(4)
      for (const [, attributes] of waited) expect(attributes?.["clerk.rate_limit.reason"]).toBe("budget")
      expect(yield* waits("GetUsersCount", "budget")).toBe(4)
    }).pipe(Effect.withTracer(tracer), Effect.provide(layer))
  })

  it.effect("JWKS is not paced", () => {
    const { layer, sent } = paced(ClerkRateLimit.layerMemory({ budget: { limit: 1, window: "1 minute" } }))
    return Effect.gen(function* () {
      yield* Users.count()
      yield* Effect.all([JWKS.get(), JWKS.get(), JWKS.get()], { concurrency: "unbounded" })
      expect(sent.map((request) => [request.path, request.at])).toEqual([
        ["/v1/users/count", 0],
        ["/v1/jwks", 0],
        ["/v1/jwks", 0],
        ["/v1/jwks", 0]
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a wait for the budget past the time limit fails with Timeout, nothing sent, not retried", () => {
    const { layer, sent } = paced(ClerkRateLimit.layerMemory({ budget: { limit: 1, window: "1 minute" } }), {
      retry: { maxAttempts: 4 }
    })
    return Effect.gen(function* () {
      yield* Users.count()
      const fiber = yield* Effect.fork(Effect.flip(Users.count().pipe(ClerkClient.withTimeout("5 seconds"))))
      yield* sleeping(1, 5000, 5000)
      yield* TestClock.adjust("5 seconds")
      const error = yield* Fiber.join(fiber)
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout", attempts: 1 })
      expect(error.message).toContain("no room in the rate-limit budget")
      expect(sent).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })
})

describe("an operation's own limit", () => {
  it.effect("bulk invitations are paced at Clerk's 25 per hour; the 26th waits; other calls do not", () => {
    const { layer, sent } = paced(ClerkRateLimit.layerMemory())
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(
        Effect.all(
          Array.from({ length: 26 }, (_, i) => Effect.either(invite(i).pipe(ClerkClient.withTimeout("10 seconds")))),
          { concurrency: "unbounded" }
        )
      )
      yield* until(() => sent.length === 25)
      // the instance's budget (100 per 10 s on a development key) still has room for others
      expect(yield* Users.count()).toMatchObject({ total_count: 1 })
      yield* TestClock.adjust("10 seconds")
      const outcomes = yield* Fiber.join(fiber)
      const failed = outcomes.filter((outcome) => outcome._tag === "Left")
      expect(failed).toHaveLength(1)
      expect(failed[0]!.left).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
      expect(sent.filter((request) => request.path === "/v1/invitations/bulk")).toHaveLength(25)
    }).pipe(Effect.provide(layer))
  })

  it.effect("an override by name replaces the documented limit: 2 per minute", () => {
    const { layer, sent } = paced(
      ClerkRateLimit.layerMemory({ operations: { "Invitations.bulkCreate": { limit: 2, window: "1 minute" } } })
    )
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(
        Effect.all(
          Array.from({ length: 5 }, (_, i) => invite(i).pipe(ClerkClient.withTimeout("3 minutes"))),
          { concurrency: "unbounded" }
        )
      )
      yield* drive(fiber, "10 seconds")
      expect(sent.map((request) => request.at)).toEqual([0, 0, 60_000, 60_000, 120_000])
    }).pipe(Effect.provide(layer))
  })
})

/** A store that records what it is asked and answers with `answer`. */
const recordingStore = (answer: Effect.Effect<boolean, ClerkRateLimit.RateLimitStoreUnavailable>) => {
  const asked: Array<ClerkRateLimit.Store.TakeRequest> = []
  const store = Layer.succeed(
    ClerkRateLimit.Store,
    ClerkRateLimit.Store.of({
      name: "test",
      take: (request) =>
        Effect.zipRight(
          Effect.sync(() => asked.push(request)),
          answer
        )
    })
  )
  return { asked, store }
}

describe("the instance", () => {
  it.effect("the store sees a fingerprint of the key, never the key; the budget follows the key's kind", () =>
    Effect.gen(function* () {
      const { asked, store } = recordingStore(Effect.succeed(true))
      const pacing = ClerkRateLimit.layer().pipe(Layer.provide(store))
      for (const secretKey of ["sk_test_first_key", "sk_live_second_key", "sk_test_first_key"]) {
        const { layer } = paced(pacing, { secretKey: Redacted.make(secretKey) })
        yield* Users.count().pipe(Effect.provide(layer))
      }
      const [dev, prod, again] = asked
      expect(dev!.key).toMatch(/^[0-9a-f]{32}$/)
      expect(JSON.stringify(asked)).not.toContain("first_key")
      expect(JSON.stringify(asked)).not.toContain("second_key")
      expect(again!.key).toBe(dev!.key)
      expect(prod!.key).not.toBe(dev!.key)
      expect([dev!.limit, prod!.limit]).toEqual([100, 1000])
      // Clerk's limit, over a window 10 % longer (the client's windows and Clerk's begin apart)
      expect(Duration.toMillis(dev!.window)).toBe(11_000)
      expect(Duration.toMillis(prod!.window)).toBe(11_000)
    })
  )

  it.effect("an operation with its own limit takes from both budgets, its own first", () =>
    Effect.gen(function* () {
      const { asked, store } = recordingStore(Effect.succeed(true))
      const { layer } = paced(ClerkRateLimit.layer().pipe(Layer.provide(store)))
      yield* invite(1).pipe(Effect.provide(layer))
      expect(asked.map((request) => [request.key.replace(/^[0-9a-f]{32}/, "<fp>"), request.limit])).toEqual([
        ["<fp>:CreateBulkInvitations", 25],
        ["<fp>", 100]
      ])
      expect(Duration.toMillis(asked[0]!.window)).toBe(3_600_000)
    })
  )

  it.effect(
    "a budget that is not a positive limit per a positive window, or a bad storeTimeout, is a ConfigError naming it",
    () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(
          Layer.build(ClerkRateLimit.layerMemory({ operations: { "Users.create": { limit: 0, window: "1 minute" } } }))
        ).pipe(Effect.scoped)
        expect(String(error)).toContain("operations.Users.create")
        const timeout = yield* Effect.flip(
          Layer.build(ClerkRateLimit.layerMemory({ storeTimeout: "forever" as never })).pipe(Effect.scoped)
        )
        expect(String(timeout)).toContain("storeTimeout")
      })
  )
})

describe("an unreachable store", () => {
  const down = Effect.fail(
    new ClerkRateLimit.RateLimitStoreUnavailable({ store: "test", description: "connect ECONNREFUSED 127.0.0.1:1" })
  )

  it.effect('"fail": the call fails with RateLimitStoreUnavailable, nothing sent', () => {
    const { store } = recordingStore(down)
    const { layer, sent } = paced(ClerkRateLimit.layer({ onStoreUnavailable: "fail" }).pipe(Layer.provide(store)))
    return Effect.gen(function* () {
      const error = yield* Effect.flip(Users.count())
      expect(error).toMatchObject({ _tag: "RateLimitStoreUnavailable", operation: "Users.count", store: "test" })
      expect(error).toBeInstanceOf(ClerkRateLimit.RateLimitStoreUnavailable)
      // while it is out, the next calls fail at once without asking it
      expect(yield* Effect.flip(Users.count())).toMatchObject({ _tag: "RateLimitStoreUnavailable" })
      expect(sent).toHaveLength(0)
    }).pipe(Effect.provide(layer))
  })

  it.effect(
    '"fallback" (the default): paced by the in-process budget, one warning per outage, back when it answers',
    () => {
      let up = false
      const { asked, store } = recordingStore(Effect.suspend(() => (up ? Effect.succeed(true) : down)))
      const { layer, sent } = paced(
        ClerkRateLimit.layer({ budget: { limit: 2, window: "10 seconds" } }).pipe(Layer.provide(store))
      )
      const logs: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => logs.push(`${logLevel.label} ${String(message)}`))
      return Effect.gen(function* () {
        const fiber = yield* Effect.fork(
          Effect.all([Users.count(), Users.count(), Users.count()], { concurrency: "unbounded" })
        )
        yield* until(() => sent.length === 2)
        yield* TestClock.adjust("9 seconds")
        expect(sent).toHaveLength(2)
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(fiber)
        expect(sent.map((request) => request.at)).toEqual([0, 0, 10_000])
        expect(logs.filter((line) => line.startsWith("WARN"))).toEqual([
          "WARN the rate-limit store (test) is unavailable; pacing by the in-process budget until it answers"
        ])
        // three attempts paced by the fallback, counted
        const fallbacks = yield* Metric.value(
          Metric.tagged(ClerkMetrics.rateLimitStoreFallback, "operation_id", "GetUsersCount")
        )
        expect(fallbacks.count).toBe(3)
        // the store answers again: asked once more a second after the last failure
        up = true
        const before = asked.length
        yield* TestClock.adjust("1 second")
        yield* Users.count()
        expect(asked.length).toBe(before + 1)
        expect(logs.at(-1)).toBe("INFO the rate-limit store (test) answers again")
        expect(logs.join("\n")).not.toContain("sk_test")
      }).pipe(Effect.provide(layer), Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
    }
  )

  it.effect("a store that never answers: the call falls back within its time limit plus storeTimeout", () => {
    const { store } = recordingStore(Effect.never)
    const { layer, sent } = paced(ClerkRateLimit.layer({ storeTimeout: "200 millis" }).pipe(Layer.provide(store)))
    return Effect.gen(function* () {
      const fiber = yield* Effect.fork(Users.count().pipe(ClerkClient.withTimeout("2 seconds")))
      yield* sleeping(1, 2200, 2200)
      yield* TestClock.adjust("2200 millis")
      const error = yield* Effect.flip(Fiber.join(fiber))
      // the fallback had room, but the wait for the store used the attempt's whole time limit
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
      expect(sent).toHaveLength(0)
    }).pipe(Effect.provide(layer))
  })
})
