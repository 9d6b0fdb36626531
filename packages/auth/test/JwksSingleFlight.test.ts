/**
 * The JWKS cache under a hanging or failing endpoint (issue 14, point 1), on the TestClock: every
 * verification's end time is read from the clock, so "finished within the fetch's time limit" is
 * exact, not a timing. The real-server variant is in JwksHangingServer.test.ts.
 */
import { JWKS } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as Keys from "../src/Keys.js"
import * as SessionToken from "../src/SessionToken.js"
import { makeKey, NOW, NOW_S, sessionClaims, sign, type TestKey } from "./helpers.js"

const k1 = await makeKey("ins_k1")
const stranger = await makeKey("ins_unknown")

/** A JWKS service that counts its calls and how many are in flight; it hangs until told otherwise. */
const scripted = () => {
  const stats = { calls: 0, inFlight: 0, maxInFlight: 0 }
  let answer: "hang" | "fail" | ReadonlyArray<TestKey> = "hang"
  const service = JWKS.JWKS.of({
    get: () =>
      Effect.suspend(() => {
        stats.calls++
        stats.inFlight++
        stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight)
        if (answer === "hang") return Effect.never
        if (answer === "fail") return Effect.die("down")
        return Effect.succeed({ keys: answer.map((k) => k.jwk) } as never)
      }).pipe(Effect.ensuring(Effect.sync(() => stats.inFlight--)))
  })
  return {
    stats,
    answer: (next: typeof answer) => {
      answer = next
    },
    layer: (options: Keys.JwksOptions = {}) =>
      Keys.layerJwks({ fetchTimeout: "5 seconds", minRefetchInterval: "5 seconds", ...options }).pipe(
        Layer.provide(Layer.succeed(JWKS.JWKS, service))
      )
  }
}

/** A token valid for the whole test (the clock moves up to 2 hours). */
const token = (key: TestKey) =>
  Effect.promise(() => sign(key, sessionClaims({ iat: NOW_S - 10, nbf: NOW_S - 15, exp: NOW_S + 3 * 3600 })))

/** Starts a verification; its fiber yields the outcome and the clock time it ended. */
const start = (t: string) =>
  Effect.fork(
    Effect.zip(Effect.either(SessionToken.verify(t)), Clock.currentTimeMillis).pipe(
      Effect.map(([outcome, at]) => ({
        outcome: outcome._tag === "Right" ? "verified" : outcome.left.reason,
        at
      }))
    )
  )

/** A cache holding k1 (one fetch done), then an endpoint that hangs; yields a token of k1. */
const primed = (api: ReturnType<typeof scripted>) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(NOW)
    api.answer([k1])
    const t = yield* token(k1)
    expect((yield* Fiber.join(yield* start(t))).outcome).toBe("verified")
    api.answer("hang")
    return t
  })

/** Moves the clock in small steps, so that fibers forked meanwhile register their timers. */
const advance = (millis: number) =>
  Effect.gen(function* () {
    for (let done = 0; done < millis; done += 100) yield* TestClock.adjust(Math.min(100, millis - done))
  })

describe("Keys.layerJwks: single flight under a hanging endpoint", () => {
  it.effect("cold cache: 50 concurrent verifications share one fetch and all end at its time limit", () => {
    const api = scripted()
    return Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const t = yield* token(k1)
      const fibers = yield* Effect.forEach(Array.from({ length: 50 }), () => start(t))
      yield* advance(6_000)
      const results = yield* Effect.forEach(fibers, Fiber.join)
      for (const result of results) {
        expect(result.outcome).toBe("jwks-unavailable")
        expect(result.at).toBeLessThanOrEqual(NOW + 5_000)
      }
      // one fetch ended at 5 s; the next may start at 10 s at the earliest
      expect(api.stats).toEqual({ calls: 1, inFlight: 0, maxInFlight: 1 })
    }).pipe(Effect.provide(api.layer()))
  })

  it.effect(
    "cold cache: tokens keep coming for 6 s; at most 2 fetches, never 2 in flight, no wait past a limit",
    () => {
      const api = scripted()
      return Effect.gen(function* () {
        yield* TestClock.setTime(NOW)
        const t = yield* token(k1)
        const started: Array<{ at: number; fiber: Fiber.RuntimeFiber<{ outcome: string; at: number }> }> = []
        for (let elapsed = 0; elapsed < 6_000; elapsed += 250) {
          for (let i = 0; i < 5; i++) started.push({ at: NOW + elapsed, fiber: yield* start(t) })
          yield* advance(250)
        }
        yield* advance(5_000)
        for (const { at, fiber } of started) {
          const result = yield* Fiber.join(fiber)
          expect(result.outcome).toBe("jwks-unavailable")
          // a waiter waits for the one fetch in flight at most until its limit: started at 0, ends at 5 s
          expect(result.at - at).toBeLessThanOrEqual(5_000)
          if (at >= NOW + 5_000) expect(result.at).toBe(at) // refused at once until 10 s
        }
        expect(api.stats.calls).toBeLessThanOrEqual(2)
        expect(api.stats.maxInFlight).toBe(1)
      }).pipe(Effect.provide(api.layer()))
    }
  )

  it.effect("stale cache: 50 concurrent verifications of a cached kid are answered at once; one refresh runs", () => {
    const api = scripted()
    return Effect.gen(function* () {
      const t = yield* primed(api)
      yield* TestClock.adjust("61 minutes")
      const now = yield* Clock.currentTimeMillis
      const fibers = yield* Effect.forEach(Array.from({ length: 50 }), () => start(t))
      const results = yield* Effect.forEach(fibers, Fiber.join)
      for (const result of results) expect(result).toEqual({ outcome: "verified", at: now })
      // one background refresh is hanging; a token of an unknown kid waits for it, not for a new one
      expect(api.stats).toMatchObject({ calls: 2, inFlight: 1, maxInFlight: 1 })
      const unknown = yield* start(yield* token(stranger))
      yield* advance(6_000)
      const refused = yield* Fiber.join(unknown)
      expect(refused.outcome).toBe("unknown-kid")
      expect(refused.at).toBeLessThanOrEqual(now + 5_000)
      expect(api.stats).toMatchObject({ calls: 2, inFlight: 0, maxInFlight: 1 })
      // the cached key still answers after the refresh failed
      expect((yield* Fiber.join(yield* start(t))).outcome).toBe("verified")
    }).pipe(Effect.provide(api.layer()))
  })

  it.effect("a cached kid is answered at once while a fetch for an unknown kid hangs", () => {
    const api = scripted()
    return Effect.gen(function* () {
      const t = yield* primed(api)
      yield* advance(6_000)
      const waiting = yield* start(yield* token(stranger))
      yield* advance(1_000)
      const now = yield* Clock.currentTimeMillis
      expect(yield* Fiber.join(yield* start(t))).toEqual({ outcome: "verified", at: now })
      expect(api.stats.inFlight).toBe(1)
      yield* advance(5_000)
      expect((yield* Fiber.join(waiting)).outcome).toBe("unknown-kid")
    }).pipe(Effect.provide(api.layer()))
  })

  it.effect("after a hung fetch, the next one starts minRefetchInterval after it ended, not after it started", () => {
    const api = scripted()
    return Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const t = yield* token(k1)
      const first = yield* start(t)
      yield* advance(5_000)
      expect(yield* Fiber.join(first)).toEqual({ outcome: "jwks-unavailable", at: NOW + 5_000 })
      // 5 s after the start, 0 s after the end: refused at once, no fetch
      api.answer([k1])
      yield* advance(4_900)
      const now = yield* Clock.currentTimeMillis
      const early = yield* Fiber.join(yield* start(t))
      expect(early).toEqual({ outcome: "jwks-unavailable", at: now })
      expect(api.stats.calls).toBe(1)
      yield* advance(100)
      expect((yield* Fiber.join(yield* start(t))).outcome).toBe("verified")
      expect(api.stats.calls).toBe(2)
    }).pipe(Effect.provide(api.layer()))
  })

  it.effect("a failed fetch: the error says why (not 'could not be fetched' for every cause)", () => {
    const api = scripted()
    return Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const t = yield* token(k1)
      const hung = yield* start(t)
      yield* advance(5_000)
      expect((yield* Fiber.join(hung)).outcome).toBe("jwks-unavailable")
      const error = yield* Effect.flip(SessionToken.verify(t))
      expect(error.message).toContain("no answer within 5000 ms")
      expect(error.message).toContain("the next fetch may start in 5 s")
    }).pipe(Effect.provide(api.layer()))
  })
})
