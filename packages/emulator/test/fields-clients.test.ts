/**
 * What test/fields.test.ts holds for every field, seen by the clients an app uses (issue 19 item 3):
 * our SDK and Clerk's `@clerk/backend`. `Users.create`'s `web3_wallet`, which it used to drop, is
 * stored; a field the emulator does not model is refused by name (`Users.update`'s `totp_secret`);
 * a field Clerk only checks is checked
 * (`requesting_user_id` and `inviter_user_id` must be an organization's admin); `notify` on the
 * allow-list sends the invitation Clerk sends, recorded as its webhook event.
 */
import { createClerkClient } from "@clerk/backend"
import { AllowListBlockList, Clerk, ClerkClient, OrganizationInvitations, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Emulator from "../src/Emulator.js"
import * as EmulatorServer from "../src/EmulatorServer.js"
import { call, SECRET_KEY } from "./helpers.js"

const WALLET = "0x1111111111111111111111111111111111111111"

// an organization created by `admin`, of which `member` is a member only, and a pending invitation
const world = async (emulator: Emulator.ClerkEmulator) => {
  const post = async (path: string, body: unknown) => (await call(emulator, "POST", path, { body })).body
  const admin = await post("/users", { email_address: ["admin@example.com"] })
  const member = await post("/users", { email_address: ["member@example.com"] })
  const org = await post("/organizations", { name: "Acme", created_by: admin.id })
  await post(`/organizations/${org.id}/memberships`, { user_id: member.id, role: "org:member" })
  const invitation = await post(`/organizations/${org.id}/invitations`, {
    email_address: "new@example.com",
    role: "org:member"
  })
  return { admin, member, org, invitation }
}

const sdk = (emulator: Emulator.ClerkEmulator) =>
  Clerk.layer.pipe(
    Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make(SECRET_KEY), retry: false })),
    Layer.provideMerge(Emulator.layerWith(emulator))
  )

describe("request fields, through our SDK", () => {
  it.effect("Users.create stores web3_wallet (it was dropped); Users.update refuses totp_secret by name", () =>
    Effect.gen(function* () {
      const layer = sdk(Emulator.make())
      const ada = yield* Users.create({ email_address: ["ada@example.com"], web3_wallet: [WALLET] }).pipe(
        Effect.provide(layer)
      )
      expect(ada.web3_wallets.map((w) => w.web3_wallet)).toEqual([WALLET])
      expect(ada.primary_web3_wallet_id).toBe(ada.web3_wallets[0]!.id)
      const error = yield* Effect.flip(
        Users.update(ada.id, { first_name: "Ada", totp_secret: "JBSWY3DPEHPK3PXP" }).pipe(Effect.provide(layer))
      )
      expect(error._tag).toBe("UnprocessableEntity")
      expect(error._tag === "UnprocessableEntity" && error.errors[0]).toMatchObject({
        code: "not_emulated",
        meta: { param_name: "totp_secret", operation: "Users.update" }
      })
      // nothing of the refused request is applied
      expect((yield* Users.get(ada.id).pipe(Effect.provide(layer))).first_name).toBeNull()
    })
  )

  it.effect("OrganizationInvitations.revoke: requesting_user_id must be an admin (Forbidden), an admin revokes", () =>
    Effect.gen(function* () {
      const emulator = Emulator.make()
      const w = yield* Effect.promise(() => world(emulator))
      const layer = sdk(emulator)
      const denied = yield* Effect.flip(
        OrganizationInvitations.revoke(w.org.id, w.invitation.id, { requesting_user_id: w.member.id }).pipe(
          Effect.provide(layer)
        )
      )
      expect(denied).toMatchObject({ _tag: "Forbidden", status: 403 })
      expect(denied._tag === "Forbidden" && denied.errors[0]).toMatchObject({
        code: "authorization_invalid",
        meta: { param_name: "requesting_user_id" }
      })
      const unknown = yield* Effect.flip(
        OrganizationInvitations.revoke(w.org.id, w.invitation.id, { requesting_user_id: "user_missing" }).pipe(
          Effect.provide(layer)
        )
      )
      expect(unknown).toMatchObject({ status: 422, errors: [{ code: "form_param_value_invalid" }] })
      const revoked = yield* OrganizationInvitations.revoke(w.org.id, w.invitation.id, {
        requesting_user_id: w.admin.id
      }).pipe(Effect.provide(layer))
      expect(revoked.status).toBe("revoked")
    })
  )

  it.effect("OrganizationInvitations.create: inviter_user_id must be an admin", () =>
    Effect.gen(function* () {
      const emulator = Emulator.make()
      const w = yield* Effect.promise(() => world(emulator))
      const denied = yield* Effect.flip(
        OrganizationInvitations.create(w.org.id, {
          email_address: "other@example.com",
          role: "org:member",
          inviter_user_id: w.member.id
        }).pipe(Effect.provide(sdk(emulator)))
      )
      expect(denied).toMatchObject({ _tag: "Forbidden", errors: [{ meta: { param_name: "inviter_user_id" } }] })
    })
  )

  it.effect("AllowListBlockList.createAllowlistIdentifier with notify records the email or the text message", () =>
    Effect.gen(function* () {
      const emulator = Emulator.make({ webhooks: { url: [] } })
      const layer = sdk(emulator)
      for (const identifier of ["ada@example.com", "+15555550123", "*@example.org", "bob@example.com"]) {
        yield* AllowListBlockList.createAllowlistIdentifier({
          identifier,
          notify: identifier !== "bob@example.com"
        }).pipe(Effect.provide(layer))
      }
      // Clerk: notify "only works for email address and phone number identifiers"; false sends nothing
      expect(
        emulator.webhooks
          .events()
          .map((e) => [e.type, (e.data as any).to_email_address ?? (e.data as any).to_phone_number])
      ).toEqual([
        ["email.created", "ada@example.com"],
        ["sms.created", "+15555550123"]
      ])
    })
  )
})

describe("request fields, through @clerk/backend", () => {
  it.live("web3Wallet is stored, totpSecret refused by name; requestingUserId is checked; notify invites", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: SECRET_KEY, webhooks: { url: [] } })
      const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl: server.origin })
      const w = yield* Effect.promise(() => world(server.emulator))

      // CreateUserParams does not declare web3Wallet, yet @clerk/backend sends every key it is given
      // (snake-cased), as an app's untyped call would
      const params = { emailAddress: ["ada@example.com"], web3Wallet: [WALLET] }
      const ada = yield* Effect.promise(() =>
        clerk.users.createUser(params as Parameters<typeof clerk.users.createUser>[0])
      )
      expect(ada.web3Wallets.map((w) => w.web3Wallet)).toEqual([WALLET])
      const totp = yield* Effect.flip(
        Effect.tryPromise(() => clerk.users.updateUser(ada.id, { totpSecret: "JBSWY3DPEHPK3PXP" }))
      )
      expect(totp.error).toMatchObject({
        status: 422,
        errors: [{ code: "not_emulated", meta: { paramName: "totp_secret" } }]
      })

      const denied = yield* Effect.flip(
        Effect.tryPromise(() =>
          clerk.organizations.revokeOrganizationInvitation({
            organizationId: w.org.id,
            invitationId: w.invitation.id,
            requestingUserId: w.member.id
          })
        )
      )
      expect(denied.error).toMatchObject({ status: 403, errors: [{ code: "authorization_invalid" }] })
      const revoked = yield* Effect.promise(() =>
        clerk.organizations.revokeOrganizationInvitation({
          organizationId: w.org.id,
          invitationId: w.invitation.id,
          requestingUserId: w.admin.id
        })
      )
      expect(revoked.status).toBe("revoked")

      yield* Effect.promise(() =>
        clerk.allowlistIdentifiers.createAllowlistIdentifier({ identifier: "carol@example.com", notify: true })
      )
      const emails = server.emulator.webhooks.events().filter((e) => e.type === "email.created")
      expect(emails.map((e) => (e.data as any).to_email_address)).toContain("carol@example.com")
    }).pipe(Effect.scoped)
  )
})
