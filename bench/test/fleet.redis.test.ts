/**
 * The fleet's claims at small scale (issue 17, item 5), with the real parts: worker replicas in
 * their own OS processes, one emulator process enforcing the limit, Debian's `redis-server` on
 * 127.0.0.1. The same harness as `pnpm bench --scenario fleet`, scaled down: 3 processes, each
 * starting 7 calls a second (the fleet offers about twice the limit), a limit of 20 per 2 s, 10 s
 * per set-up.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { line, runFleet } from "../fleet/harness.js"

describe("fleet: replicas sharing one Clerk rate limit", () => {
  it.live(
    "pause: fewer 429s than retries; shared budget: 0 429s, ≥ 90 % used; a kill and a Redis restart: no hang, no user twice",
    () =>
      Effect.gen(function* () {
        const [retries, pause, shared, faults] = yield* runFleet(
          {
            seconds: 10,
            workers: 3,
            workload: { kind: "open", rate: 7 },
            limit: 20,
            windowSeconds: 2,
            setups: ["retries", "pause", "shared", "faults"],
            warmupSeconds: 3,
            graceSeconds: 5
          },
          (result) => Effect.sync(() => console.log(line(result)))
        )
        const all = [retries!, pause!, shared!, faults!]
        // each set-up made users
        for (const result of all) expect(result.created).toBeGreaterThan(0)

        // the shared budget: not one request refused, and nearly all of the limit used
        expect(shared!.tooManyRequests).toBe(0)
        expect(shared!.used).toBeGreaterThanOrEqual(0.9)

        // without a shared budget the fleet meets 429s; with one pause per client, far fewer than
        // with retries alone: each replica starts calls at a steady rate (an open loop), and the
        // pause holds those started during the block, where retries send each and meet a 429.
        // Measured in six runs: pause 33 to 140, retries 324 to 329.
        expect(retries!.tooManyRequests).toBeGreaterThan(0)
        expect(pause!.tooManyRequests).toBeGreaterThan(0)
        expect(pause!.tooManyRequests).toBeLessThan(retries!.tooManyRequests)

        // the clients saw what the emulator counted, but for answers to calls the deadline cut
        for (const result of [retries!, pause!, shared!]) {
          const seen = result.workers.reduce((sum, w) => sum + w.tooManyRequests, 0)
          const cut = result.workers.reduce((sum, w) => sum + w.cut, 0)
          expect(seen).toBeLessThanOrEqual(result.tooManyRequests)
          expect(seen).toBeGreaterThanOrEqual(result.tooManyRequests - cut)
        }

        // no worker hung, none created a user twice, in any set-up
        expect(all.flatMap((result) => result.hung)).toEqual([])
        expect(all.map((result) => result.duplicates)).toEqual([0, 0, 0, 0])

        // the killed worker created nothing after its kill; the two others reported by their
        // deadline and went on creating users after Redis came back
        expect(faults!.faults).toBeDefined()
        expect(faults!.faults!.createdAfterKill).toBe(0)
        expect(faults!.workers.map((w) => w.id).sort()).toEqual([1, 2])
        expect(faults!.faults!.createdAfterRedisRestart).toBeGreaterThan(0)
      }),
    { timeout: 150_000 }
  )
})
