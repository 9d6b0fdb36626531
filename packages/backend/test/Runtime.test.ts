/**
 * The runtime's retry policy, timeouts and per-call options, against a mocked HttpClient under the
 * TestClock: which errors are retried, for which methods, after how long, and when it stops.
 * (Real sockets: packages/platform-node/test/FaultSuite.test.ts.)
 */
import { ActorTokens, Clerk, ClerkClient, ClerkTest, JWKS, Users } from "@effect-clerk/backend"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { recordingTracer } from "./rateLimitHarness.js"

const RETRY: ClerkClient.RetryOptions = { maxAttempts: 4, initialDelay: "500 millis", factor: 1.5 }

/** Clerk's answers in order (the last one repeats). */
const script = (...answers: ReadonlyArray<() => Response>) => {
  let next = 0
  return () => answers[Math.min(next++, answers.length - 1)]!()
}

const layerOf = (handler: ClerkTest.Handler, options: Partial<ClerkClient.Options> = {}) =>
  Clerk.layer.pipe(Layer.provideMerge(ClerkTest.layer(handler, { retry: RETRY, ...options })))

const count = Effect.map(ClerkTest.requests, (requests) => requests.length)

// The mocked fetch reads the request through real promises, which the TestClock does not drive:
// the helpers below wait (in real time) for the program to get where the test expects it.

/** A few milliseconds of real time. */
const settle = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 5)))

/** Waits in real time (up to 5 s) until `condition` holds. */
const until = (condition: Effect.Effect<boolean, never, any>) =>
  Effect.gen(function* () {
    for (let i = 0; i < 1000; i++) {
      if (yield* condition) return
      yield* settle
    }
    throw new Error("the condition never held")
  })

/** Until a fiber sleeps on a backoff (a sleep shorter than the 30 s attempt timeout). */
const backingOff = until(
  Effect.gen(function* () {
    const now = yield* TestClock.currentTimeMillis
    const sleeps = yield* TestClock.sleeps()
    return [...sleeps].some((deadline) => deadline - now < 29_000)
  })
)

/** Moves the TestClock a second at a time, with real time between, until the fiber is done. */
const drive = <A, E>(fiber: Fiber.RuntimeFiber<A, E>) =>
  Effect.gen(function* () {
    for (let i = 0; i < 600; i++) {
      yield* settle
      const done = yield* Fiber.poll(fiber)
      if (done._tag === "Some") break
      yield* TestClock.adjust("1 second")
    }
    return yield* Fiber.join(fiber)
  })

const unavailable = () => ClerkTest.json(503, { errors: [] })
const jwks = () => ClerkTest.json(200, { keys: [] })

describe("retries", () => {
  it.effect("a GET meeting 503 is retried after 500 ms (jitter 0.8-1.2), then succeeds", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(JWKS.get())
      yield* backingOff
      expect(yield* count).toBe(1)
      yield* TestClock.adjust("399 millis") // < 500 x 0.8
      yield* settle
      expect(yield* count).toBe(1)
      yield* TestClock.adjust("201 millis") // > 500 x 1.2
      yield* until(Effect.map(count, (n) => n === 2))
      const result = yield* drive(fiber)
      expect(yield* count).toBe(3)
      expect(result).toEqual({ keys: [] })
    }).pipe(Effect.provide(layerOf(script(unavailable, unavailable, jwks))))
  )

  it.effect("the last error says how many attempts were made", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(Effect.flip(JWKS.get()))
      const error = yield* drive(fiber)
      expect(error).toMatchObject({ _tag: "ServerError", status: 503, attempts: 4 })
      expect(error.message).toBe("ServerError (503) in JWKS.get: no error details after 4 attempts")
      expect(yield* count).toBe(4)
    }).pipe(Effect.provide(layerOf(unavailable)))
  )

  it.effect("POST and PATCH meeting 503 are not resent", () =>
    Effect.gen(function* () {
      const created = yield* Effect.flip(ActorTokens.create({ user_id: "u", actor: { sub: "a" } }))
      const patched = yield* Effect.flip(Users.updateMetadata("user_1", {}))
      expect(created).toMatchObject({ _tag: "ServerError", attempts: 1 })
      expect(patched).toMatchObject({ _tag: "ServerError", attempts: 1 })
      const requests = yield* ClerkTest.requests
      expect(requests.map((r) => r.method)).toEqual(["POST", "PATCH"])
    }).pipe(Effect.provide(layerOf(unavailable)))
  )

  it.effect("a POST meeting 429 is retried after Retry-After (Clerk refused it before running it)", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(ActorTokens.revoke("act_1"))
      yield* until(
        Effect.map(TestClock.sleeps(), (sleeps) => [...sleeps].some((deadline) => deadline >= 3000 && deadline < 3400))
      )
      yield* TestClock.adjust("2999 millis")
      yield* settle
      expect(yield* count).toBe(1)
      yield* TestClock.adjust("302 millis") // 3 s + at most 10% (max 1 s)
      yield* until(Effect.map(count, (n) => n === 2))
      expect(yield* Effect.flip(Fiber.join(fiber))).toMatchObject({ _tag: "NotFound", attempts: 2 })
    }).pipe(
      Effect.provide(
        layerOf(
          script(
            () => ClerkTest.json(429, { errors: [] }, { "retry-after": "3" }),
            () => ClerkTest.clerkError(404, "resource_not_found", "gone")
          )
        )
      )
    )
  )

  it.effect("a Retry-After beyond maxRetryAfter, or beyond the budget, fails at once", () =>
    Effect.gen(function* () {
      const beyondCap = yield* Effect.flip(JWKS.get().pipe(Clerk.withRetry({ maxRetryAfter: "10 seconds" })))
      expect(beyondCap).toMatchObject({ _tag: "TooManyRequests", retryAfter: 20, attempts: 1 })
      const beyondBudget = yield* Effect.flip(JWKS.get().pipe(Clerk.withRetry({ budget: "15 seconds" })))
      expect(beyondBudget).toMatchObject({ _tag: "TooManyRequests", attempts: 1 })
      expect(yield* count).toBe(2)
    }).pipe(Effect.provide(layerOf(() => ClerkTest.json(429, { errors: [] }, { "retry-after": "20" }))))
  )

  it.effect("retry: false on the client, or Clerk.withRetry(false) for one call, makes one attempt", () =>
    Effect.gen(function* () {
      const once = yield* Effect.flip(JWKS.get().pipe(Clerk.withRetry(false)))
      expect(once).toMatchObject({ _tag: "ServerError", attempts: 1 })
      expect(yield* count).toBe(1)
    }).pipe(Effect.provide(layerOf(unavailable)))
  )

  it.effect("a per-call retry turns retries back on over a client without them", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(JWKS.get().pipe(Clerk.withRetry({ maxAttempts: 2 })))
      expect(yield* drive(fiber)).toEqual({ keys: [] })
      expect(yield* count).toBe(2)
    }).pipe(Effect.provide(layerOf(script(unavailable, jwks), { retry: false })))
  )
})

it.effect("the span records the attempts, and an event per retry with its delay and cause", () =>
  Effect.gen(function* () {
    const { spans, tracer } = recordingTracer()
    const fiber = yield* Effect.fork(JWKS.get().pipe(Effect.withTracer(tracer)))
    yield* drive(fiber)
    const span = spans.find((s) => s.name === "JWKS.get")!
    expect(span.attributes.get("clerk.attempts")).toBe(3)
    expect(span.attributes.get("http.response.status_code")).toBe(200)
    expect(span.events.map(([name]) => name)).toEqual(["clerk.retry", "clerk.retry"])
    expect(span.events[0]![1]).toMatchObject({ "clerk.attempt": 1, "error.type": "ServerError" })
    expect(span.events[1]![1]).toMatchObject({ "clerk.attempt": 2, "error.type": "TransportError.ConnectionReset" })
    // the platform's inner span is off: its failures would hold the request, key included
    expect(spans.map((s) => s.name)).toEqual(["JWKS.get"])
  }).pipe(
    Effect.provide(
      layerOf(
        script(
          unavailable,
          () => {
            throw new TypeError("fetch failed", { cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }) })
          },
          jwks
        )
      )
    )
  )
)

describe("timeouts", () => {
  it.effect(
    "an attempt that gets no answer fails with TransportError Timeout naming the operation and the duration",
    () =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(Effect.flip(Users.get("user_1").pipe(Clerk.withTimeout("2 seconds"))))
        const error = yield* drive(fiber)
        expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout", attempts: 1 })
        expect(error.message).toBe(
          "TransportError (Timeout) in Users.get (GET https://api.clerk.com/v1/users/user_1): no complete response within 2s; the connection was closed"
        )
      }).pipe(Effect.provide(layerOf(() => new Promise<Response>(() => {}), { retry: false })))
  )

  it.effect("the client's timeout applies when no call overrides it; timeouts of a GET are retried", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(Effect.flip(JWKS.get()))
      const error = yield* drive(fiber)
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout", attempts: 2 })
      expect(error.message).toContain("within 5s")
      expect(error.message).toContain("after 2 attempts")
    }).pipe(
      Effect.provide(
        layerOf(() => new Promise<Response>(() => {}), { timeout: "5 seconds", retry: { maxAttempts: 2 } })
      )
    )
  )
})

it.effect("a transformClient that reads the body first leaves it readable to the SDK", () =>
  Effect.gen(function* () {
    const seen: Array<string> = []
    const result = yield* JWKS.get().pipe(
      Effect.provide(
        layerOf(jwks, {
          transformClient: HttpClient.tap((response) => Effect.map(response.text, (text) => seen.push(text)))
        })
      )
    )
    expect(result).toEqual({ keys: [] })
    expect(seen).toEqual(['{"keys":[]}'])
  })
)

describe("request options", () => {
  it("merge: the inner call's fields win, retry merges field by field, false turns it off", () => {
    const client: ClerkClient.RequestOptions = { timeout: "30 seconds", retry: { maxAttempts: 5, budget: "1 minute" } }
    expect(ClerkClient.mergeRequestOptions(client, { retry: { maxAttempts: 2 } })).toEqual({
      timeout: "30 seconds",
      maxResponseBytes: undefined,
      retry: { maxAttempts: 2, budget: "1 minute" }
    })
    expect(ClerkClient.mergeRequestOptions(client, { retry: false, maxResponseBytes: 10 })).toEqual({
      timeout: "30 seconds",
      maxResponseBytes: 10,
      retry: false
    })
    expect(ClerkClient.mergeRequestOptions({ retry: false }, { retry: { maxAttempts: 2 } }).retry).toEqual({
      maxAttempts: 2
    })
  })

  it.effect("withRequestOptions nests: an enclosing region's options stay under the call's", () =>
    Effect.gen(function* () {
      const seen = yield* ClerkClient.CurrentRequestOptions.pipe(
        Clerk.withTimeout("3 seconds"),
        Clerk.withRequestOptions({ timeout: "9 seconds", maxResponseBytes: 100 })
      )
      expect(seen).toEqual({ timeout: "3 seconds", maxResponseBytes: 100, retry: undefined })
    })
  )

  it.effect("maxResponseBytes: a success body over it is TooLarge; under the default it decodes", () =>
    Effect.gen(function* () {
      const large = yield* Effect.flip(JWKS.get().pipe(Clerk.withRequestOptions({ maxResponseBytes: 1000 })))
      expect(large).toMatchObject({ _tag: "UnexpectedResponse", reason: "TooLarge", status: 200 })
      expect(large.message).toContain("maxResponseBytes (1000 bytes)")
      const fits = yield* JWKS.get()
      expect(fits.keys).toEqual([])
    }).pipe(Effect.provide(layerOf(() => ClerkTest.json(200, { keys: [], padding: "x".repeat(2000) }))))
  )

  const invalid: ReadonlyArray<readonly [string, Partial<ClerkClient.Options>]> = [
    ["retry.maxAttempts", { retry: { maxAttempts: 0 } }],
    ["retry.factor", { retry: { factor: 0.5 } }],
    ["timeout", { timeout: "forever" as never }],
    ["maxResponseBytes", { maxResponseBytes: -1 }]
  ]
  for (const [key, options] of invalid) {
    it.effect(`an invalid ${key} fails the layer with a ConfigError naming it`, () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(
          Layer.build(ClerkClient.layer({ secretKey: Redacted.make("sk_test_x"), ...options })).pipe(
            Effect.provide(FetchHttpClient.layer),
            Effect.scoped
          )
        )
        expect(error._tag).toBe("ConfigError")
        expect(String(error)).toContain(key)
      })
    )
  }

  it.effect("fetch is told not to follow redirects, keeping the RequestInit the program set", () =>
    Effect.gen(function* () {
      const inits: Array<RequestInit | undefined> = []
      const fetch = (async (_input: string | URL | Request, init?: RequestInit) => {
        inits.push(init)
        return new Response(null, { status: 302, headers: { location: "https://elsewhere.example/v1/jwks" } })
      }) as typeof globalThis.fetch
      const error = yield* Effect.flip(JWKS.get()).pipe(
        Effect.provide(Clerk.layerFetch({ secretKey: Redacted.make("sk_test_x") })),
        Effect.provideService(FetchHttpClient.Fetch, fetch),
        Effect.provideService(FetchHttpClient.RequestInit, { credentials: "omit" })
      )
      expect(error).toMatchObject({
        _tag: "UnexpectedResponse",
        reason: "UnexpectedStatus",
        status: 302,
        location: "https://elsewhere.example/v1/jwks"
      })
      expect(inits[0]).toMatchObject({ redirect: "manual", credentials: "omit" })
    })
  )
})

describe("time limits where timers are numbers (browsers, Deno, workers)", () => {
  it.live("a call still times out, and nothing calls ref/unref on a number", () =>
    Effect.gen(function* () {
      const realSet = globalThis.setTimeout
      const realClear = globalThis.clearTimeout
      const handles = new Map<number, ReturnType<typeof realSet>>()
      let next = 0
      // timers as a browser has them: a numeric id, no ref/unref
      globalThis.setTimeout = ((fn: () => void, ms?: number) => {
        const id = ++next
        handles.set(id, realSet(fn, ms))
        return id
      }) as unknown as typeof setTimeout
      globalThis.clearTimeout = ((id: number) => realClear(handles.get(id))) as unknown as typeof clearTimeout
      const restore = Effect.sync(() => {
        globalThis.setTimeout = realSet
        globalThis.clearTimeout = realClear
      })
      yield* Effect.gen(function* () {
        const never = yield* Effect.exit(
          JWKS.get().pipe(
            Effect.provide(layerOf(() => new Promise<Response>(() => {}), { timeout: "100 millis", retry: false }))
          )
        )
        expect(never._tag === "Failure" && never.cause._tag === "Fail" && never.cause.error).toMatchObject({
          _tag: "TransportError",
          reason: "Timeout"
        })
        // a call that answers at once, then one more: the emptied deadline set clears its timer
        const fast = yield* JWKS.get().pipe(Effect.provide(layerOf(() => ClerkTest.json(200, { keys: [] }))))
        expect(fast).toEqual({ keys: [] })
      }).pipe(Effect.ensuring(restore))
      expect(next).toBeGreaterThan(0)
    })
  )
})
