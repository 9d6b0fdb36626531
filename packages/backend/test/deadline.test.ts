/**
 * The time limit of one attempt (internal/deadline.ts) on its two paths: the signal path (the
 * attempt's `CurrentAttemptSignal`, aborted at its deadline) and `Effect.timeoutFail`; and the
 * live-clock check that chooses between them.
 */
import { ClerkTransport } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as TestClock from "effect/TestClock"
import * as Deadline from "../src/internal/deadline.js"

/** The attempt's signal, as a signal-aware client reads it. */
const signal = FiberRef.get(ClerkTransport.CurrentAttemptSignal)

/** An attempt that fails only when its signal aborts (a request nobody answers). */
const hangs = Effect.flatMap(signal, (attempt) =>
  Effect.async<never, string>((resume) => {
    attempt!.addEventListener("abort", () => resume(Effect.fail(`aborted: ${(attempt!.reason as Error).name}`)))
  })
)

const timedOut = () => "timed out"

describe("the live-clock check", () => {
  it("Effect's live clock is live", () => {
    expect(Deadline.isLiveClock(Clock.make())).toBe(true)
  })

  it.effect("the TestClock is not: time limits follow it", () =>
    Effect.gen(function* () {
      const clock = yield* Effect.clock
      expect(Deadline.isLiveClock(clock)).toBe(false)
      expect(Deadline.limitFor(true, clock)).toBe("timeout")
    })
  )

  it.live("under the live clock a signal-aware client gets the signal path, any other client Effect.timeoutFail", () =>
    Effect.gen(function* () {
      const clock = yield* Effect.clock
      expect(Deadline.isLiveClock(clock)).toBe(true)
      expect(Deadline.limitFor(true, clock)).toBe("signal")
      expect(Deadline.limitFor(false, clock)).toBe("timeout")
    })
  )

  it.live("a clock of the program's own is not live", () =>
    Effect.gen(function* () {
      const live = yield* Effect.clock
      const own: Clock.Clock = {
        [Clock.ClockTypeId]: Clock.ClockTypeId,
        currentTimeMillis: live.currentTimeMillis,
        currentTimeNanos: live.currentTimeNanos,
        unsafeCurrentTimeMillis: () => live.unsafeCurrentTimeMillis(),
        unsafeCurrentTimeNanos: () => live.unsafeCurrentTimeNanos(),
        sleep: (duration) => live.sleep(duration)
      }
      expect(Deadline.isLiveClock(own)).toBe(false)
    })
  )
})

describe("the signal path", () => {
  it.live(
    "at the deadline the attempt's signal aborts (TimeoutError), and the attempt fails with the time-out error",
    () =>
      Effect.gen(function* () {
        const started = performance.now()
        const error = yield* Effect.flip(Deadline.within(hangs, Duration.millis(50), "signal", timedOut))
        expect(error).toBe("timed out")
        const elapsed = performance.now() - started
        expect(elapsed).toBeGreaterThanOrEqual(45)
        expect(elapsed).toBeLessThan(2000)
      })
  )

  it.live("an attempt that answers in time keeps its signal unaborted; one that fails aborts it (AbortError)", () =>
    Effect.gen(function* () {
      const seen = yield* Deadline.within(signal, Duration.seconds(5), "signal", timedOut)
      expect(seen).toBeInstanceOf(AbortSignal)
      expect(seen!.aborted).toBe(false)
      let failed: AbortSignal | undefined
      const error = yield* Effect.flip(
        Deadline.within(
          Effect.flatMap(signal, (s) => {
            failed = s
            return Effect.fail("refused")
          }),
          Duration.seconds(5),
          "signal",
          timedOut
        )
      )
      expect(error).toBe("refused")
      expect(failed!.aborted).toBe(true)
      expect((failed!.reason as Error).name).toBe("AbortError")
    })
  )

  it.live("interrupting the caller aborts the attempt's signal", () =>
    Effect.gen(function* () {
      let seen: AbortSignal | undefined
      const fiber = yield* Effect.fork(
        Deadline.within(
          Effect.flatMap(signal, (s) => {
            seen = s
            return Effect.never
          }),
          Duration.seconds(5),
          "signal",
          timedOut
        )
      )
      while (seen === undefined) yield* Effect.sleep("1 millis")
      yield* Fiber.interrupt(fiber)
      expect(seen.aborted).toBe(true)
    })
  )

  it.live("outside an attempt there is no signal; beyond what a timer can hold there is no limit", () =>
    Effect.gen(function* () {
      expect(yield* signal).toBeUndefined()
      const unlimited = yield* Deadline.within(signal, Duration.days(30), "signal", timedOut)
      expect(unlimited).toBeUndefined()
    })
  )
})

describe("the Effect.timeoutFail path", () => {
  it.effect("time is the clock's: the attempt is interrupted when the TestClock passes its limit", () =>
    Effect.gen(function* () {
      let interrupted = false
      const fiber = yield* Effect.fork(
        Effect.flip(
          Deadline.within(
            Effect.onInterrupt(Effect.never, () =>
              Effect.sync(() => {
                interrupted = true
              })
            ),
            Duration.seconds(2),
            "timeout",
            timedOut
          )
        )
      )
      yield* TestClock.adjust("1999 millis")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(fiber)).toBe("timed out")
      expect(interrupted).toBe(true)
    })
  )

  it.effect("no signal is set on it", () =>
    Effect.gen(function* () {
      expect(yield* Deadline.within(signal, Duration.seconds(2), "timeout", timedOut)).toBeUndefined()
    })
  )
})
