/**
 * Clerk's budget shared by replicas through a real Redis (issue 17, item 2). Each "replica" is its
 * own `ClerkClient` layer with its own `RedisRateLimit.layer` (its own connection), as two processes
 * would be, over a mocked HttpClient that records when each request was sent. Real time: the bounds
 * leave margins for a loaded 2-core machine.
 */
import { ClerkClient, Users } from "@effect-clerk/backend"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import { Redis } from "ioredis"
import * as RedisRateLimit from "../src/RedisRateLimit.js"
import { redisServer } from "./redisServer.js"

/** 4 requests per 2 s, so that a window passes quickly in real time. */
const BUDGET = { limit: 4, window: "2 seconds" } as const

/** A replica: its own client and pacing layer over Redis; `sent` records Date.now() per request. */
const replica = (name: string, port: number, sent: Array<{ replica: string; at: number }>, logs: Array<string>) =>
  Effect.gen(function* () {
    const http = HttpClient.make((request) =>
      Effect.sync(() => {
        sent.push({ replica: name, at: Date.now() })
        return HttpClientResponse.fromWeb(
          request,
          new Response(JSON.stringify({ object: "total_count", total_count: 1 }), {
            status: 200,
            headers: { "content-type": "application/json" }
          })
        )
      })
    )
    const logger = Logger.make(({ logLevel, message }) => logs.push(`${name} ${logLevel.label} ${String(message)}`))
    const context = yield* Layer.build(
      Users.layer.pipe(
        Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_fleet_instance"), retry: false })),
        Layer.provide(Layer.succeed(HttpClient.HttpClient, http)),
        Layer.provide(
          RedisRateLimit.layer({
            host: "127.0.0.1",
            port,
            budget: BUDGET,
            // generous: the first request waits for the connection, on a loaded 2-core machine
            storeTimeout: "1 second",
            // a test's own limit on a reconnecting client: one attempt a quarter second
            retryStrategy: () => 250
          })
        )
      )
    )
    // every call has a limit: a hang fails the test instead of stalling it
    return (calls: number) =>
      Effect.all(
        Array.from({ length: calls }, () =>
          Users.count().pipe(Effect.timeoutFail({ duration: "8 seconds", onTimeout: () => "hung" }))
        ),
        { concurrency: "unbounded" }
      ).pipe(Effect.provide(context), Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
  })

/** The keys of the rate limit in Redis, read by a connection of the test's own. */
const rateLimitKeys = (port: number) =>
  Effect.acquireUseRelease(
    Effect.sync(() => new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 1 })),
    (client) => Effect.promise(() => client.connect().then(() => client.keys("effect-clerk:rate-limit:*"))),
    (client) => Effect.promise(() => client.quit())
  )

/** A real Redis and two replicas over it, each recording its requests and its log lines. */
const fleet = Effect.gen(function* () {
  const redis = yield* redisServer
  const sent: Array<{ replica: string; at: number }> = []
  const logs: Array<string> = []
  const a = yield* replica("a", redis.port, sent, logs)
  const b = yield* replica("b", redis.port, sent, logs)
  return { redis, sent, logs, a, b }
})

describe("RedisRateLimit: replicas sharing a real Redis", () => {
  it.live(
    "two replicas share one budget: of 8 calls at once, 4 go in the first window, 4 in the next",
    () =>
      Effect.gen(function* () {
        const { redis, sent, logs, a, b } = yield* fleet
        const started = Date.now()
        yield* Effect.all([a(4), b(4)], { concurrency: "unbounded" })
        // Redis answered every request (no fallback to the replicas' own budgets)
        expect(logs.filter((line) => line.includes("WARN"))).toEqual([])
        const offsets = sent.map((request) => request.at - started).sort((x, y) => x - y)
        expect(offsets).toHaveLength(8)
        // the first window: 4 requests, whichever replica sent them
        expect(offsets.filter((ms) => ms < 1500)).toHaveLength(4)
        // the next ones one window (2 s) after the first request of the first, not before
        const first = offsets[0]!
        for (const ms of offsets.slice(4)) expect(ms - first).toBeGreaterThanOrEqual(1900)
        expect(new Set(sent.map((request) => request.replica))).toEqual(new Set(["a", "b"]))
        // the key is the fingerprint, never the secret key
        const keys = yield* rateLimitKeys(redis.port)
        expect(keys).toHaveLength(1)
        expect(keys[0]).toMatch(/^effect-clerk:rate-limit:[0-9a-f]{32}$/)
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "Redis killed mid-run: each replica falls back with one warning and no call hangs; restarted, shared again",
    () =>
      Effect.gen(function* () {
        const { redis, sent, logs, a, b } = yield* fleet
        yield* Effect.all([a(2), b(2)], { concurrency: "unbounded" })

        yield* redis.stop
        // Redis is gone: calls are paced by each replica's own budget, after storeTimeout (1 s) at most
        const [outage] = yield* Effect.timed(Effect.all([a(3), b(3)], { concurrency: "unbounded" }))
        expect(outage.value._tag === "Nanos" ? Number(outage.value.nanos / 1_000_000n) : Infinity).toBeLessThan(4000)
        expect(sent).toHaveLength(10)
        const warnings = logs.filter((line) => line.includes("WARN"))
        expect(warnings.sort()).toEqual([
          "a WARN the rate-limit store (redis) is unavailable; pacing by the in-process budget until it answers",
          "b WARN the rate-limit store (redis) is unavailable; pacing by the in-process budget until it answers"
        ])
        // still out, a while later: no second warning
        yield* Effect.sleep("1500 millis")
        yield* Effect.all([a(1), b(1)], { concurrency: "unbounded" })
        expect(logs.filter((line) => line.includes("WARN"))).toHaveLength(2)

        yield* redis.start
        // each replica asks Redis again at most once a second, once ioredis has reconnected
        for (let i = 0; i < 30 && logs.filter((line) => line.includes("answers again")).length < 2; i++) {
          yield* Effect.sleep("250 millis")
          yield* Effect.all([a(1), b(1)], { concurrency: "unbounded" })
        }
        expect(logs.filter((line) => line.includes("INFO the rate-limit store (redis) answers again")).length).toBe(2)

        // once the calls above have left the window (their key expires), the budget is shared again
        for (let i = 0; i < 40 && (yield* rateLimitKeys(redis.port)).length > 0; i++) yield* Effect.sleep("250 millis")
        expect(yield* rateLimitKeys(redis.port)).toEqual([])
        const from = sent.length
        const started = Date.now()
        yield* Effect.all([a(4), b(4)], { concurrency: "unbounded" })
        const offsets = sent
          .slice(from)
          .map((request) => request.at - started)
          .sort((x, y) => x - y)
        expect(offsets.filter((ms) => ms < 1500)).toHaveLength(4)
        expect(offsets).toHaveLength(8)
      }).pipe(Effect.scoped),
    90_000
  )
})
