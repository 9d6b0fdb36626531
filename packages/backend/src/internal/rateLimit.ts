/**
 * Clerk's rate limit before each attempt (`ClerkRateLimit`): the client's pause, set by a 429 with
 * `Retry-After`, and the pacing layer's budget when one is installed. Both waits count against the
 * attempt's time limit. Operations the limit does not count (`rateLimit: "exempt"` in the model)
 * have no `Limits` and meet neither.
 *
 * On the way of every call: `mustWait`, one synchronous read, false while the client is not paused
 * and no pacing layer is installed; only then does a call take the way of `before`.
 *
 * @internal
 */
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { globalValue } from "effect/GlobalValue"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import type * as Tracer from "effect/Tracer"
import type * as ClerkError from "../ClerkError.js"
import { ClerkRateLimit } from "../ClerkRateLimit.js"
import type { RateLimitStoreUnavailable } from "./rateLimitError.js"
import * as Metrics from "./metrics.js"

/** No attempt sends before `until` (the clock's ms); waiters spread over `spread` ms after it. */
interface Pause {
  until: number
  spread: number
}

/** The pacing layer of a client, and the instance it paces. */
export interface Pacing {
  readonly service: ClerkRateLimit.Service
  readonly instance: ClerkRateLimit.Instance
}

/** What an operation of a client meets before each attempt: made once per operation, in `Operation.make`. */
export interface Limits {
  /** The client's pause: every counted operation waits for it. */
  readonly client: Pause
  /** An operation with a limit of its own: its own pause, which its 429s set instead of the client's. */
  readonly own: Pause | undefined
  readonly pacing: Pacing | undefined
  readonly operation: ClerkRateLimit.Attempt["operation"]
}

/**
 * The longest pause a `Retry-After` sets: a minute for the client's (the instance's window is
 * 10 s; a later 429 pauses it again), an hour for an operation's own (their windows are an hour).
 */
const MAX_CLIENT_PAUSE = 60_000
const MAX_OWN_PAUSE = 3_600_000

interface Pauses {
  readonly client: Pause
  readonly own: Map<string, Pause>
}

// By service object (a global value: two copies of the package share the pauses of one client).
const pausesByClient = globalValue(
  Symbol.for("@effect-clerk/backend/internal/rateLimit/pauses"),
  () => new WeakMap<object, Pauses>()
)

/** The limits of `operation` on `client`; `undefined` for an operation the limit does not count. */
export const forOperation = (
  client: object,
  pacing: Pacing | undefined,
  operation: ClerkRateLimit.Attempt["operation"]
): Limits | undefined => {
  if (operation.rateLimit === "exempt") return undefined
  let pauses = pausesByClient.get(client)
  if (pauses === undefined) {
    pauses = { client: { until: 0, spread: 0 }, own: new Map() }
    pausesByClient.set(client, pauses)
  }
  let own: Pause | undefined
  if (operation.rateLimit !== undefined) {
    own = pauses.own.get(operation.operationId)
    if (own === undefined) pauses.own.set(operation.operationId, (own = { until: 0, spread: 0 }))
  }
  return { client: pauses.client, own, pacing, operation }
}

/** Whether an attempt must wait (or take a budget) first: reads the clock only once a pause was set. */
export const mustWait = (limits: Limits, clock: Clock.Clock): boolean => {
  if (limits.pacing !== undefined) return true
  const until =
    limits.own !== undefined && limits.own.until > limits.client.until ? limits.own.until : limits.client.until
  return until > 0 && until > clock.unsafeCurrentTimeMillis()
}

/** A call met a 429: with `Retry-After`, no attempt of the client (or of the operation) sends before then. */
export const noteTooManyRequests = (limits: Limits, clock: Clock.Clock, span: Tracer.Span, error: unknown): void => {
  const retryAfter =
    (error as ClerkError.ClerkError)._tag === "TooManyRequests"
      ? (error as ClerkError.TooManyRequests).retryAfter
      : undefined
  if (retryAfter === undefined) return
  const pause = limits.own ?? limits.client
  const wait = Math.min(retryAfter * 1000, limits.own ? MAX_OWN_PAUSE : MAX_CLIENT_PAUSE)
  const now = clock.unsafeCurrentTimeMillis()
  if (now + wait <= pause.until) return
  pause.until = now + wait
  // as retry.ts spreads the retries of a 429: over the next 10% (at most a second)
  pause.spread = Math.min(1000, wait * 0.1)
  span.event("clerk.rate_limit.pause", clock.unsafeCurrentTimeNanos(), {
    "clerk.rate_limit.scope": limits.own ? "operation" : "client",
    "clerk.rate_limit.pause_ms": wait
  })
}

/**
 * The cause of a `Timeout` that a wait for the rate limit ran into: nothing was sent, and a retry
 * would meet the same wait (retry.ts stops on it).
 */
export class RateLimitWait extends Error {
  override readonly name = "RateLimitWait"
}

/** What `before` needs of its call. */
export interface Waiting {
  readonly span: Tracer.Span
  readonly clock: Clock.Clock
}

const recordWait = (limits: Limits, waiting: Waiting, reason: "pause" | "budget", millis: number) =>
  Effect.suspend(() => {
    waiting.span.event("clerk.rate_limit.wait", waiting.clock.unsafeCurrentTimeNanos(), {
      "clerk.rate_limit.reason": reason,
      "clerk.rate_limit.wait_ms": Math.round(millis)
    })
    return Metric.update(
      Metric.tagged(
        Metric.tagged(Metrics.rateLimitWait, Metrics.tags.operation, limits.operation.operationId),
        Metrics.tags.reason,
        reason
      ),
      millis / 1000
    )
  })

/**
 * Before an attempt whose time limit is `timeout` ms: the pause, then the budget. Succeeds with the
 * time left of the limit; fails with `timedOut(...)` (nothing sent) when a wait would end past it.
 */
export const before = <E>(
  limits: Limits,
  waiting: Waiting,
  timeout: number,
  timedOut: (description: string, cause: RateLimitWait) => E
): Effect.Effect<number, E | RateLimitStoreUnavailable> => {
  const now = waiting.clock.unsafeCurrentTimeMillis()
  const pause = limits.own !== undefined && limits.own.until > limits.client.until ? limits.own : limits.client
  if (pause.until > now) {
    const remaining = pause.until - now
    const whose = pause === limits.client ? "this client" : limits.operation.name
    if (remaining >= timeout) {
      const description =
        `Clerk's rate limit holds ${whose} for ${Duration.format(Duration.millis(remaining))} more (a 429 with Retry-After), ` +
        `past this attempt's time limit of ${Duration.format(Duration.millis(timeout))}: nothing was sent`
      return Effect.fail(timedOut(description, new RateLimitWait(description)))
    }
    return Effect.flatMap(Random.next, (r) => {
      // spread over `spread` after the pause, unless that ends past the time limit
      const spread = remaining + pause.spread * r
      const wait = Math.ceil(spread < timeout ? spread : remaining)
      return recordWait(limits, waiting, "pause", wait).pipe(
        Effect.zipRight(Effect.sleep(Duration.millis(wait))),
        // another 429 may have paused it again meanwhile
        Effect.zipRight(Effect.suspend(() => before(limits, waiting, timeout - wait, timedOut)))
      )
    })
  }
  const pacing = limits.pacing
  if (pacing === undefined) return Effect.succeed(timeout)
  return Effect.flatMap(
    pacing.service.take({ instance: pacing.instance, operation: limits.operation, maxWait: Duration.millis(timeout) }),
    (taken) => {
      const waited = waiting.clock.unsafeCurrentTimeMillis() - now
      if (!taken || waited >= timeout) {
        const description = `no room in the rate-limit budget within this attempt's time limit of ${Duration.format(Duration.millis(timeout))}: nothing was sent`
        return Effect.fail(timedOut(description, new RateLimitWait(description)))
      }
      return waited > 0
        ? Effect.as(recordWait(limits, waiting, "budget", waited), timeout - waited)
        : Effect.succeed(timeout)
    }
  )
}

/**
 * The pacing layer in context, with the instance it paces: `ClerkClient.make` calls it once. The
 * fingerprint is the SHA-256 of the key (WebCrypto, on every runtime), computed only when a pacing
 * layer is installed.
 */
export const pacingFor = (secretKey: Redacted.Redacted<string>): Effect.Effect<Pacing | undefined> =>
  Effect.flatMap(Effect.serviceOption(ClerkRateLimit), (service) =>
    Option.isNone(service)
      ? Effect.succeed(undefined)
      : Effect.map(
          Effect.promise(() =>
            globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(Redacted.value(secretKey)))
          ),
          (digest): Pacing => ({
            service: service.value,
            instance: {
              fingerprint: Array.from(new Uint8Array(digest).subarray(0, 16), (byte) =>
                byte.toString(16).padStart(2, "0")
              ).join(""),
              production: Redacted.value(secretKey).startsWith("sk_live_")
            }
          })
        )
  )
