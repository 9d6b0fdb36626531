import { verifyWebhook } from "@clerk/backend/webhooks"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { Webhook } from "standardwebhooks"
import * as Emulator from "../src/Emulator.js"
import * as Invitations from "../src/resources/Invitations.js"
import { call } from "./helpers.js"

const types = (emulator: Emulator.ClerkEmulator) => emulator.webhooks.events().map((e) => e.type)

describe("webhook events", () => {
  it("records Clerk's events for users, organizations, memberships, invitations, sessions and emails", async () => {
    const emulator = Emulator.make()
    const user = (await call(emulator, "POST", "/users", { body: { email_address: ["ada@example.com"] } })).body
    await call(emulator, "PATCH", `/users/${user.id}/metadata`, { body: { public_metadata: { a: 1 } } })
    const org = (await call(emulator, "POST", "/organizations", { body: { name: "Acme", created_by: user.id } })).body
    await call(emulator, "PATCH", `/organizations/${org.id}`, { body: { name: "Acme 2" } })
    const inv = (
      await call(emulator, "POST", `/organizations/${org.id}/invitations`, {
        body: { email_address: "bob@example.com", role: "org:member" }
      })
    ).body
    const membership = Invitations.acceptOrganizationInvitation(emulator, inv.id)
    await call(
      emulator,
      "PATCH",
      `/organizations/${org.id}/memberships/${(membership["public_user_data"] as { user_id: string }).user_id}`,
      {
        body: { role: "org:admin" }
      }
    )
    const revokedInv = (
      await call(emulator, "POST", `/organizations/${org.id}/invitations`, {
        body: { email_address: "carol@example.com", role: "org:member", notify: false }
      })
    ).body
    await call(emulator, "POST", `/organizations/${org.id}/invitations/${revokedInv.id}/revoke`)
    const { sessionId } = await Effect.runPromise(emulator.sessionTokens.mint({ userId: user.id }))
    await call(emulator, "POST", `/sessions/${sessionId}/revoke`)
    await Effect.runPromise(emulator.sessionTokens.mint({ userId: user.id }))
    await call(emulator, "DELETE", `/users/${user.id}`)
    await call(emulator, "DELETE", `/organizations/${org.id}`)

    expect(types(emulator)).toEqual([
      "user.created",
      "user.updated",
      "organization.created",
      "organizationMembership.created",
      "organization.updated",
      "organizationInvitation.created",
      "email.created",
      "user.created",
      "organizationInvitation.accepted",
      "organizationMembership.created",
      "organizationMembership.updated",
      "organizationInvitation.created",
      "organizationInvitation.revoked",
      "session.created",
      "session.revoked",
      "session.created",
      "session.ended",
      "user.deleted",
      "organization.deleted"
    ])
    const events = emulator.webhooks.events()
    expect(events[0]).toMatchObject({
      object: "event",
      type: "user.created",
      data: { id: user.id },
      instance_id: "ins_emulator"
    })
    expect(events.find((e) => e.type === "session.revoked")!.data).toMatchObject({
      id: sessionId,
      status: "revoked",
      user: { id: user.id }
    })
    expect(events.find((e) => e.type === "organizationInvitation.accepted")!.data).toMatchObject({
      id: inv.id,
      status: "accepted",
      user_id: expect.stringMatching(/^user_/)
    })
    expect(events.find((e) => e.type === "email.created")!.data).toMatchObject({
      object: "email",
      to_email_address: "bob@example.com",
      slug: "organization_invitation"
    })
    expect(events.find((e) => e.type === "user.deleted")!.data).toEqual({ object: "user", id: user.id, deleted: true })
  })

  it("emits nothing for a seed, and honours an event filter", async () => {
    const emulator = Emulator.make({
      seed: { users: [{ username: "seeded" }] },
      webhooks: { events: ["user.deleted"] }
    })
    expect(types(emulator)).toEqual([])
    const created = (await call(emulator, "POST", "/users", { body: { username: "x" } })).body
    await call(emulator, "DELETE", `/users/${created.id}`)
    expect(types(emulator)).toEqual(["user.deleted"])
  })
})

describe("webhook delivery, signed as Clerk signs", () => {
  it.live("hands an in-process handler a Request that @clerk/backend's verifyWebhook accepts", () =>
    Effect.gen(function* () {
      const received: Array<{ type: string; id: unknown }> = []
      const emulator = Emulator.make({
        webhooks: {
          handler: (request) =>
            Effect.promise(async () => {
              const event = await verifyWebhook(request, { signingSecret: emulator.webhooks.secret })
              received.push({ type: event.type, id: (event.data as { id?: unknown }).id })
            })
        }
      })
      expect(emulator.webhooks.secret).toMatch(/^whsec_/)
      const user = (yield* Effect.promise(() => call(emulator, "POST", "/users", { body: { username: "ada" } }))).body
      yield* Effect.promise(() => emulator.webhooks.flush())
      expect(received).toEqual([{ type: "user.created", id: user.id }])
      const [delivery] = emulator.webhooks.deliveries()
      expect(delivery).toMatchObject({ target: "handler", status: 200, ok: true })
      expect(delivery!.headers["svix-id"]).toMatch(/^msg_/)
      expect(delivery!.headers["svix-signature"]).toMatch(/^v1,/)
      // the signature covers the payload: a changed byte fails verification
      const wh = new Webhook(emulator.webhooks.secret)
      const headers = {
        "webhook-id": delivery!.headers["svix-id"],
        "webhook-timestamp": delivery!.headers["svix-timestamp"],
        "webhook-signature": delivery!.headers["svix-signature"]
      }
      expect(wh.verify(delivery!.payload, headers)).toMatchObject({ type: "user.created" })
      expect(() => wh.verify(delivery!.payload.replace("ada", "eve"), headers)).toThrow()
    })
  )

  it.live("POSTs to a URL on 127.0.0.1 with the Svix headers and records failures", () =>
    Effect.gen(function* () {
      const bodies: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = []
      let answer = 204
      const server = createServer((req, res) => {
        let body = ""
        req.on("data", (c: Buffer) => (body += c.toString()))
        req.on("end", () => {
          bodies.push({ headers: req.headers, body })
          res.writeHead(answer).end()
        })
      })
      yield* Effect.acquireRelease(
        Effect.async<void>((resume) => {
          server.listen(0, "127.0.0.1", () => resume(Effect.void))
        }),
        () =>
          Effect.async<void>((resume) => {
            server.close(() => resume(Effect.void))
          })
      )
      const port = (server.address() as AddressInfo).port
      const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
      const emulator = Emulator.make({
        webhooks: {
          secret,
          url: `http://127.0.0.1:${port}/hooks`,
          handler: () => Effect.fail("handler is down")
        }
      })
      yield* Effect.promise(() => call(emulator, "POST", "/users", { body: { username: "a" } }))
      yield* Effect.promise(() => emulator.webhooks.flush())
      answer = 500
      yield* Effect.promise(() => call(emulator, "POST", "/users", { body: { username: "b" } }))
      yield* Effect.promise(() => emulator.webhooks.flush())

      expect(bodies).toHaveLength(2)
      const first = bodies[0]!
      expect(first.headers["content-type"]).toBe("application/json")
      const request = new Request("http://127.0.0.1/hooks", {
        method: "POST",
        headers: first.headers as Record<string, string>,
        body: first.body
      })
      const event = yield* Effect.promise(() => verifyWebhook(request, { signingSecret: secret }))
      expect(event.type).toBe("user.created")

      const outcomes = emulator.webhooks.deliveries().map((d) => [d.target, d.ok, d.status ?? d.error])
      expect(outcomes).toEqual([
        ["handler", false, expect.stringContaining("handler is down")],
        [`http://127.0.0.1:${port}/hooks`, true, 204],
        ["handler", false, expect.stringContaining("handler is down")],
        [`http://127.0.0.1:${port}/hooks`, false, 500]
      ])
    }).pipe(Effect.scoped)
  )

  it("refuses a malformed secret when the emulator is made", () => {
    expect(() => Emulator.make({ webhooks: { secret: "whsec_!!!" } })).toThrow()
  })
})
