/**
 * The signal path where timers are numbers (browsers, Deno, workerd without nodejs_compat): each
 * attempt sets a timer of its own, in the call that needs it, and clears it when it ends; no timer
 * outlives its attempt to serve a later one (workerd never fires a timer whose request answered).
 * Time limits hold for calls one after another and side by side, each at its own limit.
 *
 * This file replaces `setTimeout` before any call, so that the runtime chooses its deadlines
 * under numeric timers (the choice is made once per process, on first use). The real runtimes are
 * tested in `pnpm test:runtimes`.
 */
import { ClerkClient, JWKS } from "@effect-clerk/backend"
import * as HttpClient from "@effect/platform/HttpClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Timers from "../src/internal/timers.js"
import { signalClient } from "./signalClient.js"

interface Recorded {
  readonly millis: number
  state: "pending" | "fired" | "cleared"
}

const realSet = globalThis.setTimeout
const realClear = globalThis.clearTimeout
const recorded = new Map<number, Recorded>()
const handles = new Map<number, ReturnType<typeof realSet>>()
let nextId = 0

beforeAll(() => {
  // timers as a browser has them: a numeric id, no ref/unref
  globalThis.setTimeout = ((fire: () => void, millis?: number) => {
    const id = ++nextId
    const entry: Recorded = { millis: millis ?? 0, state: "pending" }
    recorded.set(id, entry)
    handles.set(
      id,
      realSet(() => {
        entry.state = "fired"
        fire()
      }, millis)
    )
    return id
  }) as unknown as typeof setTimeout
  globalThis.clearTimeout = ((id: unknown) => {
    const handle = typeof id === "number" ? handles.get(id) : undefined
    // a timer set before the patch (vitest's own) is cleared as it was set
    if (handle === undefined) return realClear(id as Parameters<typeof realClear>[0])
    const entry = recorded.get(id as number)!
    if (entry.state === "pending") entry.state = "cleared"
    realClear(handle)
  }) as unknown as typeof clearTimeout
})

afterAll(() => {
  globalThis.setTimeout = realSet
  globalThis.clearTimeout = realClear
})

/** The timers set for `millis` so far (the attempts' deadlines: no other timer here is that long). */
const deadlinesOf = (millis: number) => [...recorded.values()].filter((timer) => timer.millis === millis)

const options = { secretKey: Redacted.make("sk_test_numeric"), baseUrl: "http://127.0.0.1:9/v1", retry: false } as const

/** `JWKS.get()` over a signal-aware client that answers after `answerAfter` ms (or never). */
const call = (answerAfter: number | undefined, timeout: number) =>
  JWKS.get().pipe(
    ClerkClient.withTimeout(Duration.millis(timeout)),
    Effect.provide(
      JWKS.layer.pipe(
        Layer.provide(ClerkClient.layer(options)),
        Layer.provide(Layer.succeed(HttpClient.HttpClient, signalClient(answerAfter, [])))
      )
    )
  )

/** How long `effect` took, in ms, with its outcome. */
const timed = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const started = performance.now()
    const exit = yield* Effect.exit(effect)
    return { exit, elapsed: performance.now() - started }
  })

const timedOut = { _tag: "Failure", cause: { _tag: "Fail", error: { _tag: "TransportError", reason: "Timeout" } } }

describe("the signal path under numeric timers", () => {
  it("the runtime chooses a timer per attempt", () => {
    expect(typeof setTimeout(() => {}, 0)).toBe("number")
    expect(Timers.forThisRuntime().kind).toBe("perAttempt")
  })

  it.live("calls one after another: each sets its own timer, cleared or fired with its attempt", () =>
    Effect.gen(function* () {
      // answered in time: its deadline is cleared
      const first = yield* timed(call(5, 1700))
      expect(first.exit._tag).toBe("Success")
      expect(deadlinesOf(1700).map((t) => t.state)).toEqual(["cleared"])
      // the next call, with the same limit, gets no help from a timer of the first: its own fires
      const second = yield* timed(call(undefined, 1700))
      expect(second.exit).toMatchObject(timedOut)
      expect(second.elapsed).toBeGreaterThanOrEqual(1650)
      expect(second.elapsed).toBeLessThan(4000)
      expect(deadlinesOf(1700).map((t) => t.state)).toEqual(["cleared", "fired"])
    })
  )

  it.live("calls side by side: each times out at its own limit", () =>
    Effect.gen(function* () {
      const [short, long] = yield* Effect.all([timed(call(undefined, 300)), timed(call(undefined, 900))], {
        concurrency: 2
      })
      expect(short.exit).toMatchObject(timedOut)
      expect(long.exit).toMatchObject(timedOut)
      expect(short.elapsed).toBeGreaterThanOrEqual(280)
      expect(short.elapsed).toBeLessThan(long.elapsed)
      expect(long.elapsed).toBeGreaterThanOrEqual(880)
      expect(long.elapsed).toBeLessThan(4000)
      expect(deadlinesOf(300).map((t) => t.state)).toEqual(["fired"])
      expect(deadlinesOf(900).map((t) => t.state)).toEqual(["fired"])
    })
  )
})
