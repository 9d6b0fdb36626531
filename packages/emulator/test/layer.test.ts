import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import * as Users from "../src/resources/Users.js"

const authorized = HttpClient.mapRequest(HttpClientRequest.bearerToken("sk_test_layer"))

describe("Emulator.layer", () => {
  it.effect("serves HttpClient.HttpClient requests in memory", () =>
    Effect.gen(function* () {
      const client = authorized(yield* HttpClient.HttpClient)
      const created = yield* client.execute(
        yield* HttpClientRequest.post("https://api.clerk.com/v1/users").pipe(
          HttpClientRequest.bodyJson({ email_address: ["layer@example.com"], first_name: "Layer" })
        )
      )
      expect(created.status).toBe(200)
      const user = (yield* created.json) as { id: string; first_name: string }
      expect(user.first_name).toBe("Layer")

      const fetched = yield* client.get(`https://api.clerk.com/v1/users/${user.id}`)
      expect(fetched.status).toBe(200)
      expect(((yield* fetched.json) as { id: string }).id).toBe(user.id)

      const emulator = yield* Emulator.Emulator
      expect(Users.find(emulator.context, user.id)).toBeDefined()
    }).pipe(Effect.provide(Emulator.layer()))
  )

  it.effect("answers 401 through the client without a bearer token", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get("https://api.clerk.com/v1/users")
      expect(response.status).toBe(401)
      const body = (yield* response.json) as { errors: Array<{ code: string }> }
      expect(body.errors[0]!.code).toBe("authentication_invalid")
    }).pipe(Effect.provide(Emulator.layer()))
  )

  it.effect("layerWith shares an existing instance", () => {
    const emulator = Emulator.make()
    const seeded = Users.seed(emulator, { username: "seeded" })
    return Effect.gen(function* () {
      const client = authorized(yield* HttpClient.HttpClient)
      const response = yield* client.get("http://127.0.0.1:1/v1/users")
      const users = (yield* response.json) as Array<{ id: string }>
      expect(users.map((u) => u.id)).toEqual([seeded.id])
      expect(yield* Emulator.Emulator).toBe(emulator)
    }).pipe(Effect.provide(Emulator.layerWith(emulator)))
  })

  it.effect("layer() builds a fresh emulator each time", () =>
    Effect.gen(function* () {
      const layer = Emulator.layer()
      const first = yield* Effect.provide(Emulator.Emulator, layer)
      const second = yield* Effect.provide(Emulator.Emulator, layer)
      expect(first).not.toBe(second)
    })
  )
})
