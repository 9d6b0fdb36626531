/**
 * The timer behind the deadlines of attempts on the signal path (deadline.ts): one timer, set for
 * the earliest deadline of every attempt in flight. A timer per attempt costs more than the
 * attempt's own bookkeeping (undici's `lib/util/timers.js` does the same).
 *
 * @internal
 */

/** The timer functions and the clock (in milliseconds) a set of deadlines runs on. */
export interface TimerApi {
  readonly set: (fire: () => void, millis: number) => unknown
  readonly clear: (handle: unknown) => void
  readonly now: () => number
}

/** The runtime's own timers, looked up at each call (a test or a polyfill may replace them). */
export const globalTimers: TimerApi = {
  set: (fire, millis) => setTimeout(fire, millis),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => performance.now()
}

/** The deadlines of the attempts in flight. */
export interface Deadlines {
  readonly kind: "shared"
  /** Calls `fire` after `millis` unless `remove`d first; returns what `remove` takes. */
  readonly add: (millis: number, fire: () => void) => unknown
  readonly remove: (deadline: unknown) => void
}

/** One failing abort listener must not escape as an uncaught exception from a timer. */
const fireSafely = (fire: () => void): void => {
  try {
    fire()
  } catch {
    // the attempt's signal is aborted all the same
  }
}

interface Deadline {
  readonly at: number
  readonly fire: () => void
}

/**
 * One timer for every deadline, set for the earliest. Adding a deadline later than the timer's (the
 * common case: one timeout for every call) touches no timer; the timer, when it fires, ends what is
 * due and sets itself for the next one. With nothing in flight the timer is unref'd (not cleared,
 * so that calls one after another do not set and clear a timer each; where timers cannot be
 * unref'd, cleared): it never keeps a process alive by itself.
 */
export const shared = (timers: TimerApi = globalTimers): Deadlines => {
  const pending = new Set<Deadline>()
  let timer: unknown
  let timerAt = Infinity
  let held = false
  const hold = (on: boolean) => {
    if (timer === undefined || held === on) return
    const handle = timer as { ref?: () => void; unref?: () => void }
    if (typeof handle.unref !== "function" || typeof handle.ref !== "function") {
      if (!on) {
        timers.clear(timer)
        timer = undefined
        timerAt = Infinity
      }
      return
    }
    held = on
    if (on) handle.ref()
    else handle.unref()
  }
  const schedule = (at: number) => {
    if (timer !== undefined && timerAt <= at) return hold(true)
    if (timer !== undefined) timers.clear(timer)
    timerAt = at
    timer = timers.set(tick, Math.max(0, Math.ceil(at - timers.now())))
    held = true
  }
  const tick = () => {
    timer = undefined
    timerAt = Infinity
    const now = timers.now()
    let next = Infinity
    for (const deadline of pending) {
      if (deadline.at <= now) {
        pending.delete(deadline)
        // one failing listener must not keep the others' deadlines
        fireSafely(deadline.fire)
      } else if (deadline.at < next) {
        next = deadline.at
      }
    }
    if (next !== Infinity) schedule(next)
  }
  return {
    kind: "shared",
    add: (millis, fire) => {
      const deadline: Deadline = { at: timers.now() + millis, fire }
      pending.add(deadline)
      schedule(deadline.at)
      return deadline
    },
    remove: (deadline) => {
      pending.delete(deadline as Deadline)
      if (pending.size === 0) hold(false)
    }
  }
}

let chosen: Deadlines | undefined

/** This runtime's deadlines, made on first use. */
export const forThisRuntime = (): Deadlines => (chosen ??= shared(globalTimers))
