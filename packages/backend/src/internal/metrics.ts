/**
 * The runtime's metrics: one place for their names, their keys and how a call and an attempt
 * update them. Effect `Metric`s, in the global registry every exporter reads
 * (`@effect/opentelemetry`'s `Metrics` layer, `Metric.snapshot`), each tagged with the operation
 * (`operation_id`: the spec's `operationId`, as the span's `clerk.operation_id`).
 *
 * Cost: the tagged metrics of an operation are made once, in `Operation.make`, so a call looks
 * nothing up by name or tags; it updates them with the labels of the fiber
 * (`Effect.tagMetrics`), read once per call and once per attempt.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricKey from "effect/MetricKey"
import * as MetricLabel from "effect/MetricLabel"
import type * as ClerkError from "../ClerkError.js"

/** Every metric name of the SDK, here so that they stay consistent. */
export const names = {
  /** Calls, by operation and outcome. */
  calls: "clerk_calls",
  /** The time of a call, all its attempts and waits included, in seconds. */
  callDuration: "clerk_call_duration_seconds",
  /** Attempts: the requests sent (a call's first and each retry). */
  attempts: "clerk_attempts",
  /** Responses `429 Too Many Requests`. */
  rateLimited: "clerk_rate_limited",
  /** Time waited before an attempt for Clerk's rate limit (a 429's pause, or the pacing budget), in seconds. */
  rateLimitWait: "clerk_rate_limit_wait_seconds",
  /** Attempts paced by the in-process budget because the pacing store could not be reached. */
  rateLimitStoreFallback: "clerk_rate_limit_store_fallback"
} as const

/**
 * The tags, in the order every key carries them; `reason` only on `rateLimitWait`: `pause` (a 429's
 * `Retry-After`) or `budget` (the pacing layer).
 */
export const tags = { operation: "operation_id", outcome: "outcome", reason: "reason" } as const

/** 5 ms to about 41 s, doubling. */
const durationBoundaries = MetricBoundaries.exponential({ start: 0.005, factor: 2, count: 14 })

const callsKey = MetricKey.counter(names.calls, {
  description: "Clerk Backend API calls, by operation_id and outcome (success, or the error's tag)",
  incremental: true
})
const callDurationKey = MetricKey.histogram(
  names.callDuration,
  durationBoundaries,
  "The time of a Clerk Backend API call, all its attempts and waits included, in seconds, by operation_id"
)
const attemptsKey = MetricKey.counter(names.attempts, {
  description: "Requests sent to the Clerk Backend API (first attempts and retries), by operation_id",
  incremental: true
})
const rateLimitedKey = MetricKey.counter(names.rateLimited, {
  description: "Responses 429 Too Many Requests from the Clerk Backend API, by operation_id",
  incremental: true
})

const rateLimitWaitKey = MetricKey.histogram(
  names.rateLimitWait,
  durationBoundaries,
  "Time waited before an attempt for Clerk's rate limit (a 429's pause, or the pacing budget), in seconds, by operation_id and reason"
)
const rateLimitStoreFallbackKey = MetricKey.counter(names.rateLimitStoreFallback, {
  description: "Attempts paced by the in-process budget because the pacing store could not be reached, by operation_id",
  incremental: true
})

/** The metrics, untagged: the keys a reader tags (`operation_id`, then `outcome` or `reason`). */
export const calls: Metric.Metric.Counter<number> = Metric.fromMetricKey(callsKey)
export const callDuration: Metric.Metric.Histogram<number> = Metric.fromMetricKey(callDurationKey)
export const attempts: Metric.Metric.Counter<number> = Metric.fromMetricKey(attemptsKey)
export const rateLimited: Metric.Metric.Counter<number> = Metric.fromMetricKey(rateLimitedKey)
export const rateLimitWait: Metric.Metric.Histogram<number> = Metric.fromMetricKey(rateLimitWaitKey)
export const rateLimitStoreFallback: Metric.Metric.Counter<number> = Metric.fromMetricKey(rateLimitStoreFallbackKey)

/** The metrics of one operation, tagged once. */
export interface OperationMetrics {
  readonly operationId: string
  readonly callDuration: Metric.Metric.Histogram<number>
  readonly attempts: Metric.Metric.Counter<number>
  readonly rateLimited: Metric.Metric.Counter<number>
  /** The counter of calls with this outcome; made on first use, then kept. */
  readonly calls: Map<string, Metric.Metric.Counter<number>>
}

export const forOperation = (operationId: string): OperationMetrics => {
  const label = MetricLabel.make(tags.operation, operationId)
  return {
    operationId,
    callDuration: Metric.fromMetricKey(MetricKey.taggedWithLabels(callDurationKey, [label])),
    attempts: Metric.fromMetricKey(MetricKey.taggedWithLabels(attemptsKey, [label])),
    rateLimited: Metric.fromMetricKey(MetricKey.taggedWithLabels(rateLimitedKey, [label])),
    calls: new Map()
  }
}

const callsWith = (metrics: OperationMetrics, outcome: string): Metric.Metric.Counter<number> => {
  let counter = metrics.calls.get(outcome)
  if (counter === undefined) {
    const labels = [MetricLabel.make(tags.operation, metrics.operationId), MetricLabel.make(tags.outcome, outcome)]
    counter = Metric.fromMetricKey(MetricKey.taggedWithLabels(callsKey, labels))
    metrics.calls.set(outcome, counter)
  }
  return counter
}

/**
 * A call's outcome: `success`, or the error's tag (a transport error's with its reason, as the
 * span's retry events name it: `TransportError.Timeout`); `interrupted`; `defect`.
 */
export const outcomeOf = (exit: Exit.Exit<unknown, ClerkError.ClerkError>): string => {
  if (Exit.isSuccess(exit)) return "success"
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "Some") {
    const error = failure.value
    return error._tag === "TransportError" ? `TransportError.${error.reason}` : error._tag
  }
  return Cause.isInterruptedOnly(exit.cause) ? "interrupted" : "defect"
}

/**
 * One call, counted by outcome and timed (on the fiber's clock, as `Metric.trackDuration`), with
 * the fiber's metric labels; the clock and the labels are read once, as the call starts.
 */
export const call = <A>(
  metrics: OperationMetrics,
  self: Effect.Effect<A, ClerkError.ClerkError>
): Effect.Effect<A, ClerkError.ClerkError> =>
  Effect.withFiberRuntime((fiber) => {
    const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
    const labels = fiber.getFiberRef(FiberRef.currentMetricLabels)
    const started = clock.unsafeCurrentTimeNanos()
    return Effect.onExit(self, (exit) => {
      metrics.callDuration.unsafeUpdate(Number(clock.unsafeCurrentTimeNanos() - started) / 1e9, labels)
      callsWith(metrics, outcomeOf(exit)).unsafeUpdate(1, labels)
      return Effect.void
    })
  })

/** One attempt: a request sent, and a 429 if that is its answer. */
export const attempt = <A>(
  metrics: OperationMetrics,
  self: Effect.Effect<A, ClerkError.ClerkError>
): Effect.Effect<A, ClerkError.ClerkError> =>
  Effect.withFiberRuntime((fiber) => {
    const labels = fiber.getFiberRef(FiberRef.currentMetricLabels)
    metrics.attempts.unsafeUpdate(1, labels)
    return Effect.tapErrorTag(self, "TooManyRequests", () =>
      Effect.sync(() => metrics.rateLimited.unsafeUpdate(1, labels))
    )
  })
