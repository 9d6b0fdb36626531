/**
 * The SDK's built-in retries and timeouts (issue 6) against the emulator's faults (issue 10), end to
 * end: what a user testing their own retry and timeout handling sees. Short delays (initialDelay
 * 10 ms, Retry-After 1 s) keep it quick on a live clock.
 */
import { ClerkClient, Users } from "@effect-clerk/backend"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Emulator from "../src/Emulator.js"
import * as EmulatorServer from "../src/EmulatorServer.js"

const options = {
  secretKey: Redacted.make("sk_test_retries"),
  retry: { initialDelay: "10 millis" }
} as const

const inMemory = (emulator: Emulator.ClerkEmulator) =>
  Users.layer.pipe(Layer.provide(ClerkClient.layer(options)), Layer.provide(Emulator.layerWith(emulator)))

describe("the SDK's retries against the emulator's faults", () => {
  it.live("429 with Retry-After twice, then the list: retried after the wait, every fault recorded", () =>
    Effect.gen(function* () {
      const emulator = Emulator.make({ faults: [{ operation: "Users.list", status: 429, retryAfter: 1, times: 2 }] })
      const started = Date.now()
      const users = yield* Users.list({}).pipe(Effect.provide(inMemory(emulator)))
      expect(users).toEqual([])
      // two waits of Retry-After: 1 s each, never earlier
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000)
      expect(emulator.faults.injected().map((f) => `${f.operation} ${f.status}`)).toEqual([
        "Users.list 429",
        "Users.list 429"
      ])
    })
  )

  it.live("a 503 is retried for Users.get (GET) but not for Users.create (POST)", () =>
    Effect.gen(function* () {
      const emulator = Emulator.make({ faults: [{ status: 503, times: 1 }] })
      const layer = inMemory(emulator)
      const created = yield* Effect.flip(
        Users.create({ email_address: ["ada@example.com"] }).pipe(Effect.provide(layer))
      )
      expect(created).toMatchObject({ _tag: "ServerError", status: 503, attempts: 1 })
      // nothing was created by the failed POST
      expect(yield* Users.count({}).pipe(Effect.provide(layer))).toMatchObject({ total_count: 0 })

      const user = yield* Users.create({ email_address: ["ada@example.com"] }).pipe(Effect.provide(layer))
      emulator.faults.set([{ status: 503, times: 1 }])
      const got = yield* Users.get(user.id).pipe(Effect.provide(layer))
      expect(got.id).toBe(user.id)
      expect(emulator.faults.injected().map((f) => `${f.method} ${f.status}`)).toEqual(["POST 503", "GET 503"])
    })
  )

  it.live("a connection reset on a GET is retried over undici; on a POST it is not", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ faults: [{ operation: "Users.list", reset: true, times: 1 }] })
      const layer = Users.layer.pipe(
        Layer.provide(ClerkClient.layer({ ...options, baseUrl: server.url })),
        Layer.provide(NodeHttpClient.layerUndici)
      )
      expect(yield* Users.list({}).pipe(Effect.provide(layer))).toEqual([])
      server.emulator.faults.set([{ operation: "Users.create", reset: true, times: 1 }])
      const error = yield* Effect.flip(Users.create({ email_address: ["bob@example.com"] }).pipe(Effect.provide(layer)))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "ConnectionReset", attempts: 1 })
      expect(server.emulator.faults.injected().map((f) => `${f.operation} ${f.reset}`)).toEqual([
        "Users.list true",
        "Users.create true"
      ])
    }).pipe(Effect.scoped)
  )

  it.live("latency beyond the timeout is a Timeout naming the operation", () =>
    Effect.gen(function* () {
      const emulator = Emulator.make({ faults: [{ operation: "Users.get", latency: "2 seconds" }] })
      const error = yield* Effect.flip(
        Users.get("user_slow").pipe(
          ClerkClient.withRequestOptions({ timeout: "100 millis", retry: false }),
          Effect.provide(inMemory(emulator))
        )
      )
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout", operation: "Users.get" })
      expect(error.message).toContain("100")
    })
  )
})
