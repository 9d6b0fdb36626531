/**
 * The SDK's metrics (Effect `Metric`s), their names and tags in one place, so that every module
 * that records one, and the guide that lists them (docs/guide/running-many-replicas.md), read the
 * same names. Each is tagged per operation with its name (`Users.create`).
 *
 * @internal
 */
import * as Metric from "effect/Metric"

/** Every metric's name. */
export const names = {
  /** Time waited before an attempt for Clerk's rate limit, in ms (a histogram). */
  rateLimitWait: "clerk_rate_limit_wait",
  /** Attempts paced by the in-process budget because the pacing store could not be reached. */
  rateLimitStoreFallback: "clerk_rate_limit_store_fallback"
} as const

/** The tags the metrics carry. */
export const tags = {
  /** The operation's name: `Users.create`. */
  operation: "operation",
  /** Why an attempt waited: `pause` (a 429's `Retry-After`) or `budget` (the pacing layer). */
  reason: "reason"
} as const

/** `names.rateLimitWait`: tagged with `operation` and `reason` where it is recorded. */
export const rateLimitWait = /*#__PURE__*/ Metric.timerWithBoundaries(
  names.rateLimitWait,
  [10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000],
  "Time waited before an attempt for Clerk's rate limit (a 429's pause, or the pacing budget)"
)

/** `names.rateLimitStoreFallback`: tagged with `operation`. */
export const rateLimitStoreFallback = /*#__PURE__*/ Metric.counter(names.rateLimitStoreFallback, {
  description: "Attempts paced by the in-process budget because the pacing store could not be reached",
  incremental: true
})
