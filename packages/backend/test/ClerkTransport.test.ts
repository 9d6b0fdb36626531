/**
 * The public boundary of the transport contract: `ClerkTransport.signalAware` and
 * `CurrentAttemptSignal`, the runtime's private flags that follow from them (no longer fields of
 * `ClerkClient.Service`), the signal path end to end over a signal-aware client, and the aliases
 * kept for one release.
 */
import { Clerk, ClerkClient, ClerkTransport, JWKS } from "@effect-clerk/backend"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as RuntimeFlags from "../src/internal/runtimeFlags.js"
import { signalClient } from "./signalClient.js"

const options = {
  secretKey: Redacted.make("sk_test_transport"),
  baseUrl: "http://127.0.0.1:9/v1",
  retry: false
} as const

const serviceOver = (client: HttpClient.HttpClient, extra: Partial<ClerkClient.Options> = {}) =>
  Effect.provide(
    ClerkClient.ClerkClient,
    ClerkClient.layer({ ...options, ...extra }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))
  )

describe("flags", () => {
  it.effect("a signal-aware client gets the signal path and no span set inside the call", () =>
    Effect.gen(function* () {
      const service = yield* serviceOver(signalClient(0, []))
      expect(RuntimeFlags.of(service)).toEqual({ attemptSignal: true, readsSpan: false })
    })
  )

  it.effect("a transformClient turns both off; tracerPropagation needs the span", () =>
    Effect.gen(function* () {
      const transformed = yield* serviceOver(signalClient(0, []), { transformClient: (c) => c })
      expect(RuntimeFlags.of(transformed)).toEqual({ attemptSignal: false, readsSpan: true })
      const propagating = yield* serviceOver(signalClient(0, []), { tracerPropagation: true })
      expect(RuntimeFlags.of(propagating)).toEqual({ attemptSignal: true, readsSpan: true })
    })
  )

  it.effect("any other client, or a service made by hand, gets the general path", () =>
    Effect.gen(function* () {
      const plain = yield* serviceOver(HttpClient.make(() => Effect.die("not called")))
      expect(RuntimeFlags.of(plain)).toEqual({ attemptSignal: false, readsSpan: true })
      expect(RuntimeFlags.of({ ...plain })).toEqual({ attemptSignal: false, readsSpan: true })
    })
  )

  it.effect("the public service holds no runtime flag", () =>
    Effect.gen(function* () {
      const service = yield* serviceOver(signalClient(0, []))
      expect(Object.keys(service).sort()).toEqual(["baseUrl", "fileSystem", "httpClient", "requestOptions"])
    })
  )
})

describe("the signal path end to end", () => {
  const jwksOver = (client: HttpClient.HttpClient, timeout: Duration.DurationInput) =>
    JWKS.get().pipe(
      ClerkClient.withTimeout(timeout),
      Effect.provide(
        JWKS.layer.pipe(
          Layer.provide(ClerkClient.layer(options)),
          Layer.provide(Layer.succeed(HttpClient.HttpClient, client))
        )
      )
    )

  it.live("each attempt runs with its own signal; one answered in time leaves it unaborted", () =>
    Effect.gen(function* () {
      const seen: Array<AbortSignal | undefined> = []
      expect(yield* jwksOver(signalClient(5, seen), "5 seconds")).toEqual({ keys: [] })
      expect(seen).toHaveLength(1)
      expect(seen[0]).toBeInstanceOf(AbortSignal)
      expect(seen[0]!.aborted).toBe(false)
    })
  )

  it.live("an attempt past its time limit is aborted by its signal: TransportError Timeout", () =>
    Effect.gen(function* () {
      const seen: Array<AbortSignal | undefined> = []
      const started = performance.now()
      const error = yield* Effect.flip(jwksOver(signalClient(undefined, seen), "100 millis"))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout", operation: "JWKS.get", attempts: 1 })
      expect(performance.now() - started).toBeLessThan(3000)
      expect(seen[0]!.aborted).toBe(true)
      expect((seen[0]!.reason as Error).name).toBe("TimeoutError")
    })
  )

  it.effect("under the TestClock the same client gets Effect.timeoutFail: no attempt signal", () =>
    Effect.gen(function* () {
      const seen: Array<AbortSignal | undefined> = []
      yield* Effect.exit(jwksOver(signalClient(0, seen), "5 seconds"))
      expect(seen).toEqual([undefined])
    })
  )
})

describe("aliases kept for one release", () => {
  it("ClerkClient.signalAware and CurrentAttemptSignal are ClerkTransport's", () => {
    expect(ClerkClient.signalAware).toBe(ClerkTransport.signalAware)
    expect(ClerkClient.CurrentAttemptSignal).toBe(ClerkTransport.CurrentAttemptSignal)
  })

  it("Clerk.withRequestOptions, withTimeout and withRetry are ClerkClient's", () => {
    expect(Clerk.withRequestOptions).toBe(ClerkClient.withRequestOptions)
    expect(Clerk.withTimeout).toBe(ClerkClient.withTimeout)
    expect(Clerk.withRetry).toBe(ClerkClient.withRetry)
  })

  it.effect("a client marked through the old name is signal-aware", () =>
    Effect.gen(function* () {
      const client = ClerkClient.signalAware(HttpClient.make(() => Effect.die("not called")))
      expect(RuntimeFlags.isSignalAware(client)).toBe(true)
      expect(RuntimeFlags.of(yield* serviceOver(client)).attemptSignal).toBe(true)
    })
  )
})
