/**
 * An operation the emulator does not emulate answers at once with a status no client retries
 * (issue 19 item 1): 400 `not_emulated`, naming the operation. Clerk's Speakeasy-generated SDKs
 * retry every 5xx for up to an hour, so the former 501 kept them waiting; 501 stays an opt-in.
 * `SAMLConnections.list` is the example: deprecated by Clerk, it is not going to be emulated.
 */
import { createClerkClient } from "@clerk/backend"
import { ClerkClient, SAMLConnections } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Emulator from "../src/Emulator.js"
import * as EmulatorServer from "../src/EmulatorServer.js"
import { call } from "./helpers.js"

const SECRET = "sk_test_not_emulated"

// the SDK over an emulator, counting the requests that reach it
const counted = (options: Emulator.Options = {}, retry?: false) => {
  const emulator = Emulator.make(options)
  let requests = 0
  const layer = SAMLConnections.layer.pipe(
    Layer.provide(
      ClerkClient.layer({ secretKey: Redacted.make(SECRET), retry: retry ?? { initialDelay: "1 millis" } })
    ),
    Layer.provide(
      Emulator.layerWith({
        ...emulator,
        fetch: (input, init) => {
          requests++
          return emulator.fetch(input, init)
        }
      })
    )
  )
  return { layer, requests: () => requests }
}

describe("an operation that is not emulated", () => {
  it.effect("answers 400 not_emulated to the SDK, once: nothing retries it", () =>
    Effect.gen(function* () {
      const { layer, requests } = counted()
      const error = yield* Effect.flip(SAMLConnections.list().pipe(Effect.provide(layer)))
      expect(error).toMatchObject({ _tag: "UnexpectedResponse", status: 400, attempts: 1 })
      expect(error._tag === "UnexpectedResponse" && error.errors[0]).toMatchObject({
        code: "not_emulated",
        long_message: "SAMLConnections.list is not emulated by @effect-clerk/emulator (ListSAMLConnections).",
        meta: { operation: "SAMLConnections.list", operation_id: "ListSAMLConnections" }
      })
      expect(requests()).toBe(1)
    })
  )

  it.effect("answers 501 when asked to (notEmulatedStatus), which the SDK reports as a ServerError", () =>
    Effect.gen(function* () {
      const { layer } = counted({ notEmulatedStatus: 501 }, false)
      const error = yield* Effect.flip(SAMLConnections.list().pipe(Effect.provide(layer)))
      expect(error).toMatchObject({ _tag: "ServerError", status: 501 })
    })
  )

  it("takes only an error status as notEmulatedStatus", async () => {
    for (const status of [200, 399, 600, 450.5]) {
      expect(() => Emulator.make({ notEmulatedStatus: status }), String(status)).toThrow(RangeError)
    }
    const reply = await call(Emulator.make({ notEmulatedStatus: 404 }), "GET", "/saml_connections")
    expect(reply).toMatchObject({ status: 404, body: { errors: [{ code: "not_emulated" }] } })
  })

  it.live("answers @clerk/backend with a 400 carrying the code and the operation", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: SECRET })
      const clerk = createClerkClient({ secretKey: SECRET, apiUrl: server.origin })
      const error = yield* Effect.flip(Effect.tryPromise(() => clerk.samlConnections.getSamlConnectionList()))
      expect(error.cause).toMatchObject({
        status: 400,
        errors: [
          {
            code: "not_emulated",
            longMessage: "SAMLConnections.list is not emulated by @effect-clerk/emulator (ListSAMLConnections)."
          }
        ]
      })
    }).pipe(Effect.scoped)
  )
})
