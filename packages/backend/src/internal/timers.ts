/**
 * The timers behind the deadlines of attempts on the signal path (deadline.ts), in two kinds:
 * - `shared`: one timer, set for the earliest deadline of every attempt in flight, where timers are
 *   process-global (Node, Bun: timer objects with `ref`/`unref`). A timer per attempt costs more
 *   than the attempt's own bookkeeping (undici's `lib/util/timers.js` does the same);
 * - `perAttempt`: a timer per attempt everywhere else. Cloudflare's workerd scopes a timer to the
 *   request that set it (one set during a request that has answered never fires), so a timer shared
 *   across requests would stop keeping time limits; in browsers and Deno a timer per attempt costs
 *   little. (Bun's and Node's timers are objects; workerd's are objects too under `nodejs_compat`
 *   since 2026-02-10, so it is recognised by its `navigator.userAgent`.)
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
  readonly kind: "shared" | "perAttempt"
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

/** A timer per deadline. */
export const perAttempt = (timers: TimerApi = globalTimers): Deadlines => ({
  kind: "perAttempt",
  add: (millis, fire) => timers.set(() => fireSafely(fire), millis),
  remove: (handle) => timers.clear(handle)
})

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

/** What tells a runtime whose timers are scoped to a request. */
export interface Environment {
  /** `navigator.userAgent`: `"Cloudflare-Workers"` on workerd. */
  readonly userAgent?: unknown
  /** The `EdgeRuntime` global of Vercel's edge runtime (workerd-like isolates). */
  readonly edgeRuntime?: unknown
}

const environment = (): Environment => ({
  userAgent: (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent,
  edgeRuntime: (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime
})

const noop = () => {}

/**
 * The kind of deadlines for a runtime: `shared` only where timers are process-global, known by a
 * timer object with `ref` and `unref` outside workerd and edge runtimes; `perAttempt` otherwise,
 * including where setting a timer throws (workerd's global scope).
 */
export const choose = (timers: TimerApi, env: Environment): Deadlines => {
  if (env.userAgent === "Cloudflare-Workers" || env.edgeRuntime !== undefined) return perAttempt(timers)
  let handle: unknown
  try {
    handle = timers.set(noop, 0)
    timers.clear(handle)
  } catch {
    return perAttempt(timers)
  }
  const probe = handle as { ref?: unknown; unref?: unknown } | null
  return typeof probe === "object" &&
    probe !== null &&
    typeof probe.ref === "function" &&
    typeof probe.unref === "function"
    ? shared(timers)
    : perAttempt(timers)
}

let chosen: Deadlines | undefined

/** This runtime's deadlines, chosen on first use (inside a call, where a timer may be set). */
export const forThisRuntime = (): Deadlines => (chosen ??= choose(globalTimers, environment()))
