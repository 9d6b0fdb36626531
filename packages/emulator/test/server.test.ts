import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import * as EmulatorServer from "../src/EmulatorServer.js"

const headers = { authorization: "Bearer sk_test_server", "content-type": "application/json" }

describe("EmulatorServer", () => {
  it("start() serves on 127.0.0.1 for plain fetch and closes", async () => {
    const server = await EmulatorServer.start()
    let closed = false
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
      expect(server.port).toBeGreaterThan(0)

      const created = await fetch(`${server.url}/users`, {
        method: "POST",
        headers,
        body: JSON.stringify({ email_address: ["socket@example.com"] })
      })
      expect(created.status).toBe(200)
      const user = (await created.json()) as { id: string }

      const list = await fetch(`${server.url}/users`, { headers })
      expect(((await list.json()) as Array<{ id: string }>).map((u) => u.id)).toEqual([user.id])

      const unauthorized = await fetch(`${server.url}/users`)
      expect(unauthorized.status).toBe(401)
      expect(unauthorized.headers.get("content-type")).toContain("application/json")

      const encoded = await fetch(`${server.url}/users/${user.id}%2Fx`, { headers })
      expect(encoded.status).toBe(404)
      await encoded.body?.cancel()

      await server.close()
      closed = true
      await expect(fetch(`${server.url}/users`, { headers })).rejects.toThrow()
    } finally {
      if (!closed) await server.close()
    }
  })

  it.scoped("serve() is scoped and can serve an existing emulator", () =>
    Effect.gen(function* () {
      const emulator = Emulator.make({ secretKey: "sk_test_server" })
      const server = yield* EmulatorServer.serve({ emulator })
      expect(server.emulator).toBe(emulator)
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/v1`)
      const response = yield* Effect.promise(() => fetch(`${server.url}/users`, { headers }))
      expect(response.status).toBe(200)
      expect(yield* Effect.promise(() => response.json())).toEqual([])
      const wrongKey = yield* Effect.promise(() =>
        fetch(`${server.url}/users`, { headers: { authorization: "Bearer sk_test_other" } })
      )
      expect(wrongKey.status).toBe(401)
      yield* Effect.promise(() => wrongKey.arrayBuffer())
    })
  )

  it.effect("layer() provides the server info and its emulator", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.Server
      const emulator = yield* Emulator.Emulator
      expect(server.emulator).toBe(emulator)
      const response = yield* Effect.promise(() =>
        fetch(`${server.origin}/users/count`, { headers: { authorization: "Bearer sk_test_x" } })
      )
      expect(yield* Effect.promise(() => response.json())).toEqual({ object: "total_count", total_count: 0 })
    }).pipe(Effect.provide(EmulatorServer.layer()))
  )
})
