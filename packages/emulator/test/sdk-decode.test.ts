/**
 * Every operation the emulator emulates, called through @effect-clerk/backend (which encodes the
 * request with its request schema and decodes the 2xx body with its response schema): a response
 * the SDK cannot decode fails the test as an UnexpectedResponse. The scenario table must name
 * exactly the emulated operations, so emulating a new operation means adding it here.
 */
import {
  ActorTokens,
  AllowListBlockList,
  APIKeys,
  Clerk,
  ClerkClient,
  Clients,
  Domains,
  EmailAddresses,
  Invitations,
  JWKS,
  JWTTemplates,
  M2MTokens,
  Machines,
  OAuthAccessTokens,
  OrganizationDomains,
  OrganizationInvitations,
  OrganizationMemberships,
  Organizations,
  PhoneNumbers,
  RedirectURLs,
  Sessions,
  SignInTokens,
  TestingTokens,
  Users,
  WaitlistEntries
} from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Emulator from "../src/Emulator.js"
import * as EmulatedOAuth from "../src/resources/OAuthAccessTokens.js"
import { asMachine } from "./sdk-world.js"

const TestClerk = Clerk.layer.pipe(
  Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_decode") })),
  Layer.provideMerge(Emulator.layer())
)

// what every scenario may use: a user, an organization with the user as admin, a session
const fixture = Effect.gen(function* () {
  const emulator = yield* Emulator.Emulator
  const user = yield* Users.create({ email_address: ["ada@example.com"], username: "ada", first_name: "Ada" })
  const other = yield* Users.create({ email_address: ["bob@example.com"], username: "bob" })
  const org = yield* Organizations.create({ name: "Acme", created_by: user.id })
  const { sessionId } = yield* emulator.sessionTokens.mint({ userId: user.id })
  return { emulator, user, other, org, sessionId }
})
type Fixture = Effect.Effect.Success<typeof fixture>

// an M2M token, created with a new machine's Machine Secret Key (the only key createToken takes)
const m2mToken = (f: Fixture, body: M2MTokens.CreateTokenBody = {}) =>
  Effect.flatMap(Machines.create({ name: "m2m" }), (m) =>
    M2MTokens.createToken(body).pipe(Effect.provide(asMachine(f.emulator, m.secret_key)))
  )

const scenarios: Record<string, (f: Fixture) => Effect.Effect<unknown, unknown, Clerk.Services>> = {
  "ActorTokens.create": (f) => ActorTokens.create({ user_id: f.user.id, actor: { sub: f.other.id } }),
  "ActorTokens.revoke": (f) =>
    Effect.flatMap(ActorTokens.create({ user_id: f.user.id, actor: { sub: f.other.id } }), (t) =>
      ActorTokens.revoke(t.id)
    ),
  "APIKeys.list": (f) =>
    Effect.zipRight(APIKeys.create({ name: "listed", subject: f.user.id }), APIKeys.list({ subject: f.user.id })),
  "APIKeys.create": (f) =>
    APIKeys.create({ name: "full", subject: f.org.id, claims: { a: 1 }, scopes: ["s"], created_by: f.user.id }),
  "APIKeys.get": (f) => Effect.flatMap(APIKeys.create({ name: "got", subject: f.user.id }), (k) => APIKeys.get(k.id)),
  "APIKeys.update": (f) =>
    Effect.flatMap(APIKeys.create({ name: "upd", subject: f.user.id }), (k) =>
      APIKeys.update(k.id, { description: "d", seconds_until_expiration: 60 })
    ),
  "APIKeys.delete": (f) =>
    Effect.flatMap(APIKeys.create({ name: "gone", subject: f.user.id }), (k) => APIKeys.delete(k.id)),
  "APIKeys.getSecret": (f) =>
    Effect.flatMap(APIKeys.create({ name: "sec", subject: f.user.id }), (k) => APIKeys.getSecret(k.id)),
  "APIKeys.revoke": (f) =>
    Effect.flatMap(APIKeys.create({ name: "rev", subject: f.user.id }), (k) =>
      APIKeys.revoke(k.id, { revocation_reason: "r" })
    ),
  "APIKeys.verify": (f) =>
    Effect.flatMap(APIKeys.create({ name: "ver", subject: f.user.id }), (k) => APIKeys.verify({ secret: k.secret })),
  "AllowListBlockList.listAllowlistIdentifiers": () =>
    Effect.zipRight(
      AllowListBlockList.createAllowlistIdentifier({ identifier: "*@example.com" }),
      AllowListBlockList.listAllowlistIdentifiers()
    ),
  "AllowListBlockList.createAllowlistIdentifier": () =>
    AllowListBlockList.createAllowlistIdentifier({ identifier: "+15555550100" }),
  "AllowListBlockList.deleteAllowlistIdentifier": () =>
    Effect.flatMap(AllowListBlockList.createAllowlistIdentifier({ identifier: "x@example.com" }), (i) =>
      AllowListBlockList.deleteAllowlistIdentifier(i.id!)
    ),
  "AllowListBlockList.listBlocklistIdentifiers": () =>
    Effect.zipRight(
      AllowListBlockList.createBlocklistIdentifier({ identifier: "spam@example.com" }),
      AllowListBlockList.listBlocklistIdentifiers()
    ),
  "AllowListBlockList.createBlocklistIdentifier": () =>
    AllowListBlockList.createBlocklistIdentifier({ identifier: "*@spam.example" }),
  "AllowListBlockList.deleteBlocklistIdentifier": () =>
    Effect.flatMap(AllowListBlockList.createBlocklistIdentifier({ identifier: "z@example.com" }), (i) =>
      AllowListBlockList.deleteBlocklistIdentifier(i.id!)
    ),
  "Domains.list": () => Domains.list(),
  "Domains.add": () => Domains.add({ name: "satellite.example.com", is_satellite: true }),
  "Domains.update": () =>
    Effect.flatMap(Domains.add({ name: "u.example.com", is_satellite: true }), (d) =>
      Domains.update(d.id, { proxy_url: "https://u.example.com/__clerk" })
    ),
  "Domains.delete": () =>
    Effect.flatMap(Domains.add({ name: "d.example.com", is_satellite: true }), (d) => Domains.delete(d.id)),
  "Invitations.list": () =>
    Effect.zipRight(Invitations.create({ email_address: "new@example.com" }), Invitations.list({ status: "pending" })),
  "Invitations.create": () => Invitations.create({ email_address: "inv@example.com", expires_in_days: 3 }),
  "Invitations.bulkCreate": () =>
    Invitations.bulkCreate([{ email_address: "b1@example.com" }, { email_address: "b2@example.com" }]),
  "Invitations.revoke": () =>
    Effect.flatMap(Invitations.create({ email_address: "rev@example.com" }), (i) => Invitations.revoke(i.id)),
  "JWKS.get": () => JWKS.get(),
  "RedirectURLs.list": () => Effect.zipRight(RedirectURLs.create({ url: "https://a.example/cb" }), RedirectURLs.list()),
  "RedirectURLs.create": () => RedirectURLs.create({ url: "my-app://callback" }),
  "RedirectURLs.get": () =>
    Effect.flatMap(RedirectURLs.create({ url: "https://g.example" }), (r) => RedirectURLs.get(r.id)),
  "RedirectURLs.delete": () =>
    Effect.flatMap(RedirectURLs.create({ url: "https://d.example" }), (r) => RedirectURLs.delete(r.id)),
  "Clients.list": () => Clients.list({ limit: 5 }),
  "Clients.get": (f) => Effect.flatMap(Sessions.get(f.sessionId), (s) => Clients.get(s.client_id)),
  "Clients.verify": () => Effect.flip(Clients.verify({ token: "not-a-client-token" })),
  "EmailAddresses.create": (f) =>
    EmailAddresses.create({ user_id: f.user.id, email_address: "more@example.com", verified: true, primary: true }),
  "EmailAddresses.get": (f) => EmailAddresses.get(f.user.email_addresses[0]!.id!),
  "EmailAddresses.update": (f) => EmailAddresses.update(f.user.email_addresses[0]!.id!, { verified: false }),
  "EmailAddresses.delete": (f) => EmailAddresses.delete(f.user.email_addresses[0]!.id!),
  "EmailAddresses.replaceForUser": (f) =>
    EmailAddresses.replaceForUser(f.user.id, {
      email_address: "new-ada@example.com",
      identification_status: "reserved"
    }),
  "PhoneNumbers.create": (f) =>
    PhoneNumbers.create({
      user_id: f.user.id,
      phone_number: "+15555550100",
      verified: true,
      reserved_for_second_factor: true
    }),
  "PhoneNumbers.get": (f) =>
    Effect.flatMap(PhoneNumbers.create({ user_id: f.user.id, phone_number: "+15555550101" }), (p) =>
      PhoneNumbers.get(p.id!)
    ),
  "PhoneNumbers.update": (f) =>
    Effect.flatMap(PhoneNumbers.create({ user_id: f.user.id, phone_number: "+15555550102" }), (p) =>
      PhoneNumbers.update(p.id!, { verified: true, primary: true })
    ),
  "PhoneNumbers.delete": (f) =>
    Effect.flatMap(PhoneNumbers.create({ user_id: f.user.id, phone_number: "+15555550103" }), (p) =>
      PhoneNumbers.delete(p.id!)
    ),
  "EmailAddresses.prepareVerification": (f) => EmailAddresses.prepareVerification(f.user.email_addresses[0]!.id!),
  "EmailAddresses.attemptVerification": (f) =>
    Effect.flatMap(EmailAddresses.prepareVerification(f.user.email_addresses[0]!.id!), (v) =>
      EmailAddresses.attemptVerification(f.user.email_addresses[0]!.id!, { verification_id: v.id!, code: "000000" })
    ),
  "PhoneNumbers.prepareVerification": (f) =>
    Effect.flatMap(PhoneNumbers.create({ user_id: f.user.id, phone_number: "+15555550105" }), (p) =>
      PhoneNumbers.prepareVerification(p.id!)
    ),
  "PhoneNumbers.attemptVerification": (f) =>
    Effect.flatMap(PhoneNumbers.create({ user_id: f.user.id, phone_number: "+12015550100" }), (p) =>
      Effect.flatMap(PhoneNumbers.prepareVerification(p.id!), (v) =>
        PhoneNumbers.attemptVerification(p.id!, { verification_id: v.id!, code: "424242" })
      )
    ),
  "PhoneNumbers.replaceForUser": (f) => PhoneNumbers.replaceForUser(f.user.id, { phone_number: "+15555550104" }),
  "M2MTokens.listTokens": (f) =>
    Effect.flatMap(m2mToken(f), (t) => M2MTokens.listTokens({ subject: t.subject, revoked: true })),
  "M2MTokens.createToken": (f) => m2mToken(f, { token_format: "jwt", claims: { a: 1 } }),
  "M2MTokens.revokeToken": (f) =>
    Effect.flatMap(m2mToken(f), (t) => M2MTokens.revokeToken(t.id, { revocation_reason: "r" })),
  "M2MTokens.verifyToken": (f) => Effect.flatMap(m2mToken(f), (t) => M2MTokens.verifyToken({ token: t.token })),
  "Machines.list": () => Effect.zipRight(Machines.create({ name: "listed" }), Machines.list({ order_by: "name" })),
  "Machines.create": () => Machines.create({ name: "worker", default_token_ttl: 60 }),
  "Machines.get": () => Effect.flatMap(Machines.create({ name: "got" }), (m) => Machines.get(m.id)),
  "Machines.update": () =>
    Effect.flatMap(Machines.create({ name: "old" }), (m) => Machines.update(m.id, { name: "new" })),
  "Machines.delete": () => Effect.flatMap(Machines.create({ name: "gone" }), (m) => Machines.delete(m.id)),
  "Machines.getSecretKey": () => Effect.flatMap(Machines.create({ name: "s" }), (m) => Machines.getSecretKey(m.id)),
  "Machines.rotateSecretKey": () =>
    Effect.flatMap(Machines.create({ name: "r" }), (m) => Machines.rotateSecretKey(m.id, { previous_token_ttl: 60 })),
  "Machines.createScope": () =>
    Effect.flatMap(Effect.all([Machines.create({ name: "from" }), Machines.create({ name: "to" })]), ([a, b]) =>
      Machines.createScope(a.id, { to_machine_id: b.id })
    ),
  "Machines.deleteScope": () =>
    Effect.flatMap(Machines.create({ name: "to" }), (b) =>
      Effect.flatMap(Machines.create({ name: "from", scoped_machines: [b.id] }), (a) =>
        Machines.deleteScope(a.id, b.id)
      )
    ),
  "OAuthAccessTokens.verify": (f) =>
    Effect.flatMap(EmulatedOAuth.issue(f.emulator, { userId: f.user.id, scopes: ["email"] }), (t) =>
      OAuthAccessTokens.verify({ access_token: t.token })
    ),
  "OrganizationDomains.create": (f) => OrganizationDomains.create(f.org.id, { name: "acme.com" }),
  "OrganizationDomains.list": (f) =>
    Effect.zipRight(
      OrganizationDomains.create(f.org.id, { name: "acme.dev", verified: false }),
      OrganizationDomains.list(f.org.id, { verified: "false" })
    ),
  "OrganizationDomains.listAll": (f) =>
    Effect.zipRight(
      OrganizationDomains.create(f.org.id, { name: "acme.io" }),
      OrganizationDomains.listAll({ enrollment_mode: ["-enterprise_sso"], order_by: "name" })
    ),
  "OrganizationDomains.update": (f) =>
    Effect.flatMap(OrganizationDomains.create(f.org.id, { name: "acme.net" }), (d) =>
      OrganizationDomains.update(f.org.id, d.id, { enrollment_mode: "automatic_invitation" })
    ),
  "OrganizationDomains.delete": (f) =>
    Effect.flatMap(OrganizationDomains.create(f.org.id, { name: "acme.org" }), (d) =>
      OrganizationDomains.delete(f.org.id, d.id)
    ),
  "OrganizationDomains.verifyOwnership": (f) =>
    Effect.flatMap(OrganizationDomains.create(f.org.id, { name: "acme.app" }), (d) =>
      OrganizationDomains.verifyOwnership(f.org.id, d.id)
    ),
  "OrganizationInvitations.getAll": (f) =>
    Effect.zipRight(
      OrganizationInvitations.create(f.org.id, { email_address: "x@example.com", role: "org:member" }),
      OrganizationInvitations.getAll()
    ),
  "OrganizationInvitations.list": (f) =>
    Effect.zipRight(
      OrganizationInvitations.create(f.org.id, { email_address: "y@example.com", role: "org:member" }),
      OrganizationInvitations.list(f.org.id)
    ),
  "OrganizationInvitations.create": (f) =>
    OrganizationInvitations.create(f.org.id, {
      email_address: "c@example.com",
      role: "org:admin",
      inviter_user_id: f.user.id
    }),
  "OrganizationInvitations.bulkCreate": (f) =>
    OrganizationInvitations.bulkCreate(f.org.id, [
      { email_address: "o1@example.com", role: "org:member" },
      { email_address: "o2@example.com", role: "org:admin" }
    ]),
  "OrganizationInvitations.listPending": (f) => OrganizationInvitations.listPending(f.org.id),
  "OrganizationInvitations.get": (f) =>
    Effect.flatMap(
      OrganizationInvitations.create(f.org.id, { email_address: "g@example.com", role: "org:member" }),
      (i) => OrganizationInvitations.get(f.org.id, i.id)
    ),
  "OrganizationInvitations.revoke": (f) =>
    Effect.flatMap(
      OrganizationInvitations.create(f.org.id, { email_address: "r@example.com", role: "org:member" }),
      (i) => OrganizationInvitations.revoke(f.org.id, i.id)
    ),
  "OrganizationMemberships.list": (f) => OrganizationMemberships.list(f.org.id, { order_by: "-username" }),
  "OrganizationMemberships.create": (f) =>
    OrganizationMemberships.create(f.org.id, { user_id: f.other.id, role: "org:member" }),
  "OrganizationMemberships.update": (f) => OrganizationMemberships.update(f.org.id, f.user.id, { role: "org:member" }),
  "OrganizationMemberships.delete": (f) => OrganizationMemberships.delete(f.org.id, f.user.id),
  "OrganizationMemberships.updateMetadata": (f) =>
    OrganizationMemberships.updateMetadata(f.org.id, f.user.id, { public_metadata: { team: "core" } }),
  "OrganizationMemberships.listInstance": () => OrganizationMemberships.listInstance(),
  "Organizations.list": () => Organizations.list({ include_members_count: true }),
  "Organizations.create": () => Organizations.create({ name: "Globex", slug: "globex" }),
  "Organizations.get": (f) => Organizations.get(f.org.slug),
  "Organizations.update": (f) => Organizations.update(f.org.id, { name: "Acme Inc" }),
  "Organizations.delete": (f) => Organizations.delete(f.org.id),
  "Organizations.replaceMetadata": (f) => Organizations.replaceMetadata(f.org.id, { public_metadata: { a: 1 } }),
  "Organizations.uploadLogo": (f) =>
    Organizations.uploadLogo(f.org.id, {
      file: new Blob([new Uint8Array([1, 2, 3])], { type: "image/webp" }),
      uploader_user_id: f.user.id
    }),
  "Organizations.deleteLogo": (f) => Organizations.deleteLogo(f.org.id),
  "Organizations.mergeMetadata": (f) => Organizations.mergeMetadata(f.org.id, { private_metadata: { b: 2 } }),
  "Sessions.list": (f) => Sessions.list({ user_id: f.user.id }),
  "Sessions.get": (f) => Sessions.get(f.sessionId),
  "Sessions.revoke": (f) => Sessions.revoke(f.sessionId),
  "Sessions.createToken": (f) => Sessions.createToken(f.sessionId, { expires_in_seconds: 120 }),
  "Sessions.create": (f) => Sessions.create({ user_id: f.user.id, active_organization_id: f.org.id }),
  "Sessions.createTokenFromTemplate": (f) =>
    Effect.zipRight(
      JWTTemplates.create({ name: "t", claims: { email: "{{user.primary_email_address}}" } }),
      Sessions.createTokenFromTemplate(f.sessionId, "t", {})
    ),
  "Sessions.refresh": (f) =>
    Effect.flatMap(Sessions.createToken(f.sessionId, {}), ({ jwt }) =>
      Sessions.refresh(f.sessionId, { expired_token: jwt!, refresh_token: "r", request_origin: "https://a.example" })
    ),
  "JWTTemplates.list": () => Effect.zipRight(JWTTemplates.create({ name: "l", claims: {} }), JWTTemplates.list()),
  "JWTTemplates.create": () => JWTTemplates.create({ name: "c", claims: { a: "{{user.id}}" }, lifetime: 120 }),
  "JWTTemplates.get": () =>
    Effect.flatMap(JWTTemplates.create({ name: "g", claims: {} }), (t) => JWTTemplates.get(t.id)),
  "JWTTemplates.update": () =>
    Effect.flatMap(JWTTemplates.create({ name: "u", claims: {} }), (t) =>
      JWTTemplates.update(t.id, { name: "u2", claims: { b: 1 } })
    ),
  "JWTTemplates.delete": () =>
    Effect.flatMap(JWTTemplates.create({ name: "d", claims: {} }), (t) => JWTTemplates.delete(t.id)),
  "SignInTokens.create": (f) => SignInTokens.create({ user_id: f.user.id, org_id: f.org.id, expires_in_seconds: 60 }),
  "SignInTokens.revoke": (f) =>
    Effect.flatMap(SignInTokens.create({ user_id: f.user.id }), (t) => SignInTokens.revoke(t.id)),
  "TestingTokens.create": () => TestingTokens.create(),
  "Users.create": () => Users.create({ email_address: ["new@example.com"], password: "correct horse battery" }),
  "Users.list": () => Users.list({ query: "ada", order_by: "-created_at", limit: 5 }),
  "Users.count": () => Users.count({ banned: false }),
  "Users.get": (f) => Users.get(f.user.id),
  "Users.update": (f) => Users.update(f.user.id, { last_name: "Lovelace" }),
  "Users.delete": (f) => Users.delete(f.other.id),
  "Users.updateMetadata": (f) => Users.updateMetadata(f.user.id, { public_metadata: { plan: "pro" } }),
  "Users.replaceMetadata": (f) => Users.replaceMetadata(f.user.id, { private_metadata: { x: 1 } }),
  "Users.ban": (f) => Users.ban(f.user.id),
  "Users.unban": (f) => Users.unban(f.user.id),
  "Users.bulkBan": (f) => Users.bulkBan({ user_ids: [f.user.id, f.other.id] }),
  "Users.bulkUnban": (f) => Users.bulkUnban({ user_ids: [f.user.id] }),
  "Users.lock": (f) => Users.lock(f.user.id),
  "Users.unlock": (f) => Users.unlock(f.user.id),
  "Users.getOrganizationMemberships": (f) => Users.getOrganizationMemberships(f.user.id),
  "Users.verifyPassword": () =>
    Effect.flatMap(Users.create({ password: "correct horse battery" }), (u) =>
      Users.verifyPassword(u.id, { password: "correct horse battery" })
    ),
  "Users.verifyTotp": () =>
    Effect.flatMap(Users.create({ backup_codes: ["one-two"] }), (u) => Users.verifyTotp(u.id, { code: "one-two" })),
  "Users.removePassword": (f) => Users.removePassword(f.user.id, { sign_out_of_other_sessions: false }),
  "Users.setPasswordCompromised": () =>
    Effect.flatMap(Users.create({ password: "correct horse battery" }), (u) => Users.setPasswordCompromised(u.id)),
  "Users.unsetPasswordCompromised": () =>
    Effect.flatMap(Users.create({ password: "correct horse battery" }), (u) => Users.unsetPasswordCompromised(u.id)),
  "Users.deleteTOTP": (f) => Users.deleteTOTP(f.user.id),
  "Users.deleteBackupCodes": (f) => Users.deleteBackupCodes(f.user.id),
  "Users.disableMfa": (f) => Users.disableMfa(f.user.id),
  "Users.deleteWeb3Wallet": () =>
    Effect.flatMap(Users.create({ web3_wallet: ["0x1111111111111111111111111111111111111111"] }), (u) =>
      Users.deleteWeb3Wallet(u.id, u.web3_wallets[0]!.id!)
    ),
  "Users.deleteExternalAccount": (f) => Effect.flip(Users.deleteExternalAccount(f.user.id, "eac_none")),
  "Users.deletePasskey": (f) => Effect.flip(Users.deletePasskey(f.user.id, "idn_none")),
  "Users.getOAuthAccessToken": (f) => Users.getOAuthAccessToken(f.user.id, "oauth_github", { paginated: true }),
  "Users.listTrustedDevices": (f) => Users.listTrustedDevices(f.user.id),
  "Users.revokeTrustedDevice": (f) => Effect.flip(Users.revokeTrustedDevice(f.user.id, "td_none")),
  "Users.setProfileImage": (f) =>
    Users.setProfileImage(f.user.id, { file: new Blob([new Uint8Array([1, 2, 3])], { type: "image/png" }) }),
  "Users.deleteProfileImage": (f) => Users.deleteProfileImage(f.user.id),
  "WaitlistEntries.list": () =>
    Effect.zipRight(WaitlistEntries.create({ email_address: "w@example.com" }), WaitlistEntries.list({ limit: 5 })),
  "WaitlistEntries.create": () => WaitlistEntries.create({ email_address: "w@example.com", notify: false }),
  "WaitlistEntries.bulkCreate": () =>
    WaitlistEntries.bulkCreate([{ email_address: "w1@example.com" }, { email_address: "w2@example.com" }]),
  "WaitlistEntries.delete": () =>
    Effect.flatMap(WaitlistEntries.create({ email_address: "w@example.com" }), (e) => WaitlistEntries.delete(e.id)),
  "WaitlistEntries.invite": () =>
    Effect.flatMap(WaitlistEntries.create({ email_address: "w@example.com" }), (e) => WaitlistEntries.invite(e.id, {})),
  "WaitlistEntries.reject": () =>
    Effect.flatMap(WaitlistEntries.create({ email_address: "w@example.com" }), (e) => WaitlistEntries.reject(e.id)),
  "Users.getOrganizationInvitations": (f) =>
    Effect.zipRight(
      OrganizationInvitations.create(f.org.id, { email_address: "bob@example.com", role: "org:member" }),
      Users.getOrganizationInvitations(f.other.id)
    )
}

describe("every emulated operation, through @effect-clerk/backend", () => {
  it("the scenario table names exactly the emulated operations", () => {
    expect(Object.keys(scenarios).sort()).toEqual(
      Emulator.emulatedOperations()
        .map((o) => o.name)
        .sort()
    )
  })

  for (const [name, run] of Object.entries(scenarios)) {
    it.effect(`${name}: the SDK's request is accepted and its response schema decodes the answer`, () =>
      Effect.gen(function* () {
        const result = yield* Effect.either(Effect.flatMap(fixture, run))
        if (result._tag === "Left") expect.fail(`${name} failed: ${JSON.stringify(result.left)}`)
        expect(result.right).toBeDefined()
      }).pipe(Effect.provide(TestClerk))
    )
  }
})
