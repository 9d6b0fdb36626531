/**
 * The pacing store over `@effect/experimental`'s `RateLimiter` and whatever `RateLimiterStore`
 * backs it (Redis in `RedisRateLimit.layerStore`; the in-memory one in tests): a fixed window with
 * `onExceeded: "delay"`, one Lua script per request in Redis, so every replica reserves its request
 * atomically and learns how long to wait before sending it.
 */
import { ClerkRateLimit } from "@effect-clerk/backend"
import * as RateLimiter from "@effect/experimental/RateLimiter"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const NAME = "redis"

export interface Options {
  /** The prefix of every key. Default `effect-clerk:rate-limit:`. */
  readonly prefix?: string | undefined
}

export const DEFAULT_PREFIX = "effect-clerk:rate-limit:"

/** What a failure of the store says (its message, cut short), never more. */
const describe = (cause: unknown): string => {
  const inner = (cause as { readonly cause?: unknown })?.cause ?? cause
  const message =
    inner instanceof Error || (typeof inner === "object" && inner !== null && "message" in inner)
      ? String((inner as { message: unknown }).message)
      : "unknown error"
  return message.slice(0, 200)
}

export const makeStore = (
  options: Options = {}
): Effect.Effect<ClerkRateLimit.Store.Service, never, RateLimiter.RateLimiterStore> =>
  Effect.map(RateLimiter.make, (limiter) => {
    const prefix = options.prefix ?? DEFAULT_PREFIX
    return ClerkRateLimit.Store.of({
      name: NAME,
      take: ({ key, limit, maxWait, timeout, window }) =>
        limiter.consume({ key: prefix + key, limit, window, algorithm: "fixed-window", onExceeded: "delay" }).pipe(
          // a request Redis does not answer in time (down, or reconnecting with ioredis' offline
          // queue) is an unavailable store: the caller falls back or fails, it never waits on Redis
          Effect.timeoutFail({
            duration: timeout,
            onTimeout: () =>
              new ClerkRateLimit.RateLimitStoreUnavailable({
                store: NAME,
                description: `Redis did not answer within ${Duration.format(timeout)}`
              })
          }),
          Effect.catchTag("RateLimiterError", (error) =>
            Effect.fail(
              new ClerkRateLimit.RateLimitStoreUnavailable({ store: NAME, description: describe(error), cause: error })
            )
          ),
          Effect.flatMap(({ delay }) => {
            // the request is reserved `delay` from now; past `maxWait` the caller gives up on it
            if (Duration.greaterThan(delay, maxWait)) return Effect.succeed(false)
            return Duration.isZero(delay) ? Effect.succeed(true) : Effect.as(Effect.sleep(delay), true)
          })
        )
    })
  })

export const layerStore = (
  options: Options = {}
): Layer.Layer<ClerkRateLimit.Store, never, RateLimiter.RateLimiterStore> =>
  Layer.effect(ClerkRateLimit.Store, makeStore(options))
