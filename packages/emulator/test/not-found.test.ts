/**
 * Two 404s that must not be confused: a method and path that are no operation (the router's
 * `noRoute`, whose message names the request) and an unknown id of an emulated resource (404
 * `resource_not_found`, as Clerk answers). And a method no operation has (`TRACE`) answers the
 * first, Clerk-shaped, on every entry point: never a 500 with an empty body.
 */
import { createClerkClient } from "@clerk/backend"
import { Clerk, ClerkClient, Sessions } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { request as httpRequest } from "node:http"
import * as Emulator from "../src/Emulator.js"
import * as EmulatorServer from "../src/EmulatorServer.js"
import { call, SECRET_KEY, setup } from "./helpers.js"

const concrete = (path: string) => path.replace(/\{([^}]+)\}/g, (_, name: string) => `${name}_missing`)

const image = () => {
  const form = new FormData()
  form.set("file", new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" }), "logo.png")
  return form
}

// a valid body for the operations that require one, so that the id is what fails
const bodies: Record<string, unknown> = {
  "EmailAddresses.attemptVerification": { verification_id: "ver_missing", code: "424242" },
  "EmailAddresses.replaceForUser": { email_address: "x@example.com" },
  "Organizations.uploadLogo": image(),
  "PhoneNumbers.attemptVerification": { verification_id: "ver_missing", code: "424242" },
  "PhoneNumbers.replaceForUser": { phone_number: "+15555550100" },
  "Users.setProfileImage": image(),
  "Users.verifyPassword": { password: "correct horse battery" },
  "Users.verifyTotp": { code: "123456" },
  "OrganizationInvitations.create": { email_address: "x@example.com", role: "org:member" },
  "OrganizationInvitations.bulkCreate": [{ email_address: "x@example.com", role: "org:member" }],
  "OrganizationMemberships.create": { user_id: "user_missing", role: "org:member" },
  "OrganizationMemberships.update": { role: "org:member" },
  "Machines.rotateSecretKey": { previous_token_ttl: 0 },
  "Machines.createScope": { to_machine_id: "mch_other" }
}

const isNoRoute = (body: { errors: Array<{ long_message: string }> }) =>
  body.errors[0]!.long_message.startsWith("No operation of the Backend API is")

describe("an unknown id of an emulated resource", () => {
  const withNotFound = Emulator.emulatedOperations().filter((o) => o.pathParams.length > 0 && o.errors.includes(404))

  it("is checked for every emulated operation that documents a 404", () => {
    expect(withNotFound.map((o) => o.name)).toEqual(expect.arrayContaining(["Sessions.get", "Sessions.revoke"]))
  })

  for (const operation of withNotFound) {
    it(`${operation.name}: 404 resource_not_found, not the body of an unrouted path`, async () => {
      const { emulator } = setup()
      const reply = await call(emulator, operation.method, concrete(operation.path), {
        body: bodies[operation.name] ?? (operation.body === undefined ? undefined : {})
      })
      expect(reply.status).toBe(404)
      expect(reply.body.errors[0].code).toBe("resource_not_found")
      expect(isNoRoute(reply.body)).toBe(false)
    })
  }

  it("a path that is no operation answers a 404 that names the request", async () => {
    const { emulator } = setup()
    const reply = await call(emulator, "GET", "/sessions/sess_1/nothing")
    expect(reply.status).toBe(404)
    expect(reply.body.errors[0]).toEqual({
      message: "not found",
      long_message: "No operation of the Backend API is GET /v1/sessions/sess_1/nothing.",
      code: "resource_not_found"
    })
  })

  it.effect("GetSession and RevokeSession fail with NotFound through @effect-clerk/backend", () =>
    Effect.gen(function* () {
      const get = yield* Effect.flip(Sessions.get("sess_missing"))
      expect(get._tag).toBe("NotFound")
      const revoke = yield* Effect.flip(Sessions.revoke("sess_missing"))
      expect(revoke._tag).toBe("NotFound")
      if (revoke._tag === "NotFound") expect(revoke.errors[0]?.code).toBe("resource_not_found")
    }).pipe(
      Effect.provide(
        Clerk.layer.pipe(
          Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make(SECRET_KEY) })),
          Layer.provideMerge(Emulator.layer())
        )
      )
    )
  )

  it.live("GetSession and RevokeSession answer resource_not_found to @clerk/backend", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: SECRET_KEY })
      const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl: server.origin })
      for (const attempt of [
        () => clerk.sessions.getSession("sess_missing"),
        () => clerk.sessions.revokeSession("sess_missing")
      ]) {
        const failure = yield* Effect.flip(Effect.tryPromise(attempt))
        const error = failure.error as { status?: number; errors?: Array<{ code: string; longMessage?: string }> }
        expect(error.status).toBe(404)
        expect(error.errors?.[0]?.code).toBe("resource_not_found")
        expect(error.errors?.[0]?.longMessage).toBe("Resource not found")
      }
    }).pipe(Effect.scoped)
  )
})

// node:http sends any method, where fetch refuses TRACE and CONNECT before sending anything
const send = (url: string, method: string) =>
  new Promise<{ status: number; contentType: string | undefined; body: string }>((resolve, reject) => {
    const req = httpRequest(
      url,
      { method, headers: { authorization: `Bearer ${SECRET_KEY}` }, timeout: 5_000 },
      (res) => {
        let body = ""
        res.setEncoding("utf8")
        res.on("data", (chunk: string) => (body += chunk))
        res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"], body }))
      }
    )
    // a CONNECT's answer comes as a `connect` event, its body on the socket
    req.on("connect", (res, socket, head) => {
      let body = head.toString("utf8")
      socket.setEncoding("utf8")
      socket.on("data", (chunk: string) => (body += chunk))
      socket.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"], body }))
    })
    req.on("timeout", () => req.destroy(new Error("timed out")))
    req.on("error", reject)
    req.end()
  })

describe("a method no operation has", () => {
  it.live("TRACE, CONNECT, PROPFIND, OPTIONS and PUT /v1/users answer a Clerk-shaped 404 on the server", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: SECRET_KEY })
      for (const method of ["TRACE", "CONNECT", "PROPFIND", "OPTIONS", "PUT"]) {
        const reply = yield* Effect.promise(() => send(`${server.url}/users`, method))
        expect(reply.status, method).toBe(404)
        expect(reply.contentType, method).toContain("application/json")
        const body = JSON.parse(reply.body) as { errors: Array<{ code: string; long_message: string }> }
        expect(body.errors[0]!.code, method).toBe("resource_not_found")
        expect(body.errors[0]!.long_message, method).toBe(`No operation of the Backend API is ${method} /v1/users.`)
      }
    }).pipe(Effect.scoped)
  )

  it.live("a method Node's HTTP parser does not know (TRACK) answers a Clerk-shaped 400, not an empty one", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: SECRET_KEY })
      const reply = yield* Effect.promise(() => send(`${server.url}/users`, "TRACK"))
      expect(reply.status).toBe(400)
      expect(reply.contentType).toContain("application/json")
      expect((JSON.parse(reply.body) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe("malformed_request")
    }).pipe(Effect.scoped)
  )

  it("the in-memory fetch answers TRACE the same way instead of a 500", async () => {
    const { emulator } = setup()
    const reply = await emulator.fetch("https://api.clerk.com/v1/users", {
      method: "TRACE",
      headers: { authorization: `Bearer ${SECRET_KEY}` }
    })
    expect(reply.status).toBe(404)
    const body = (await reply.json()) as { errors: Array<{ code: string; long_message: string }> }
    expect(body.errors[0]).toMatchObject({
      code: "resource_not_found",
      long_message: "No operation of the Backend API is TRACE /v1/users."
    })
  })
})
