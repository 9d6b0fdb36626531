/**
 * The emulator's webhooks against @effect-clerk/auth: every event the emulator emits for a day of
 * ordinary changes verifies with `Webhook.make` (its Svix signature, over the exact bytes sent) and
 * decodes to its own generated event type, never to `UnknownEvent`. The two packages were written
 * apart from each other (issue 9, issue 10); this is where they must agree.
 */
import { Webhook } from "@effect-clerk/auth"
import { ClerkClient, Organizations, OrganizationInvitations, Sessions, Users } from "@effect-clerk/backend"
import { Emulator, Resources } from "@effect-clerk/emulator"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

const secret = "whsec_" + Buffer.from("effect-clerk emulator webhooks test").toString("base64")

const Clerk = Layer.mergeAll(Users.layer, Organizations.layer, OrganizationInvitations.layer, Sessions.layer).pipe(
  Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_emulator") })),
  Layer.provideMerge(Emulator.layer({ webhooks: { secret, handler: () => Effect.void } }))
)

describe("emulator webhooks, verified and decoded by @effect-clerk/auth", () => {
  // live clock: the signatures carry the real time, which the verifier checks against its Clock
  it.live("every delivery verifies and decodes to the event type it was sent as", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const user = yield* Users.create({ email_address: ["ada@example.com"], username: "ada" })
      yield* Users.updateMetadata(user.id, { public_metadata: { plan: "pro" } })
      const org = yield* Organizations.create({ name: "Acme", created_by: user.id })
      yield* Organizations.update(org.id, { name: "Acme Inc" })
      const invitation = yield* OrganizationInvitations.create(org.id, {
        email_address: "bob@example.com",
        role: "org:member"
      })
      Resources.Invitations.acceptOrganizationInvitation(emulator, invitation.id)
      const { sessionId } = yield* emulator.sessionTokens.mint({ userId: user.id })
      yield* Sessions.revoke(sessionId)
      yield* Organizations.delete(org.id)
      yield* Users.delete(user.id)
      yield* Effect.promise(() => emulator.webhooks.flush())

      const deliveries = emulator.webhooks.deliveries()
      const sent = deliveries.map((d) => d.event.type)
      // the kinds of event this scenario must produce, each at least once
      for (const type of [
        "user.created",
        "user.updated",
        "user.deleted",
        "organization.created",
        "organization.updated",
        "organization.deleted",
        "organizationMembership.created",
        "organizationInvitation.created",
        "organizationInvitation.accepted",
        "email.created",
        "session.created",
        "session.revoked"
      ]) {
        expect(sent).toContain(type)
      }

      const verifier = yield* Webhook.make({ secret: Redacted.make(secret) })
      for (const delivery of deliveries) {
        const verified = yield* verifier.verify(new TextEncoder().encode(delivery.payload), delivery.headers)
        expect(verified.id).toBe(delivery.headers["svix-id"])
        expect(verified.event.type).toBe(delivery.event.type)
      }

      // and a changed byte is refused, so the loop above could fail
      const first = deliveries[0]!
      const tampered = yield* Effect.flip(verifier.verify(first.payload.replace("ada", "eve"), first.headers))
      expect(tampered._tag).toBe("WebhookVerificationError")
    }).pipe(Effect.provide(Clerk))
  )
})
