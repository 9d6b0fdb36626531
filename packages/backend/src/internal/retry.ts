/**
 * The retry policy: whether a failed attempt is tried again, and after how long. Decided by the
 * typed error: a 429 for any method (Clerk refused it before running it), a 5xx or a broken
 * connection only for idempotent methods, unless nothing was sent (refused, DNS). A 501 or a 505
 * never, nor a time limit that a wait for the rate limit ran into (internal/rateLimit.ts).
 *
 * @internal
 */
import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import type * as Tracer from "effect/Tracer"
import type * as ClerkError from "../ClerkError.js"
import { RateLimitWait } from "./rateLimit.js"
import type { RetrySettings } from "./settings.js"

/** Methods that may be sent twice: the spec's GET, PUT and DELETE (and HEAD, OPTIONS). */
const IDEMPOTENT: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])

export const isIdempotent = (method: string): boolean => IDEMPOTENT.has(method)

/**
 * Statuses that answer the same however often they are asked: 501 (the server does not implement
 * the method) and 505 (nor the HTTP version).
 */
const NEVER_RETRIED: ReadonlySet<number> = new Set([501, 505])

const STOP: Effect.Effect<number | undefined> = Effect.succeed(undefined)

/**
 * How long to wait, in milliseconds, before the attempt after `attempt` (which failed with
 * `error`), or `undefined` to stop. Backoff: `initialDelay × factor^(attempt - 1)`, at most
 * `maxDelay`, with a jitter of ±20%.
 */
export const nextDelay = (
  error: unknown,
  retry: RetrySettings,
  attempt: number,
  idempotent: boolean
): Effect.Effect<number | undefined> => {
  if (attempt >= retry.maxAttempts) return STOP
  const failure = error as ClerkError.ClerkError
  const backoff = () =>
    Effect.map(
      Random.nextRange(0.8, 1.2),
      (jitter) => Math.min(retry.maxDelay, retry.initialDelay * retry.factor ** (attempt - 1)) * jitter
    )
  switch (failure._tag) {
    case "TooManyRequests": {
      const retryAfter = failure.retryAfter
      if (retryAfter === undefined) return backoff()
      const wait = retryAfter * 1000
      if (wait > retry.maxRetryAfter) return STOP
      // never before Retry-After; spread a storm of waiting callers over the next 10%
      return Effect.map(Random.next, (r) => wait + Math.min(1000, wait * 0.1) * r)
    }
    case "ServerError":
      return idempotent && !NEVER_RETRIED.has(failure.status) ? backoff() : STOP
    case "TransportError": {
      const reason = failure.reason
      if (reason === "ConnectionRefused" || reason === "DnsFailure") return backoff()
      // nothing was sent: a wait for Clerk's rate limit ran past the time limit, and would again
      if (reason === "InvalidRequest" || failure.cause instanceof RateLimitWait) return STOP
      return idempotent ? backoff() : STOP
    }
    default:
      return STOP
  }
}

/** `Retry-After` is either delta-seconds or an HTTP-date; both become seconds from now. */
export const parseRetryAfter = (value: string | undefined, now: number = Date.now()): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000))
}

/** A span event per retry: which attempt failed, how, and how long the wait is. */
export const retryEvent = (
  span: Tracer.Span,
  clock: Clock.Clock,
  attempt: number,
  delay: number,
  error: ClerkError.ClerkError
): void =>
  span.event("clerk.retry", clock.unsafeCurrentTimeNanos(), {
    "clerk.attempt": attempt,
    "clerk.retry.delay_ms": Math.round(delay),
    "error.type": error._tag === "TransportError" ? `TransportError.${error.reason}` : error._tag
  })
