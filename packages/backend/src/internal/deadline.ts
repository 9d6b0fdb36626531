/**
 * The time limit of one attempt, kept in one of two ways (see `ClerkTransport`):
 * - `signal`: the HttpClient keeps the signal contract and the clock is the live one: the attempt
 *   runs on the caller's fiber with `CurrentAttemptSignal` set, and its deadline (timers.ts) aborts
 *   that signal, which fails the request or the body read in progress;
 * - `timeout`: every other client, and any other clock (the `TestClock` of tests, a user's clock):
 *   `Effect.timeoutFail`, so that time is the clock's; the attempt is interrupted when its time is
 *   up, which aborts its request (as every @effect/platform client does).
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { CurrentAttemptSignal } from "../ClerkTransport.js"
import * as Timers from "./timers.js"

export type Limit = "signal" | "timeout"

/** The class of Effect's live `Clock`. */
const LiveClock = Clock.make().constructor

/**
 * Whether `clock` is Effect's live clock, whose time is the timers' time: only then may a time
 * limit be kept by a timer outside the clock.
 */
export const isLiveClock = (clock: Clock.Clock): boolean => clock.constructor === LiveClock

/** How an attempt's time limit is kept, for a client that does or does not keep the signal contract. */
export const limitFor = (attemptSignal: boolean, clock: Clock.Clock): Limit =>
  attemptSignal && isLiveClock(clock) ? "signal" : "timeout"

/** The longest delay a JS timer can hold; beyond it (or infinite) there is no limit, as `Effect.sleep` does. */
const MAX_TIMER_MILLIS = 2 ** 31 - 1

/**
 * The reasons the attempt's signal is aborted with, made once: `abort()` without a reason builds a
 * `DOMException`, with its stack, for every attempt.
 */
const TIMED_OUT = Object.assign(new Error("the attempt's time limit was reached"), { name: "TimeoutError" })
const ATTEMPT_ENDED = Object.assign(new Error("the attempt has ended"), { name: "AbortError" })

/**
 * `self` within `duration`, else the `onTimeout` error; on time out `self` is stopped (its request
 * aborted) before the error is returned.
 */
export const within = <A, E, E2>(
  self: Effect.Effect<A, E>,
  duration: Duration.Duration,
  limit: Limit,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> => {
  if (limit === "timeout") return Effect.timeoutFail(self, { duration, onTimeout })
  const millis = Duration.toMillis(duration)
  if (!(millis <= MAX_TIMER_MILLIS)) return self
  return Effect.suspend((): Effect.Effect<A, E | E2> => {
    const deadlines = Timers.forThisRuntime()
    const controller = new AbortController()
    let timedOut = false
    const deadline = deadlines.add(millis, () => {
      timedOut = true
      controller.abort(TIMED_OUT)
    })
    return Effect.locally(self, CurrentAttemptSignal, controller.signal).pipe(
      // The attempt is over (a finalizer: a failure handler would not run when the caller
      // interrupts). If it failed or was interrupted, the signal is aborted: that closes a request
      // or a body left unread. A successful attempt read its body (or ended the stream it read,
      // which the client closes itself).
      Effect.onExit((exit) =>
        Effect.sync(() => {
          deadlines.remove(deadline)
          if (exit._tag === "Failure") controller.abort(ATTEMPT_ENDED)
        })
      ),
      // whatever the abort made of the attempt (a reset, a failed body read) is a time out
      Effect.catchAllCause((cause): Effect.Effect<never, E | E2> =>
        timedOut && !Cause.isInterruptedOnly(cause) ? Effect.fail(onTimeout()) : Effect.failCause(cause)
      )
    )
  })
}
