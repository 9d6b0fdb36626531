/**
 * A pacing store (`ClerkRateLimit.Store` of `@effect-clerk/backend`) shared by every replica of an
 * instance, in Redis: `@effect/experimental`'s `RateLimiter` with its Redis store
 * (`RateLimiter/Redis`, over ioredis), a fixed window with `onExceeded: "delay"`. Each request is
 * one Lua script, atomic in Redis: whichever replica sends it, it reserves the next slot of the
 * instance's window and learns how long to wait. No limiter of ours, no Redis command of ours.
 *
 * Keys: `effect-clerk:rate-limit:<fingerprint>` for the instance's budget and
 * `...:<fingerprint>:<operationId>` for an operation's own (`prefix` changes the first part); the
 * fingerprint is 32 hex digits of the secret key's SHA-256, never the key. Every key has a TTL.
 *
 * It lives here rather than in `@effect-clerk/backend`, whose only peers are `effect` and
 * `@effect/platform`: `@effect/experimental` and `ioredis` come only to those who run Redis.
 *
 * @since 0.2.0
 */
import { ClerkRateLimit } from "@effect-clerk/backend"
import * as RateLimiterRedis from "@effect/experimental/RateLimiter/Redis"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { RedisOptions } from "ioredis"
import { scopedConnections } from "./internal/connections.js"
import { layerStore as layerStoreOver } from "./internal/rateLimitStore.js"

/**
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** The prefix of every key. Default `effect-clerk:rate-limit:`. */
  readonly prefix?: string | undefined
}

/**
 * The store in Redis, with these ioredis options (its own connection, closed with the layer).
 * Provide it to `ClerkRateLimit.layer`, or use `layer`, which does.
 *
 * A request to Redis takes at most `ClerkRateLimit`'s `storeTimeout` (500 ms): when Redis is down
 * or reconnecting (ioredis queues commands meanwhile), the call falls back to the in-process budget
 * (or fails, with `onStoreUnavailable: "fail"`) instead of waiting. When the layer closes,
 * reconnecting stops, so a Redis down at shutdown cannot keep the process alive.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerStore = (options: RedisOptions & Options): Layer.Layer<ClerkRateLimit.Store> => {
  const { prefix, ...redis } = options
  return scopedConnections(redis, "Redis rate-limit store", (connection) =>
    layerStoreOver({ prefix }).pipe(Layer.provide(RateLimiterRedis.layerStore({ ...connection, prefix: "" })))
  )
}

/**
 * The pacing layer over Redis: `ClerkRateLimit.layer(options)` over `layerStore(options)`. Provide
 * it to the `ClerkClient`'s layer of every replica; they share the instance's budget.
 *
 * @example
 * import { ClerkClient, Users } from "@effect-clerk/backend"
 * import { RedisRateLimit } from "@effect-clerk/redis"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Layer from "effect/Layer"
 *
 * // every replica: the instance's budget (by the key: 1000 per 10 s for sk_live_) in one Redis
 * const Paced = RedisRateLimit.layer({ host: "127.0.0.1", port: 6379, onStoreUnavailable: "fallback" })
 * const ClerkLive = Users.layer.pipe(
 *   Layer.provideMerge(ClerkClient.layerConfig()),
 *   Layer.provide(Layer.merge(FetchHttpClient.layer, Paced))
 * )
 * console.log(Layer.isLayer(ClerkLive))
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (
  options: RedisOptions & Options & ClerkRateLimit.Options
): Layer.Layer<ClerkRateLimit.ClerkRateLimit, ConfigError.ConfigError> => {
  const { budget, operations, onStoreUnavailable, storeTimeout, ...redis } = options
  return ClerkRateLimit.layer({ budget, operations, onStoreUnavailable, storeTimeout }).pipe(
    Layer.provide(layerStore(redis))
  )
}

/**
 * `layer` with its options read from config (`Config.all({ host: Config.string("REDIS_HOST"), ... })`).
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config<RedisOptions & Options & ClerkRateLimit.Options>
): Layer.Layer<ClerkRateLimit.ClerkRateLimit, ConfigError.ConfigError> => Layer.unwrapEffect(Effect.map(options, layer))
