/**
 * The Redis pacing store's logic (internal/rateLimitStore.ts) over `@effect/experimental`'s
 * in-memory `RateLimiterStore` (no Redis: this file runs under `pnpm test`); the same logic on a real
 * Redis, shared by two replicas: RedisRateLimit.redis.test.ts.
 */
import { ClerkRateLimit } from "@effect-clerk/backend"
import * as RateLimiter from "@effect/experimental/RateLimiter"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as Store from "../src/internal/rateLimitStore.js"

const request = (maxWait: Duration.DurationInput): ClerkRateLimit.Store.TakeRequest => ({
  key: "0123456789abcdef0123456789abcdef",
  limit: 2,
  window: Duration.seconds(10),
  maxWait: Duration.decode(maxWait),
  timeout: Duration.millis(500)
})

const take = (maxWait: Duration.DurationInput) =>
  Effect.flatMap(ClerkRateLimit.Store, (store) => store.take(request(maxWait)))

const over = (store: Layer.Layer<RateLimiter.RateLimiterStore>) => Store.layerStore().pipe(Layer.provide(store))

describe("the Redis pacing store's logic (over an in-memory RateLimiterStore)", () => {
  it.effect("2 per 10 s: two at once, the next ones a window apart; past maxWait, false at once", () =>
    Effect.gen(function* () {
      expect(yield* take("1 minute")).toBe(true)
      expect(yield* take("1 minute")).toBe(true)
      const third = yield* Effect.fork(take("1 minute"))
      // the fourth is reserved 10 s from now too: beyond a maxWait of 5 s the caller gives up at
      // once (its reservation stays taken: a fixed window cannot give one back)
      expect(yield* take("5 seconds")).toBe(false)
      const fifth = yield* Effect.fork(take("1 minute"))
      yield* TestClock.adjust("9999 millis")
      expect(yield* Fiber.poll(third)).toMatchObject({ _tag: "None" })
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(third)).toBe(true)
      expect(yield* Fiber.poll(fifth)).toMatchObject({ _tag: "None" })
      yield* TestClock.adjust("10 seconds")
      expect(yield* Fiber.join(fifth)).toBe(true)
    }).pipe(Effect.provide(over(RateLimiter.layerStoreMemory)))
  )

  it.effect("keys carry the prefix; the store's failures are RateLimitStoreUnavailable, cut short", () =>
    Effect.gen(function* () {
      const keys: Array<string> = []
      const failing = Layer.succeed(
        RateLimiter.RateLimiterStore,
        RateLimiter.RateLimiterStore.of({
          fixedWindow: (options) =>
            Effect.zipRight(
              Effect.sync(() => keys.push(options.key)),
              Effect.fail(
                new RateLimiter.RateLimitStoreError({
                  message: "Failed to execute fixedWindow rate limiting command",
                  cause: new Error("connect ECONNREFUSED 127.0.0.1:6390 " + "x".repeat(500))
                })
              )
            ),
          tokenBucket: () => Effect.die("not used")
        })
      )
      const error = yield* Effect.flip(take("1 minute").pipe(Effect.provide(over(failing))))
      expect(error).toBeInstanceOf(ClerkRateLimit.RateLimitStoreUnavailable)
      expect(error.store).toBe("redis")
      expect(error.description.startsWith("connect ECONNREFUSED 127.0.0.1:6390")).toBe(true)
      expect(error.description.length).toBe(200)
      expect(keys).toEqual(["effect-clerk:rate-limit:0123456789abcdef0123456789abcdef"])
    })
  )

  it.effect("a store that does not answer within the request's timeout is unavailable, not waited for", () =>
    Effect.gen(function* () {
      const silent = Layer.succeed(
        RateLimiter.RateLimiterStore,
        RateLimiter.RateLimiterStore.of({ fixedWindow: () => Effect.never, tokenBucket: () => Effect.never })
      )
      const fiber = yield* Effect.fork(Effect.flip(take("1 minute").pipe(Effect.provide(over(silent)))))
      yield* TestClock.adjust("500 millis")
      const error = yield* Fiber.join(fiber)
      expect(error).toMatchObject({
        _tag: "RateLimitStoreUnavailable",
        description: "Redis did not answer within 500ms"
      })
    })
  )
})
