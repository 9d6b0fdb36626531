/**
 * The deadlines of the signal path (internal/timers.ts): how the shared timer is set, fired and
 * cleared. The timers are fakes (objects with ref/unref, as Node and Bun have them, or numbers),
 * driven by hand: nothing here waits.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Timers from "../src/internal/timers.js"

interface FakeTimer {
  readonly id: number
  readonly fire: () => void
  readonly at: number
  cleared: boolean
  refed: boolean
}

/** Timers on a hand-moved clock; `objects: true` gives Node-like handles with ref/unref. */
const fakeTimers = (options: { readonly objects: boolean }) => {
  let now = 0
  let next = 0
  const timers: Array<FakeTimer> = []
  const handleOf = (timer: FakeTimer) =>
    options.objects
      ? {
          id: timer.id,
          ref: () => {
            timer.refed = true
          },
          unref: () => {
            timer.refed = false
          }
        }
      : timer.id
  const byHandle = (handle: unknown) =>
    timers.find((t) => t.id === (typeof handle === "number" ? handle : (handle as { id: number }).id))!
  const api: Timers.TimerApi = {
    set: (fire, millis) => {
      const timer: FakeTimer = { id: ++next, fire, at: now + millis, cleared: false, refed: true }
      timers.push(timer)
      return handleOf(timer)
    },
    clear: (handle) => {
      byHandle(handle).cleared = true
    },
    now: () => now
  }
  /** Moves the clock, firing the timers due on the way (in order). */
  const advance = (millis: number) => {
    const until = now + millis
    for (;;) {
      const due = timers.filter((t) => !t.cleared && t.at <= until).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      now = due.at
      due.cleared = true
      due.fire()
    }
    now = until
  }
  const live = () => timers.filter((t) => !t.cleared)
  return { api, advance, live, timers }
}

describe("one shared timer", () => {
  it("serves many deadlines with one timer, set for the earliest", () => {
    const fake = fakeTimers({ objects: true })
    const deadlines = Timers.shared(fake.api)
    const fired: Array<string> = []
    deadlines.add(30_000, () => fired.push("30s"))
    deadlines.add(30_000, () => fired.push("30s again"))
    expect(fake.live()).toHaveLength(1)
    // an earlier one replaces the timer
    deadlines.add(1000, () => fired.push("1s"))
    expect(fake.live()).toHaveLength(1)
    expect(fake.live()[0]!.at).toBe(1000)
    fake.advance(1000)
    expect(fired).toEqual(["1s"])
    // it set itself for the next one
    expect(fake.live().map((t) => t.at)).toEqual([30_000])
    fake.advance(29_000)
    expect(fired).toEqual(["1s", "30s", "30s again"])
    expect(fake.live()).toHaveLength(0)
  })

  it("with nothing in flight the timer is unref'd, not cleared; the next deadline refs it again", () => {
    const fake = fakeTimers({ objects: true })
    const deadlines = Timers.shared(fake.api)
    const a = deadlines.add(30_000, () => {})
    const timer = fake.live()[0]!
    deadlines.remove(a)
    expect(timer.cleared).toBe(false)
    expect(timer.refed).toBe(false)
    deadlines.add(30_000, () => {})
    expect(fake.live()).toEqual([timer])
    expect(timer.refed).toBe(true)
  })

  it("a removed deadline never fires", () => {
    const fake = fakeTimers({ objects: true })
    const deadlines = Timers.shared(fake.api)
    const fired: Array<string> = []
    const a = deadlines.add(100, () => fired.push("a"))
    deadlines.add(200, () => fired.push("b"))
    deadlines.remove(a)
    fake.advance(300)
    expect(fired).toEqual(["b"])
  })

  it("a throwing fire keeps the others' deadlines and does not escape", () => {
    const fake = fakeTimers({ objects: true })
    const deadlines = Timers.shared(fake.api)
    const fired: Array<string> = []
    deadlines.add(100, () => {
      throw new Error("a listener failed")
    })
    deadlines.add(100, () => fired.push("b"))
    deadlines.add(200, () => fired.push("c"))
    expect(() => fake.advance(200)).not.toThrow()
    expect(fired).toEqual(["b", "c"])
  })

  it("where timers cannot be unref'd, an emptied set clears its timer", () => {
    const fake = fakeTimers({ objects: false })
    const deadlines = Timers.shared(fake.api)
    const a = deadlines.add(1000, () => {})
    deadlines.remove(a)
    expect(fake.live()).toHaveLength(0)
    deadlines.add(1000, () => {})
    expect(fake.live()).toHaveLength(1)
  })
})
