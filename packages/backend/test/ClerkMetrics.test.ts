import { ActorTokens, ClerkClient, ClerkMetrics, ClerkTest, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as MetricLabel from "effect/MetricLabel"
import { fixtures } from "./fixtures.js"

const user = { ...(fixtures.find((f) => f.operationId === "GetUser")!.response.body as object), id: "user_1" }

/**
 * The figures of one operation, read from the registry's snapshot (as an exporter reads it): the
 * metrics are global, so each test compares before and after.
 */
const figures = (operationId: string, extra: ReadonlyArray<MetricLabel.MetricLabel> = []) =>
  Effect.map(Metric.snapshot, (pairs) => {
    const find = (name: string, labels: ReadonlyArray<readonly [string, string]>) =>
      pairs.find(
        (pair) =>
          pair.metricKey.name === name &&
          pair.metricKey.tags.length === labels.length + extra.length &&
          [...labels.map(([key, value]) => MetricLabel.make(key, value)), ...extra].every((label) =>
            pair.metricKey.tags.some((tag) => tag.key === label.key && tag.value === label.value)
          )
      )?.metricState as { count?: number } | undefined
    const op = ["operation_id", operationId] as const
    return {
      calls: (outcome: string) => find("clerk_calls", [op, ["outcome", outcome]])?.count ?? 0,
      attempts: find("clerk_attempts", [op])?.count ?? 0,
      rateLimited: find("clerk_rate_limited", [op])?.count ?? 0,
      timed: find("clerk_call_duration_seconds", [op])?.count ?? 0
    }
  })

/** A Clerk that answers each request with the next of `answers`. */
const scripted = (...answers: ReadonlyArray<() => Response | Promise<Response>>) => {
  let next = 0
  return () => answers[Math.min(next++, answers.length - 1)]!()
}

const withClerk = (handler: ClerkTest.Handler) =>
  Effect.provide(Layer.merge(Users.layer, ActorTokens.layer).pipe(Layer.provideMerge(ClerkTest.layer(handler))))

let sent = false

const ok = () => ClerkTest.json(200, user)
const notFound = () => ClerkTest.clerkError(404, "resource_not_found", "not found")
const limited = () => ClerkTest.clerkError(429, "too_many_requests", "slow down", { headers: { "retry-after": "0" } })
const unavailable = () => ClerkTest.clerkError(503, "unavailable", "later")

describe("ClerkMetrics", () => {
  it.live("calls by outcome, attempts, 429s and the time of each call, per operation", () =>
    Effect.gen(function* () {
      const before = yield* figures("GetUser")
      yield* Users.get("user_1")
      yield* Effect.flip(Users.get("user_gone"))
      // a 429 then a 200: one call, two attempts, one 429
      yield* Users.get("user_1").pipe(ClerkClient.withRetry({ initialDelay: "1 millis" }))
      // a 429 with retries off: the call's outcome
      yield* Effect.flip(Users.get("user_1"))
      // two 503s, no more attempts allowed
      yield* Effect.flip(Users.get("user_1").pipe(ClerkClient.withRetry({ maxAttempts: 2, initialDelay: "1 millis" })))
      // nothing sent: no attempt
      yield* Effect.flip(Users.get(""))
      const after = yield* figures("GetUser")
      expect(after.calls("success") - before.calls("success")).toBe(2)
      expect(after.calls("NotFound") - before.calls("NotFound")).toBe(1)
      expect(after.calls("TooManyRequests") - before.calls("TooManyRequests")).toBe(1)
      expect(after.calls("ServerError") - before.calls("ServerError")).toBe(1)
      expect(after.calls("InvalidInput") - before.calls("InvalidInput")).toBe(1)
      expect(after.attempts - before.attempts).toBe(1 + 1 + 2 + 1 + 2)
      expect(after.rateLimited - before.rateLimited).toBe(2)
      expect(after.timed - before.timed).toBe(6)
    }).pipe(withClerk(scripted(ok, notFound, limited, ok, limited, unavailable, unavailable)))
  )

  it.live("each operation has its own figures; a failed connection is TransportError with its reason", () =>
    Effect.gen(function* () {
      const users = yield* figures("GetUser")
      const tokens = yield* figures("CreateActorToken")
      yield* Effect.flip(ActorTokens.create({ user_id: "user_1", actor: { sub: "user_2" } }))
      expect(
        (yield* figures("CreateActorToken")).calls("TransportError.Other") - tokens.calls("TransportError.Other")
      ).toBe(1)
      expect((yield* figures("CreateActorToken")).attempts - tokens.attempts).toBe(1)
      // nothing of GetUser moved
      const unchanged = yield* figures("GetUser")
      expect([unchanged.attempts, unchanged.timed, unchanged.calls("TransportError.Other")]).toEqual([
        users.attempts,
        users.timed,
        users.calls("TransportError.Other")
      ])
    }).pipe(withClerk(() => Promise.reject(new Error("socket hang up"))))
  )

  it.live("an interrupted call is counted as interrupted", () =>
    Effect.gen(function* () {
      const before = yield* figures("GetUser")
      const fiber = yield* Effect.fork(Users.get("user_1"))
      // the request is sent, its answer never comes
      yield* Effect.yieldNow().pipe(Effect.repeat({ until: () => sent }), Effect.timeout("10 seconds"))
      yield* Fiber.interrupt(fiber)
      const after = yield* figures("GetUser")
      expect(after.calls("interrupted") - before.calls("interrupted")).toBe(1)
      expect(after.attempts - before.attempts).toBe(1)
    }).pipe(
      withClerk(() => {
        sent = true
        return new Promise<Response>(() => {})
      })
    )
  )

  it.live("the tags of Effect.tagMetrics around a call are added", () =>
    Effect.gen(function* () {
      const tenant = [MetricLabel.make("tenant", "acme")]
      const before = yield* figures("GetUser", tenant)
      yield* Users.get("user_1").pipe(Effect.tagMetrics("tenant", "acme"))
      const after = yield* figures("GetUser", tenant)
      expect(after.calls("success") - before.calls("success")).toBe(1)
      expect(after.attempts - before.attempts).toBe(1)
      expect(after.timed - before.timed).toBe(1)
    }).pipe(withClerk(ok))
  )

  it.live("the public metrics read the same series: Metric.value of the tagged counter", () =>
    Effect.gen(function* () {
      const counter = ClerkMetrics.calls.pipe(
        Metric.tagged("operation_id", "GetUser"),
        Metric.tagged("outcome", "success")
      )
      const before = (yield* Metric.value(counter)).count
      yield* Users.get("user_1")
      expect((yield* Metric.value(counter)).count - before).toBe(1)
      const duration = yield* Metric.value(ClerkMetrics.callDuration.pipe(Metric.tagged("operation_id", "GetUser")))
      expect(duration.count).toBeGreaterThan(0)
      expect(duration.min).toBeGreaterThanOrEqual(0)
    }).pipe(withClerk(ok))
  )
})
