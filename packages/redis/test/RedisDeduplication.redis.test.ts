/**
 * De-duplication shared by replicas through a real Redis (issue 14, point 5). Each "replica" is its
 * own `Webhook.handler` with its own `RedisDeduplication.layer` (its own connections), as two
 * processes behind a load balancer would be. Real time: the bounds are on how long a delivery may
 * be held, with margins for a loaded 2-core machine.
 */
import { Webhook } from "@effect-clerk/auth"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as RedisDeduplication from "../src/RedisDeduplication.js"
import { post, SECRET } from "./deliveries.js"
import { freePort, redisServer } from "./redisServer.js"

/** A replica: its own store layer (own Redis connections), its handler counting runs in `runs`. */
const replica = (
  port: number,
  runs: Array<string>,
  handle: (id: string) => Effect.Effect<void, string> = () => Effect.void
) =>
  Effect.gen(function* () {
    const context = yield* Layer.build(RedisDeduplication.layer({ host: "127.0.0.1", port }))
    return yield* Webhook.handler(
      { secret: Redacted.make(SECRET) },
      {
        orElse: (_, delivery) =>
          Effect.zipRight(
            Effect.sync(() => runs.push(delivery.id)),
            handle(delivery.id)
          )
      }
    ).pipe(Effect.provide(context))
  })

/** The answer, and how long it took (ms, wall clock). */
const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.timed(effect), ([duration, value]) => ({
    value,
    ms: Number(duration.value._tag === "Nanos" ? duration.value.nanos / 1_000_000n : 0n)
  }))

describe("RedisDeduplication: replicas sharing a real Redis", () => {
  it.live(
    "40 concurrent duplicates across two replicas: exactly one handler run; later ones 204 without running",
    () =>
      Effect.gen(function* () {
        const redis = yield* redisServer
        const runs: Array<string> = []
        const hold = () => Effect.sleep("500 millis")
        const a = yield* replica(redis.port, runs, hold)
        const b = yield* replica(redis.port, runs, hold)
        const answers = yield* Effect.all(
          Array.from({ length: 40 }, (_, i) => post(i % 2 === 0 ? a : b, "msg_dup")),
          { concurrency: "unbounded" }
        )
        expect(runs).toEqual(["msg_dup"])
        const statuses = answers.map((answer) => answer.status).sort()
        expect(statuses.filter((status) => status === 204)).toHaveLength(1)
        expect(statuses.filter((status) => status === 409)).toHaveLength(39)
        expect(yield* post(a, "msg_dup")).toEqual({ status: 204, text: "" })
        expect(yield* post(b, "msg_dup")).toEqual({ status: 204, text: "" })
        expect(runs).toEqual(["msg_dup"])
        // another id is its own
        expect((yield* post(b, "msg_other")).status).toBe(204)
        expect(runs).toEqual(["msg_dup", "msg_other"])
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "a handler that failed on one replica does not mark its id: of the concurrent retries, one runs it",
    () =>
      Effect.gen(function* () {
        const redis = yield* redisServer
        const runs: Array<string> = []
        const a = yield* replica(redis.port, runs, () => Effect.fail("database down"))
        const b = yield* replica(redis.port, runs)
        expect(yield* post(a, "msg_retry")).toEqual({ status: 500, text: JSON.stringify({ error: "handler-failed" }) })
        const retries = yield* Effect.all([post(b, "msg_retry"), post(b, "msg_retry"), post(a, "msg_retry")], {
          concurrency: "unbounded"
        })
        // b's two concurrent deliveries and a's: one runs (on b, or on a, which fails again)
        expect(runs).toHaveLength(2)
        expect(retries.filter((answer) => answer.status === 409)).toHaveLength(2)
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "Redis restarted mid-run: 503 deduplication-unavailable within the store timeout, never a hang; then it recovers",
    () =>
      Effect.gen(function* () {
        const redis = yield* redisServer
        const runs: Array<string> = []
        const a = yield* replica(redis.port, runs)
        expect((yield* post(a, "msg_before")).status).toBe(204)

        yield* redis.stop
        const down = yield* Effect.all(
          Array.from({ length: 5 }, (_, i) => timed(post(a, `msg_down_${i}`))),
          { concurrency: "unbounded" }
        )
        for (const { value, ms } of down) {
          expect(value).toEqual({ status: 503, text: JSON.stringify({ error: "deduplication-unavailable" }) })
          expect(ms).toBeLessThan(2_000 + 3_000) // the store timeout (2 s) and a margin
        }
        expect(runs).toEqual(["msg_before"])

        yield* redis.start
        // ioredis reconnects on its own (backoff up to 2 s); Svix's retry of a refused delivery then runs it
        let answer = { status: 0, text: "" }
        const until = Date.now() + 15_000
        while (answer.status !== 204 && Date.now() < until) {
          answer = yield* post(a, "msg_down_0")
          if (answer.status !== 204) yield* Effect.sleep("250 millis")
        }
        expect(answer.status).toBe(204)
        expect(runs).toEqual(["msg_before", "msg_down_0"])
        expect(yield* post(a, "msg_down_0")).toEqual({ status: 204, text: "" })
        expect(runs).toEqual(["msg_before", "msg_down_0"])
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "Redis unreachable from the start: 503 within the store timeout, the handler never runs",
    () =>
      Effect.gen(function* () {
        const port = yield* freePort
        const runs: Array<string> = []
        const scope = yield* Scope.make()
        const a = yield* replica(port, runs).pipe(Scope.extend(scope))
        const { value, ms } = yield* timed(post(a, "msg_nowhere"))
        expect(value).toEqual({ status: 503, text: JSON.stringify({ error: "deduplication-unavailable" }) })
        expect(ms).toBeLessThan(2_000 + 3_000)
        expect(runs).toEqual([])
        // closing the layer while Redis is down: no defect (ioredis' QUIT fails), no endless reconnecting
        const closed = yield* timed(Effect.exit(Scope.close(scope, Exit.void)))
        expect(closed.value._tag).toBe("Success")
        expect(closed.ms).toBeLessThan(5_000 + 3_000)
      }),
    60_000
  )
})
