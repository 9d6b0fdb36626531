import { Clerk, ClerkClient, Users } from "@effect-clerk/backend"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Emulator from "../src/Emulator.js"
import * as EmulatorServer from "../src/EmulatorServer.js"
import { call, setup } from "./helpers.js"

const sdkOver = (emulator: Emulator.ClerkEmulator) =>
  Clerk.layer.pipe(
    // one attempt per call, so each injected fault reaches the test (the SDK retries by default)
    Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_faults"), retry: false })),
    Layer.provideMerge(Emulator.layerWith(emulator))
  )

describe("faults, in memory", () => {
  it("429 with Retry-After for one operation, the first N times, recorded", async () => {
    const { emulator } = setup({ faults: [{ operation: "Users.list", status: 429, retryAfter: 7, times: 1 }] })
    const limited = await emulator.handle(
      new Request("https://api.clerk.com/v1/users", { headers: { authorization: "Bearer sk_test_x" } })
    )
    expect(limited.status).toBe(429)
    expect(limited.headers.get("retry-after")).toBe("7")
    expect(((await limited.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe("too_many_requests")
    expect((await call(emulator, "GET", "/users")).status).toBe(200)
    expect((await call(emulator, "GET", "/users/count")).status).toBe(200)
    expect(emulator.faults.injected()).toEqual([
      { operation: "Users.list", method: "GET", path: "/v1/users", latencyMs: 0, status: 429, reset: false }
    ])
  })

  it("applies a rule at a rate, with the given random source", async () => {
    const draws = [0.1, 0.9, 0.2]
    const { emulator } = setup({ faults: [{ status: 503, rate: 0.5 }], random: () => draws.shift()! })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await call(emulator, "GET", "/users")).status)
    expect(statuses).toEqual([503, 200, 503])
  })

  it("can be changed while running: set, add, clear", async () => {
    const { emulator } = setup()
    emulator.faults.set([{ operation: ["Users.get", "Users.list"], status: 500 }])
    expect((await call(emulator, "GET", "/users")).status).toBe(500)
    emulator.faults.clear()
    expect((await call(emulator, "GET", "/users")).status).toBe(200)
    emulator.faults.add({ status: 502 })
    expect((await call(emulator, "GET", "/jwks")).body.errors[0].code).toBe("service_unavailable")
    expect(() => emulator.faults.add({ rate: 2 })).toThrow()
    expect(() => emulator.faults.add({ status: 200 })).toThrow()
  })

  it.live("the SDK sees TooManyRequests with retryAfter, ServerError, and a TransportError for a reset", () => {
    const emulator = Emulator.make({
      faults: [
        { operation: "Users.list", status: 429, retryAfter: 3, times: 1 },
        { operation: "Users.count", status: 503, times: 1 },
        { operation: "Users.create", reset: true, times: 1 }
      ]
    })
    return Effect.gen(function* () {
      const limited = yield* Effect.flip(Users.list())
      expect(limited).toMatchObject({ _tag: "TooManyRequests", retryAfter: 3 })
      expect(yield* Effect.flip(Users.count())).toMatchObject({ _tag: "ServerError", status: 503 })
      expect((yield* Effect.flip(Users.create({ username: "x" })))._tag).toBe("TransportError")
      // each rule applied once: the same calls now succeed
      expect(yield* Users.list()).toEqual([])
      expect((yield* Users.create({ username: "x" })).username).toBe("x")
    }).pipe(Effect.provide(sdkOver(emulator)))
  })

  it.live("delays an answer by the given latency", () =>
    Effect.gen(function* () {
      const { emulator } = setup({ faults: [{ latency: "60 millis" }] })
      const start = Date.now()
      const reply = yield* Effect.promise(() => call(emulator, "GET", "/users"))
      expect(reply.status).toBe(200)
      expect(Date.now() - start).toBeGreaterThanOrEqual(55)
      expect(emulator.faults.injected()[0]!.latencyMs).toBe(60)
    })
  )
})

describe("faults, on the server", () => {
  it.live("a reset closes the connection without an answer (ECONNRESET); the next request is served", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ faults: [{ operation: "Users.list", reset: true, times: 1 }] })
      const headers = { authorization: "Bearer sk_test_x" }
      const failed = yield* Effect.promise(() =>
        fetch(`${server.url}/users`, { headers }).then(
          () => undefined,
          (error: unknown) => error as { cause?: { code?: string } }
        )
      )
      expect(failed?.cause?.code).toMatch(/ECONNRESET|UND_ERR_SOCKET/)
      const next = yield* Effect.promise(() => fetch(`${server.url}/users`, { headers }))
      expect(next.status).toBe(200)
    }).pipe(Effect.scoped)
  )

  it.live("through the SDK over undici: a TransportError, then a 429 with its Retry-After", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({
        secretKey: "sk_test_server_faults",
        faults: [
          { operation: "Users.get", reset: true, times: 1 },
          { operation: "Users.get", status: 429, retryAfter: 2, times: 1 }
        ]
      })
      const layer = Clerk.layer.pipe(
        Layer.provideMerge(
          ClerkClient.layer({ secretKey: Redacted.make("sk_test_server_faults"), baseUrl: server.url, retry: false })
        ),
        Layer.provide(NodeHttpClient.layerUndici)
      )
      const outcomes = yield* Effect.forEach([1, 2, 3], () =>
        Users.get("user_missing").pipe(
          Effect.flip,
          Effect.map((e) => e._tag),
          Effect.provide(layer)
        )
      )
      expect(outcomes).toEqual(["TransportError", "TooManyRequests", "NotFound"])
    }).pipe(Effect.scoped)
  )
})
