/**
 * A Clerk on a mocked HttpClient for the rate-limit tests: it records each request with the
 * TestClock's time it was sent at, and answers by path (a 429 when `answer` says so). Shared by
 * RateLimitPause.test.ts and RateLimitBudget.test.ts (and its recording tracer by Runtime.test.ts).
 */
import { ClerkClient, Invitations, JWKS, Users } from "@effect-clerk/backend"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as Tracer from "effect/Tracer"
import * as ClerkMetrics from "../src/ClerkMetrics.js"

export interface Sent {
  readonly method: string
  readonly path: string
  /** The TestClock's time when it was sent. */
  readonly at: number
}

const ok = (path: string): Response => {
  const body =
    path === "/v1/jwks"
      ? { keys: [] }
      : path === "/v1/invitations/bulk"
        ? []
        : { object: "total_count", total_count: 1 }
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } })
}

/** A 429 with `Retry-After` (seconds), Clerk-shaped. */
export const tooMany = (retryAfter: number): Response =>
  new Response(JSON.stringify({ errors: [{ code: "too_many_requests", message: "Too many requests" }] }), {
    status: 429,
    headers: { "content-type": "application/json", "retry-after": String(retryAfter) }
  })

/**
 * `Users`, `JWKS` and `Invitations` over a mocked HttpClient. `answer` may return a Response for
 * the n-th request (0-based); else 200 with a body the operation decodes.
 */
export const mockClerk = (
  answer: (request: HttpClientRequest.HttpClientRequest, index: number) => Response | undefined = () => undefined,
  options: Partial<ClerkClient.Options> = {}
) => {
  const sent: Array<Sent> = []
  const client = HttpClient.make((request, url) =>
    Effect.clockWith((clock) =>
      Effect.sync(() => {
        sent.push({ method: request.method, path: url.pathname, at: clock.unsafeCurrentTimeMillis() })
        return HttpClientResponse.fromWeb(request, answer(request, sent.length - 1) ?? ok(url.pathname))
      })
    )
  )
  const clerk = ClerkClient.layer({ secretKey: Redacted.make("sk_test_rate_limits"), retry: false, ...options }).pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
    Layer.orDie
  )
  return { sent, layer: Layer.mergeAll(Users.layer, JWKS.layer, Invitations.layer).pipe(Layer.provideMerge(clerk)) }
}

// The mocked response's body is read through real promises, which the TestClock does not drive:
// `until` waits (in real time, 5 s at most) for the program to get where the test expects it.
const settle = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 2)))

export const until = (condition: () => boolean | Effect.Effect<boolean>) =>
  Effect.gen(function* () {
    for (let i = 0; i < 2500; i++) {
      const result = condition()
      if (typeof result === "boolean" ? result : yield* result) return
      yield* settle
    }
    throw new Error("the condition never held")
  })

/**
 * Until `n` fibers sleep on the TestClock until a time within [from, to] (the attempts' time limits
 * are sleeps too, which the TestClock keeps listed after they were interrupted).
 */
export const sleeping = (n: number, from: number, to: number) =>
  until(() =>
    Effect.map(TestClock.sleeps(), (sleeps) => [...sleeps].filter((at) => at >= from && at <= to).length >= n)
  )

/** How many waits `clerk_rate_limit_wait_seconds` recorded for an operation (its `operationId`) and a reason. */
export const waits = (operationId: string, reason: "pause" | "budget") =>
  Effect.map(
    Metric.value(
      Metric.tagged(Metric.tagged(ClerkMetrics.rateLimitWait, "operation_id", operationId), "reason", reason)
    ),
    (state) => state.count
  )

export interface SpanRecord {
  readonly name: string
  readonly attributes: Map<string, unknown>
  readonly events: Array<readonly [string, Record<string, unknown> | undefined]>
}

/** A tracer that keeps each span's name, attributes and events (also used by Runtime.test.ts). */
export const recordingTracer = () => {
  const spans: Array<SpanRecord> = []
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const record: SpanRecord = { name, attributes: new Map(), events: [] }
      spans.push(record)
      return {
        _tag: "Span",
        name,
        spanId: `s${spans.length}`,
        traceId: "t",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes: record.attributes,
        links,
        sampled: true,
        kind,
        end() {},
        attribute: (key, value) => record.attributes.set(key, value),
        event: (eventName, _time, attributes) => record.events.push([eventName, attributes]),
        addLinks() {}
      }
    },
    context: (f) => f()
  })
  return { spans, tracer }
}
