/**
 * A client we did not write: Clerk's own `@clerk/backend` (a devDependency of these tests only)
 * pointed at EmulatorServer. Each call goes through its request building and response parsing.
 */
import { createClerkClient } from "@clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { SignJWT } from "jose"
import * as Emulator from "../src/Emulator.js"
import * as EmulatorServer from "../src/EmulatorServer.js"
import * as EmulatedOAuth from "../src/resources/OAuthAccessTokens.js"
import * as Secrets from "../src/resources/users/secrets.js"
import { call, SECRET_KEY } from "./helpers.js"
import { build, inOrder, LISTS } from "./order-world.js"

const SECRET = "sk_test_clerk_backend_compat"
const TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
const png = () => new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" })
const code = (error: unknown) => (error as { errors?: Array<{ code: string }> }).errors?.[0]?.code

/** A server for one test and Clerk's client configured for it. */
const connect = Effect.map(EmulatorServer.serve({ secretKey: SECRET }), (server) => ({
  server,
  clerk: createClerkClient({ secretKey: SECRET, apiUrl: server.origin })
}))
/** A call of Clerk's client that must succeed. */
const run = <A>(f: () => Promise<A>) => Effect.promise(f)
/** A call of Clerk's client that must fail: what it threw. */
const fail = <A>(f: () => Promise<A>) => Effect.map(Effect.flip(Effect.tryPromise(f)), (e) => e.error)

describe("@clerk/backend against EmulatorServer", () => {
  it.live("users, metadata, organizations, memberships, invitations and actor tokens", () =>
    Effect.gen(function* () {
      const { clerk } = yield* connect

      const ada = yield* run(() =>
        clerk.users.createUser({
          emailAddress: ["ada@example.com"],
          firstName: "Ada",
          lastName: "Lovelace",
          password: "correct horse battery"
        })
      )
      expect(ada.id).toMatch(/^user_/)
      expect(ada.firstName).toBe("Ada")
      expect(ada.primaryEmailAddress?.emailAddress).toBe("ada@example.com")
      const bob = yield* run(() => clerk.users.createUser({ emailAddress: ["bob@example.com"], username: "bob" }))

      const fetched = yield* run(() => clerk.users.getUser(ada.id))
      expect(fetched.id).toBe(ada.id)
      expect(fetched.createdAt).toBe(ada.createdAt)

      const list = yield* run(() => clerk.users.getUserList({ query: "ada@", limit: 10 }))
      expect(list.totalCount).toBe(1)
      expect(list.data.map((u) => u.id)).toEqual([ada.id])
      const all = yield* run(() => clerk.users.getUserList({ orderBy: "+created_at" }))
      expect(all.data.map((u) => u.id)).toEqual([ada.id, bob.id])

      yield* run(() =>
        clerk.users.updateUserMetadata(ada.id, { publicMetadata: { plan: "pro", prefs: { theme: "dark" } } })
      )
      const merged = yield* run(() =>
        clerk.users.updateUserMetadata(ada.id, { publicMetadata: { prefs: { lang: "en" } } })
      )
      expect(merged.publicMetadata).toEqual({ plan: "pro", prefs: { theme: "dark", lang: "en" } })

      const org = yield* run(() => clerk.organizations.createOrganization({ name: "Acme", createdBy: ada.id }))
      expect(org.slug).toBe("acme")
      const membership = yield* run(() =>
        clerk.organizations.createOrganizationMembership({ organizationId: org.id, userId: bob.id, role: "org:member" })
      )
      expect(membership.role).toBe("org:member")
      expect(membership.organization.id).toBe(org.id)
      expect(membership.publicUserData?.userId).toBe(bob.id)

      const invitation = yield* run(() => clerk.invitations.createInvitation({ emailAddress: "carol@example.com" }))
      expect(invitation.status).toBe("pending")
      expect(invitation.emailAddress).toBe("carol@example.com")

      const token = yield* run(() => clerk.actorTokens.create({ userId: bob.id, actor: { sub: ada.id } }))
      expect(token.status).toBe("pending")
      const revoked = yield* run(() => clerk.actorTokens.revoke(token.id))
      expect(revoked.status).toBe("revoked")

      // Clerk's SDK turns the emulator's errors into its own ClerkAPIResponseError, code and status kept
      const missing = yield* fail(() => clerk.users.getUser("user_missing"))
      expect((missing as { status?: number }).status).toBe(404)
      expect(code(missing)).toBe("resource_not_found")
      const taken = yield* fail(() => clerk.users.createUser({ emailAddress: ["ADA@example.com"] }))
      expect(code(taken)).toBe("form_identifier_exists")
    }).pipe(Effect.scoped)
  )

  it.live("sessions from outside: testing sessions, their tokens, JWT templates, sign-in and testing tokens", () =>
    Effect.gen(function* () {
      const { clerk } = yield* connect

      const ada = yield* run(() => clerk.users.createUser({ emailAddress: ["ada@example.com"], firstName: "Ada" }))
      const session = yield* run(() => clerk.sessions.createSession({ userId: ada.id }))
      expect(session.status).toBe("active")
      const sessions = yield* run(() => clerk.sessions.getSessionList({ userId: ada.id }))
      expect(sessions.data.map((s) => s.id)).toEqual([session.id])

      const token = yield* run(() => clerk.sessions.getToken(session.id))
      expect(token.jwt.split(".")).toHaveLength(3)
      const template = yield* run(() =>
        clerk.jwtTemplates.create({ name: "api", claims: { email: "{{user.primary_email_address}}" } })
      )
      expect(template.name).toBe("api")
      expect((yield* run(() => clerk.jwtTemplates.list())).data.map((t) => t.id)).toEqual([template.id])
      const fromTemplate = yield* run(() => clerk.sessions.getToken(session.id, "api"))
      const claims = JSON.parse(Buffer.from(fromTemplate.jwt.split(".")[1]!, "base64url").toString())
      expect(claims).toMatchObject({ email: "ada@example.com", sub: ada.id })
      const refreshed = yield* run(() =>
        clerk.sessions.refreshSession(session.id, {
          expired_token: token.jwt,
          refresh_token: "r",
          request_origin: "https://app.example.com"
        })
      )
      expect(refreshed.jwt.split(".")).toHaveLength(3)

      const signIn = yield* run(() => clerk.signInTokens.createSignInToken({ userId: ada.id, expiresInSeconds: 60 }))
      expect(signIn.status).toBe("pending")
      expect(signIn.url).toContain(signIn.token)
      expect((yield* run(() => clerk.signInTokens.revokeSignInToken(signIn.id))).status).toBe("revoked")
      const testing = yield* run(() => clerk.testingTokens.createTestingToken())
      expect(testing.token).toMatch(/^\d+-\w+$/)
      expect((yield* run(() => clerk.jwtTemplates.delete(template.id))).deleted).toBe(true)
    }).pipe(Effect.scoped)
  )

  it.live("redirect URLs and clients", () =>
    Effect.gen(function* () {
      const { clerk, server } = yield* connect

      const first = yield* run(() => clerk.redirectUrls.createRedirectUrl({ url: "https://app.example.com/cb" }))
      expect(first.url).toBe("https://app.example.com/cb")
      const second = yield* run(() => clerk.redirectUrls.createRedirectUrl({ url: "my-app://oauth-callback" }))
      const urls = yield* run(() => clerk.redirectUrls.getRedirectUrlList())
      expect(urls.totalCount).toBe(2)
      expect(urls.data.map((r) => r.id)).toEqual([second.id, first.id])
      expect((yield* run(() => clerk.redirectUrls.getRedirectUrl(first.id))).url).toBe(first.url)
      yield* run(() => clerk.redirectUrls.deleteRedirectUrl(first.id))
      const invalid = yield* fail(() => clerk.redirectUrls.createRedirectUrl({ url: "http://app.example.com" }))
      expect(code(invalid)).toBe("form_param_value_invalid")

      const user = yield* run(() => clerk.users.createUser({ emailAddress: ["ada@example.com"] }))
      const session = yield* run(() => clerk.sessions.createSession({ userId: user.id }))
      const clients = yield* run(() => clerk.clients.getClientList())
      expect(clients.data.map((c) => c.id)).toEqual([session.clientId])
      const client = yield* run(() => clerk.clients.getClient(session.clientId))
      expect(client.lastActiveSessionId).toBe(session.id)
      expect(client.sessions.map((s) => s.id)).toEqual([session.id])
      const key = server.emulator.context.signingKey()
      const cookie = yield* Effect.promise(() =>
        new SignJWT({ id: session.clientId }).setProtectedHeader({ alg: "RS256", kid: key.kid }).sign(key.privateKey)
      )
      expect((yield* run(() => clerk.clients.verifyClient(cookie))).id).toBe(session.clientId)
    }).pipe(Effect.scoped)
  )

  it.live("email addresses, phone numbers, passwords, TOTP, profile images and OAuth access tokens", () =>
    Effect.gen(function* () {
      const { clerk } = yield* connect

      const ada = yield* run(() =>
        clerk.users.createUser({
          emailAddress: ["ada@example.com"],
          password: "correct horse battery",
          totpSecret: TOTP_SECRET
        })
      )
      const email = yield* run(() =>
        clerk.emailAddresses.createEmailAddress({ userId: ada.id, emailAddress: "ada@work.example", verified: false })
      )
      expect(email.verification).toBeNull()
      const verified = yield* run(() =>
        clerk.emailAddresses.updateEmailAddress(email.id, { verified: true, primary: true })
      )
      expect(verified.verification?.status).toBe("verified")
      expect((yield* run(() => clerk.users.getUser(ada.id))).primaryEmailAddressId).toBe(email.id)
      expect((yield* run(() => clerk.emailAddresses.getEmailAddress(email.id))).emailAddress).toBe("ada@work.example")
      expect((yield* run(() => clerk.emailAddresses.deleteEmailAddress(email.id))).deleted).toBe(true)

      const phone = yield* run(() =>
        clerk.phoneNumbers.createPhoneNumber({ userId: ada.id, phoneNumber: "+15555550100", verified: true })
      )
      const reserved = yield* run(() =>
        clerk.phoneNumbers.updatePhoneNumber(phone.id, { reservedForSecondFactor: true })
      )
      expect(reserved.reservedForSecondFactor).toBe(true)
      expect((yield* run(() => clerk.users.getUser(ada.id))).twoFactorEnabled).toBe(true)
      expect((yield* run(() => clerk.phoneNumbers.getPhoneNumber(phone.id))).phoneNumber).toBe("+15555550100")
      expect((yield* run(() => clerk.phoneNumbers.deletePhoneNumber(phone.id))).deleted).toBe(true)

      const password = yield* run(() =>
        clerk.users.verifyPassword({ userId: ada.id, password: "correct horse battery" })
      )
      expect(password.verified).toBe(true)
      expect(code(yield* fail(() => clerk.users.verifyPassword({ userId: ada.id, password: "wrong" })))).toBe(
        "form_password_incorrect"
      )
      const totp = yield* run(() =>
        clerk.users.verifyTOTP({ userId: ada.id, code: Secrets.totp(TOTP_SECRET, Date.now())! })
      )
      expect(totp).toEqual({ verified: true, code_type: "totp" })

      const withImage = yield* run(() => clerk.users.updateUserProfileImage(ada.id, { file: png() }))
      expect(withImage.hasImage).toBe(true)
      expect((yield* run(() => clerk.users.deleteUserProfileImage(ada.id))).hasImage).toBe(false)

      const tokens = yield* run(() => clerk.users.getUserOauthAccessToken(ada.id, "google"))
      expect(tokens).toMatchObject({ data: [], totalCount: 0 })
    }).pipe(Effect.scoped)
  )

  it.live("organization logos and waitlist entries", () =>
    Effect.gen(function* () {
      const { clerk } = yield* connect

      const ada = yield* run(() => clerk.users.createUser({ emailAddress: ["ada@example.com"] }))
      const org = yield* run(() => clerk.organizations.createOrganization({ name: "Acme", createdBy: ada.id }))
      const withLogo = yield* run(() =>
        clerk.organizations.updateOrganizationLogo(org.id, { file: png(), uploaderUserId: ada.id })
      )
      expect(withLogo.hasImage).toBe(true)
      expect(withLogo.imageUrl).toContain("/images/img_")
      expect((yield* run(() => clerk.organizations.deleteOrganizationLogo(org.id))).hasImage).toBe(false)

      const bob = yield* run(() => clerk.waitlistEntries.create({ emailAddress: "bob@example.com" }))
      expect(bob.status).toBe("pending")
      const bulk = yield* run(() =>
        clerk.waitlistEntries.createBulk([{ emailAddress: "carol@example.com" }, { emailAddress: "dan@example.com" }])
      )
      expect(bulk.map((e) => e.emailAddress)).toEqual(["carol@example.com", "dan@example.com"])
      const invited = yield* run(() => clerk.waitlistEntries.invite(bob.id))
      expect(invited.status).toBe("invited")
      expect(invited.invitation?.emailAddress).toBe("bob@example.com")
      expect((yield* run(() => clerk.waitlistEntries.reject(bulk[0]!.id))).status).toBe("rejected")
      expect((yield* run(() => clerk.waitlistEntries.delete(bulk[1]!.id))).deleted).toBe(true)
      const list = yield* run(() => clerk.waitlistEntries.list({ orderBy: "+email_address" }))
      expect(list.totalCount).toBe(2)
      expect(list.data.map((e) => [e.emailAddress, e.status])).toEqual([
        ["bob@example.com", "invited"],
        ["carol@example.com", "rejected"]
      ])
      const rejected = yield* run(() => clerk.waitlistEntries.list({ status: "rejected" }))
      expect(rejected.data.map((e) => e.id)).toEqual([bulk[0]!.id])
    }).pipe(Effect.scoped)
  )

  it.live("orderBy, on every list it exposes it for: each documented field, + and -; an unknown one is a 422", () =>
    Effect.gen(function* () {
      let clock = 1_700_000_000_000
      // the key `call` sends, for the emulator's own answers
      const server = yield* EmulatorServer.serve({
        secretKey: SECRET_KEY,
        now: () => clock,
        generateId: Emulator.sequentialIds()
      })
      const world = yield* Effect.promise(() => build(server.emulator, (ms) => (clock += ms)))
      const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl: server.origin })
      // `orderBy` is typed per list in @clerk/backend; these are the documented fields, as strings
      const lists: Record<
        string,
        (orderBy: any) => Promise<{ readonly data: ReadonlyArray<{ readonly id: string }> }>
      > = {
        "Users.list": (orderBy) => clerk.users.getUserList({ orderBy }),
        "Organizations.list": (orderBy) =>
          clerk.organizations.getOrganizationList({ orderBy, includeMembersCount: true }),
        "OrganizationMemberships.list": (orderBy) =>
          clerk.organizations.getOrganizationMembershipList({ organizationId: world.orgs[0]!.id, orderBy }),
        "OrganizationMemberships.listInstance": (orderBy) =>
          clerk.organizations.getInstanceOrganizationMembershipList({ orderBy }),
        "Invitations.list": (orderBy) => clerk.invitations.getInvitationList({ orderBy }),
        "Machines.list": (orderBy) => clerk.machines.list({ orderBy }),
        "WaitlistEntries.list": (orderBy) => clerk.waitlistEntries.list({ orderBy })
      }
      for (const [operation, list] of Object.entries(lists)) {
        const { path, fields } = LISTS[operation]!
        for (const [field, read] of Object.entries(fields)) {
          for (const [orderBy, sign] of [
            [`+${field}`, 1],
            [`-${field}`, -1]
          ] as const) {
            const page = yield* Effect.promise(() => list(orderBy))
            // the emulator's JSON for the same request: in order, and the order @clerk/backend got
            const raw = yield* Effect.promise(() => call(server.emulator, "GET", listPath(path(world), orderBy)))
            const values = items(raw.body).map((item) => read(item, world.phones))
            expect(inOrder(values, sign), `${operation} ${orderBy}: ${JSON.stringify(values)}`).toBe(true)
            expect(
              page.data.map((i) => i.id),
              `${operation} ${orderBy}`
            ).toEqual(items(raw.body).map((i) => i.id))
          }
        }
        const bogus = yield* Effect.flip(Effect.tryPromise(() => list("shoe_size")))
        expect(bogus.error, operation).toMatchObject({ status: 422, errors: [{ meta: { paramName: "order_by" } }] })
      }
    }).pipe(Effect.scoped)
  )

  it.live("domains and organization domains", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: SECRET })
      const clerk = createClerkClient({ secretKey: SECRET, apiUrl: server.origin })
      const run = <A>(f: () => Promise<A>) => Effect.promise(f)

      const satellite = yield* run(() => clerk.domains.add({ name: "shop.example.com", is_satellite: true }))
      expect(satellite.isSatellite).toBe(true)
      expect(satellite.frontendApiUrl).toBe("https://clerk.shop.example.com")
      const listed = yield* run(() => clerk.domains.list())
      expect(listed.totalCount).toBe(2)
      expect(listed.data.map((d) => d.id)).toContain(satellite.id)
      const updated = yield* run(() =>
        clerk.domains.update({ domainId: satellite.id, proxy_url: "https://shop.example.com/__clerk" })
      )
      expect(updated.proxyUrl).toBe("https://shop.example.com/__clerk")
      const deleted = yield* run(() => clerk.domains.delete(satellite.id))
      expect(deleted).toMatchObject({ id: satellite.id, deleted: true })

      const org = yield* run(() => clerk.organizations.createOrganization({ name: "Acme" }))
      const domain = yield* run(() =>
        clerk.organizations.createOrganizationDomain({
          organizationId: org.id,
          name: "acme.com",
          enrollmentMode: "automatic_invitation",
          verified: false
        })
      )
      // @clerk/backend 3.25 hands organization domains back as the JSON: its deserializer
      // (jsonToObject) has no case for `organization_domain`
      const json = (value: unknown) => value as { enrollment_mode: string; verification: { status: string } | null }
      expect(json(domain).enrollment_mode).toBe("automatic_invitation")
      expect(json(domain).verification?.status).toBe("unverified")
      const verified = yield* run(() =>
        clerk.organizations.updateOrganizationDomain({ organizationId: org.id, domainId: domain.id, verified: true })
      )
      expect(json(verified).verification?.status).toBe("verified")
      const domains = yield* run(() => clerk.organizations.getOrganizationDomainList({ organizationId: org.id }))
      expect(domains.totalCount).toBe(1)
      expect(domains.data[0]?.name).toBe("acme.com")
      const removed = yield* run(() =>
        clerk.organizations.deleteOrganizationDomain({ organizationId: org.id, domainId: domain.id })
      )
      expect(removed).toMatchObject({ id: domain.id, deleted: true })
    }).pipe(Effect.scoped)
  )

  it.live("machines", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: SECRET })
      const clerk = createClerkClient({ secretKey: SECRET, apiUrl: server.origin })
      const run = <A>(f: () => Promise<A>) => Effect.promise(f)

      const billing = yield* run(() => clerk.machines.create({ name: "billing" }))
      const api = yield* run(() =>
        clerk.machines.create({ name: "api", scopedMachines: [billing.id], defaultTokenTtl: 60 })
      )
      expect(api.scopedMachines.map((m) => m.id)).toEqual([billing.id])
      expect(api.defaultTokenTtl).toBe(60)
      expect(api.secretKey).toMatch(/^ak_/)
      const listed = yield* run(() => clerk.machines.list())
      expect(listed.totalCount).toBe(2)
      const renamed = yield* run(() => clerk.machines.update({ machineId: billing.id, name: "billing-worker" }))
      expect(renamed.name).toBe("billing-worker")
      const secret = yield* run(() => clerk.machines.getSecretKey(api.id))
      expect(secret.secret).toBe(api.secretKey)
      const rotated = yield* run(() => clerk.machines.rotateSecretKey({ machineId: api.id, previousTokenTtl: 0 }))
      expect(rotated.secret).not.toBe(api.secretKey)
      // the answer has `deleted`, so @clerk/backend reads it as a DeletedObject, not a MachineScope
      // (clerk/javascript packages/backend/src/api/resources/Deserializer.ts jsonToObject, line 138)
      const unscoped = yield* run(() => clerk.machines.deleteScope(api.id, billing.id))
      expect(unscoped).toMatchObject({ object: "machine_scope", deleted: true })
      expect((yield* run(() => clerk.machines.get(api.id))).scopedMachines).toEqual([])
      const scoped = yield* run(() => clerk.machines.createScope(api.id, billing.id))
      expect(scoped.fromMachineId).toBe(api.id)
      const fetched = yield* run(() => clerk.machines.get(api.id))
      expect(fetched.scopedMachines.map((m) => m.id)).toEqual([billing.id])
      yield* run(() => clerk.machines.delete(billing.id))
      expect((yield* run(() => clerk.machines.list())).totalCount).toBe(1)
    }).pipe(Effect.scoped)
  )

  it.live("API keys", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: SECRET })
      const clerk = createClerkClient({ secretKey: SECRET, apiUrl: server.origin })
      const run = <A>(f: () => Promise<A>) => Effect.promise(f)

      const ada = yield* run(() => clerk.users.createUser({ emailAddress: ["ada@example.com"] }))
      const key = yield* run(() =>
        clerk.apiKeys.create({ name: "ci key", subject: ada.id, scopes: ["deploy"], claims: { team: "infra" } })
      )
      expect(key.id).toMatch(/^ak_[0-9a-f]{32}$/)
      expect(key.secret).toMatch(/^ak_/)
      expect(key.scopes).toEqual(["deploy"])
      const fetched = yield* run(() => clerk.apiKeys.get(key.id))
      expect(fetched.name).toBe("ci key")
      expect(fetched.secret).toBeUndefined()
      expect((yield* run(() => clerk.apiKeys.getSecret(key.id))).secret).toBe(key.secret)
      const updated = yield* run(() =>
        clerk.apiKeys.update({ apiKeyId: key.id, subject: ada.id, description: "for CI", secondsUntilExpiration: 600 })
      )
      expect(updated.description).toBe("for CI")
      expect(updated.expiration).not.toBeNull()

      const verified = yield* run(() => clerk.apiKeys.verify(key.secret!))
      expect(verified).toMatchObject({ id: key.id, subject: ada.id, revoked: false, expired: false })
      expect(verified.lastUsedAt).not.toBeNull()
      const revoked = yield* run(() => clerk.apiKeys.revoke({ apiKeyId: key.id, revocationReason: "leaked" }))
      expect(revoked).toMatchObject({ revoked: true, revocationReason: "leaked" })
      expect(yield* run(() => clerk.apiKeys.verify(key.secret!))).toMatchObject({ revoked: true })
      expect((yield* run(() => clerk.apiKeys.list({ subject: ada.id }))).totalCount).toBe(0)
      const all = yield* run(() => clerk.apiKeys.list({ subject: ada.id, includeInvalid: true }))
      expect(all.data.map((k) => k.id)).toEqual([key.id])

      const deleted = yield* run(() => clerk.apiKeys.delete(key.id))
      expect(deleted).toMatchObject({ id: key.id, deleted: true })
      const unknown = yield* Effect.flip(Effect.tryPromise(() => clerk.apiKeys.verify("ak_unknown")))
      expect((unknown.error as { status?: number }).status).toBe(404)
    }).pipe(Effect.scoped)
  )

  it.live("M2M tokens (opaque and JWT) and OAuth access tokens", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: SECRET })
      const clerk = createClerkClient({ secretKey: SECRET, apiUrl: server.origin })
      const run = <A>(f: () => Promise<A>) => Effect.promise(f)

      const billing = yield* run(() => clerk.machines.create({ name: "billing" }))
      const api = yield* run(() => clerk.machines.create({ name: "api", scopedMachines: [billing.id] }))
      // as an app configured with CLERK_MACHINE_SECRET_KEY would
      const asApi = createClerkClient({ machineSecretKey: api.secretKey!, apiUrl: server.origin })
      const token = yield* run(() => asApi.m2m.createToken({ secondsUntilExpiration: 300, claims: { job: "sync" } }))
      expect(token.token).toMatch(/^mt_/)
      expect(token.subject).toBe(api.id)
      expect(token.scopes).toEqual([billing.id])
      expect(token.claims).toEqual({ job: "sync" })

      const byBilling = yield* run(() =>
        clerk.m2m.verify({ token: token.token!, machineSecretKey: billing.secretKey! })
      )
      expect(byBilling).toMatchObject({ id: token.id, revoked: false, expired: false })
      const listed = yield* run(() => asApi.m2m.list({ subject: api.id }))
      expect(listed.totalCount).toBe(1)
      expect(listed.data.map((t) => t.id)).toEqual([token.id])
      const revoked = yield* run(() => clerk.m2m.revokeToken({ m2mTokenId: token.id, revocationReason: "done" }))
      expect(revoked).toMatchObject({ revoked: true, revocationReason: "done" })
      expect(yield* run(() => clerk.m2m.verify({ token: token.token! }))).toMatchObject({ revoked: true })
      // the instance's key cannot create one: Clerk's code, as in its own test
      const refused = yield* Effect.flip(Effect.tryPromise(() => clerk.m2m.createToken()))
      expect((refused.error as { status?: number }).status).toBe(401)
      const unknownKey = yield* Effect.flip(
        Effect.tryPromise(() => clerk.m2m.createToken({ machineSecretKey: "ak_nobody" }))
      )
      expect((unknownKey.error as { errors?: Array<{ code: string }> }).errors?.[0]?.code).toBe(
        "machine_secret_key_invalid"
      )

      // a JWT: @clerk/backend verifies it itself, with the keys of GET /v1/jwks
      const jwt = yield* run(() => asApi.m2m.createToken({ tokenFormat: "jwt", claims: { job: "sync" } }))
      const fromJwt = yield* run(() => clerk.m2m.verify({ token: jwt.token! }))
      expect(fromJwt).toMatchObject({ id: jwt.id, subject: api.id, scopes: [billing.id], expired: false })
      expect(fromJwt.claims).toMatchObject({ job: "sync" })

      const ada = yield* run(() => clerk.users.createUser({ emailAddress: ["ada@example.com"] }))
      const issued = yield* EmulatedOAuth.issue(server.emulator, { userId: ada.id, scopes: ["email"] })
      const oauth = yield* run(() => clerk.idPOAuthAccessToken.verify(issued.token))
      expect(oauth).toMatchObject({ id: issued.id, subject: ada.id, scopes: ["email"], revoked: false })
      yield* EmulatedOAuth.revoke(server.emulator, issued.id)
      expect(yield* run(() => clerk.idPOAuthAccessToken.verify(issued.token))).toMatchObject({ revoked: true })
    }).pipe(Effect.scoped)
  )
})

const listPath = (path: string, orderBy: string) =>
  `${path}${path.includes("?") ? "&" : "?"}order_by=${encodeURIComponent(orderBy)}`

const items = (body: unknown): ReadonlyArray<any> =>
  Array.isArray(body) ? body : (body as { readonly data: ReadonlyArray<any> }).data
