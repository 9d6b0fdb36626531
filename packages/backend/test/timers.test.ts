/**
 * The deadlines of the signal path (internal/timers.ts): which kind a runtime gets, and how each
 * kind sets, fires and clears its timers. The timers are fakes (numbers, as browsers, Deno and
 * workerd without nodejs_compat have them, or objects with ref/unref, as Node and Bun have them),
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

describe("which deadlines a runtime gets", () => {
  it("numeric timers (browsers, Deno, workerd without nodejs_compat): a timer per attempt", () => {
    expect(Timers.choose(fakeTimers({ objects: false }).api, {}).kind).toBe("perAttempt")
  })

  it("timer objects with ref/unref (Node, Bun): one shared timer", () => {
    expect(Timers.choose(fakeTimers({ objects: true }).api, {}).kind).toBe("shared")
  })

  it("workerd, whose timers are objects too under nodejs_compat, and edge runtimes: a timer per attempt", () => {
    const objects = fakeTimers({ objects: true })
    expect(Timers.choose(objects.api, { userAgent: "Cloudflare-Workers" }).kind).toBe("perAttempt")
    expect(Timers.choose(objects.api, { edgeRuntime: "edge-runtime" }).kind).toBe("perAttempt")
    // nothing was probed there
    expect(objects.timers).toHaveLength(0)
  })

  it("where setting a timer throws (workerd's global scope): a timer per attempt", () => {
    const api: Timers.TimerApi = {
      set: () => {
        throw new Error("Disallowed operation called within global scope")
      },
      clear: () => {},
      now: () => 0
    }
    expect(Timers.choose(api, {}).kind).toBe("perAttempt")
  })

  it("the probe timer is cleared at once", () => {
    const fake = fakeTimers({ objects: true })
    Timers.choose(fake.api, {})
    expect(fake.timers).toHaveLength(1)
    expect(fake.live()).toHaveLength(0)
  })

  it("this process (Node) gets the shared timer", () => {
    expect(Timers.forThisRuntime().kind).toBe("shared")
  })
})

describe("a timer per attempt", () => {
  it("sets one timer per deadline, fires each at its time, and clears a removed one", () => {
    const fake = fakeTimers({ objects: false })
    const deadlines = Timers.perAttempt(fake.api)
    const fired: Array<string> = []
    const a = deadlines.add(2000, () => fired.push("a"))
    deadlines.add(5000, () => fired.push("b"))
    const c = deadlines.add(3000, () => fired.push("c"))
    expect(fake.live()).toHaveLength(3)
    expect(typeof a).toBe("number")
    deadlines.remove(c)
    fake.advance(2000)
    expect(fired).toEqual(["a"])
    fake.advance(3000)
    expect(fired).toEqual(["a", "b"])
    deadlines.remove(a) // removing a fired deadline is harmless
    expect(fake.live()).toHaveLength(0)
  })

  it("a throwing fire does not escape the timer", () => {
    const fake = fakeTimers({ objects: false })
    Timers.perAttempt(fake.api).add(10, () => {
      throw new Error("a listener failed")
    })
    expect(() => fake.advance(10)).not.toThrow()
  })
})

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
