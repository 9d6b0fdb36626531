/**
 * The router's rate-limit step (see `RateLimits.ts` for the numbers and where they come from).
 *
 * The counting is `@effect/experimental`'s `RateLimiter` (its `fixed-window` algorithm with
 * `onExceeded: "fail"`, over its in-memory store), not a counter of ours: up to `limit` requests,
 * then refused, with the time until the window frees (`retryAfter`), until the window that began
 * when the count was last empty has passed. Its clock is the emulator's `now`.
 *
 * @internal
 */
import type * as ClerkOperation from "@effect-clerk/backend/ClerkOperation"
import * as RateLimiter from "@effect/experimental/RateLimiter"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import * as RateLimits from "../RateLimits.js"

/** @internal */
export interface Limiter {
  /**
   * Counts one request of `operation` by the holder of `secretKey` against every limit that
   * applies to it; a 429 with `retryAfter` (whole seconds, at least 1) when one is exhausted.
   */
  readonly check: (
    secretKey: string,
    operation: ClerkOperation.Any,
    params: Readonly<Record<string, string>>
  ) => Effect.Effect<void, ApiError.ApiError>
  /** Empties every counter. */
  readonly reset: () => void
}

// the emulator's `now` as an Effect Clock, for the limiter's store (it only reads the time)
const clockOf = (now: () => number): Clock.Clock => {
  const sleeper = Clock.make()
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: now,
    currentTimeMillis: Effect.sync(now),
    unsafeCurrentTimeNanos: () => BigInt(now()) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(now()) * 1_000_000n),
    sleep: (duration) => sleeper.sleep(duration)
  }
}

const fresh = (): RateLimiter.RateLimiter =>
  Effect.runSync(RateLimiter.make.pipe(Effect.provide(RateLimiter.layerStoreMemory)))

/**
 * The limiter of `rateLimit` (already checked by `RateLimits.resolve`), on the clock `now`.
 *
 * @internal
 */
export const make = (rateLimit: RateLimits.RateLimit, now: () => number): Limiter => {
  const limits = RateLimits.resolve(rateLimit)
  const clock = clockOf(now)
  let limiter = fresh()
  // the counters are keyed by an index per secret key, so that no key is kept in a counter's name
  const keys = new Map<string, number>()
  const keyOf = (secretKey: string) => {
    let index = keys.get(secretKey)
    if (index === undefined) keys.set(secretKey, (index = keys.size))
    return `key${index}`
  }
  const consume = (key: string, limit: RateLimits.Limit, what: string) =>
    limiter
      .consume({ algorithm: "fixed-window", onExceeded: "fail", key, limit: limit.limit, window: limit.window })
      .pipe(
        Effect.catchAll((error) => {
          const ms = error.reason === "Exceeded" ? Duration.toMillis(error.retryAfter) : Duration.toMillis(limit.window)
          const seconds = Math.max(1, Math.ceil(ms / 1000))
          return Effect.fail(
            ApiError.tooManyRequests(
              seconds,
              `Too many requests: ${what} allows ${limit.limit} per ${Duration.format(Duration.decode(limit.window))}; retry after ${seconds} s.`
            )
          )
        }),
        Effect.asVoid
      )
  return {
    check: (secretKey, operation, params) => {
      if (RateLimits.unlimited.includes(operation.operationId)) return Effect.void
      const key = keyOf(secretKey)
      const endpoint = limits.endpoints[operation.operationId]
      const own =
        endpoint === undefined
          ? Effect.void
          : consume(
              `${key}:${endpoint.bucket}${endpoint.per === undefined ? "" : `:${params[endpoint.per] ?? ""}`}`,
              endpoint,
              endpoint.per === undefined ? operation.name : `${operation.name} (per ${endpoint.per})`
            )
      // the endpoint's own limit first: a request it refuses is not counted against the instance
      return Effect.zipRight(own, consume(`${key}:instance`, limits.instance, "this instance")).pipe(
        Effect.withClock(clock)
      )
    },
    reset: () => {
      limiter = fresh()
    }
  }
}
