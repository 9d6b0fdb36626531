/**
 * The metrics every call records: Effect `Metric`s in Effect's global registry, which any exporter
 * reads (`@effect/opentelemetry`'s `Metrics` layer, or `Metric.snapshot`). Nothing to provide: they
 * are always on, and cost a few counter updates per call (docs/design/performance.md).
 *
 * Each is tagged `operation_id` (the spec's `operationId`, `GetUser`, as the span's
 * `clerk.operation_id`); `calls` is tagged `outcome` too. Tags set with `Effect.tagMetrics` around
 * a call are added to them.
 *
 * | metric                        | type      | tags                      | what                                                   |
 * | ----------------------------- | --------- | ------------------------- | ------------------------------------------------------ |
 * | `clerk_calls`                 | counter   | `operation_id`, `outcome` | calls; `outcome` is `success` or the error's tag       |
 * | `clerk_call_duration_seconds` | histogram | `operation_id`            | a call's time, its retries and their waits included    |
 * | `clerk_attempts`              | counter   | `operation_id`            | requests sent: first attempts and retries              |
 * | `clerk_rate_limited`          | counter   | `operation_id`            | answers `429 Too Many Requests` (retried or not)       |
 * | `clerk_rate_limit_wait_seconds` | histogram | `operation_id`, `reason` | time waited for the rate limit (`pause` or `budget`) |
 * | `clerk_rate_limit_store_fallback` | counter | `operation_id`          | attempts paced in process while the store was out      |
 *
 * `outcome` is `success`, the error's `_tag` (`NotFound`, `TooManyRequests`, `ServerError`,
 * `UnexpectedResponse`, `InvalidInput`, ...), `TransportError.<reason>` (`TransportError.Timeout`),
 * or `interrupted`.
 *
 * @example
 * import { ClerkMetrics, ClerkTest, Organizations } from "@effect-clerk/backend"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import * as Metric from "effect/Metric"
 *
 * const TestClerk = Organizations.layer.pipe(
 *   Layer.provideMerge(ClerkTest.layer(() => ClerkTest.clerkError(404, "resource_not_found", "not found")))
 * )
 * // the counter of this operation and outcome (global: read it before and after)
 * const notFound = ClerkMetrics.calls.pipe(
 *   Metric.tagged("operation_id", "GetOrganization"),
 *   Metric.tagged("outcome", "NotFound")
 * )
 * const program = Effect.gen(function* () {
 *   const before = yield* Metric.value(notFound)
 *   yield* Effect.ignore(Organizations.get("org_gone"))
 *   const after = yield* Metric.value(notFound)
 *   return after.count - before.count
 * })
 * Effect.runPromise(program.pipe(Effect.provide(TestClerk))).then((calls) => {
 *   assert.strictEqual(calls, 1)
 * })
 *
 * @since 0.2.0
 */
import type * as Metric from "effect/Metric"
import * as Metrics from "./internal/metrics.js"

/**
 * `clerk_calls`: calls, tagged `operation_id` and `outcome`.
 *
 * @since 0.2.0
 * @category metrics
 */
export const calls: Metric.Metric.Counter<number> = Metrics.calls

/**
 * `clerk_call_duration_seconds`: the time of a call in seconds (5 ms to 41 s, doubling), tagged
 * `operation_id`.
 *
 * @since 0.2.0
 * @category metrics
 */
export const callDuration: Metric.Metric.Histogram<number> = Metrics.callDuration

/**
 * `clerk_attempts`: requests sent, tagged `operation_id`.
 *
 * @since 0.2.0
 * @category metrics
 */
export const attempts: Metric.Metric.Counter<number> = Metrics.attempts

/**
 * `clerk_rate_limited`: answers `429 Too Many Requests`, tagged `operation_id`.
 *
 * @since 0.2.0
 * @category metrics
 */
export const rateLimited: Metric.Metric.Counter<number> = Metrics.rateLimited

/**
 * `clerk_rate_limit_wait_seconds`: time an attempt waited for Clerk's rate limit before it was sent,
 * tagged `operation_id` and `reason`: `pause` (a 429's `Retry-After` held the client) or `budget`
 * (the `ClerkRateLimit` pacing layer). Nothing is recorded for an attempt that did not wait.
 *
 * @since 0.2.0
 * @category metrics
 */
export const rateLimitWait: Metric.Metric.Histogram<number> = Metrics.rateLimitWait

/**
 * `clerk_rate_limit_store_fallback`: attempts paced by the in-process budget because the pacing
 * store (Redis) could not be reached, tagged `operation_id`.
 *
 * @since 0.2.0
 * @category metrics
 */
export const rateLimitStoreFallback: Metric.Metric.Counter<number> = Metrics.rateLimitStoreFallback
