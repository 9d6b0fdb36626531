/**
 * @effect-clerk/redis: Redis-backed stores for @effect-clerk, over `@effect/experimental` and
 * ioredis. Its own package so that users who do not run Redis get no Redis dependency.
 *
 * @since 0.1.0
 */

/**
 * Webhook de-duplication shared by every replica (`WebhookDeduplication.Store` in Redis).
 *
 * @since 0.1.0
 */
export * as RedisDeduplication from "./RedisDeduplication.js"

/**
 * Clerk's rate limit shared by every replica of an instance (a `ClerkRateLimit.Store` in Redis).
 *
 * @since 0.2.0
 */
export * as RedisRateLimit from "./RedisRateLimit.js"
