/**
 * A client we did not write: Clerk's own `@clerk/backend` (a devDependency of these tests only)
 * pointed at EmulatorServer. Each call goes through its request building and response parsing.
 */
import { createClerkClient } from "@clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { SignJWT } from "jose"
import * as EmulatorServer from "../src/EmulatorServer.js"

const SECRET = "sk_test_clerk_backend_compat"

describe("@clerk/backend against EmulatorServer", () => {
  it.live("users, metadata, organizations, memberships, invitations and actor tokens", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: SECRET })
      const clerk = createClerkClient({ secretKey: SECRET, apiUrl: server.origin })
      const run = <A>(f: () => Promise<A>) => Effect.promise(f)

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
      const missing = yield* Effect.flip(Effect.tryPromise(() => clerk.users.getUser("user_missing")))
      expect((missing.error as { status?: number }).status).toBe(404)
      expect((missing.error as { errors?: Array<{ code: string }> }).errors?.[0]?.code).toBe("resource_not_found")
      const taken = yield* Effect.flip(
        Effect.tryPromise(() => clerk.users.createUser({ emailAddress: ["ADA@example.com"] }))
      )
      expect((taken.error as { errors?: Array<{ code: string }> }).errors?.[0]?.code).toBe("form_identifier_exists")
    }).pipe(Effect.scoped)
  )

  it.live("sessions from outside: testing sessions, their tokens, JWT templates, sign-in and testing tokens", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: SECRET })
      const clerk = createClerkClient({ secretKey: SECRET, apiUrl: server.origin })
      const run = <A>(f: () => Promise<A>) => Effect.promise(f)

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
      const server = yield* EmulatorServer.serve({ secretKey: SECRET })
      const clerk = createClerkClient({ secretKey: SECRET, apiUrl: server.origin })
      const run = <A>(f: () => Promise<A>) => Effect.promise(f)

      const first = yield* run(() => clerk.redirectUrls.createRedirectUrl({ url: "https://app.example.com/cb" }))
      expect(first.url).toBe("https://app.example.com/cb")
      const second = yield* run(() => clerk.redirectUrls.createRedirectUrl({ url: "my-app://oauth-callback" }))
      const urls = yield* run(() => clerk.redirectUrls.getRedirectUrlList())
      expect(urls.totalCount).toBe(2)
      expect(urls.data.map((r) => r.id)).toEqual([second.id, first.id])
      expect((yield* run(() => clerk.redirectUrls.getRedirectUrl(first.id))).url).toBe(first.url)
      yield* run(() => clerk.redirectUrls.deleteRedirectUrl(first.id))
      const invalid = yield* Effect.flip(
        Effect.tryPromise(() => clerk.redirectUrls.createRedirectUrl({ url: "http://app.example.com" }))
      )
      expect((invalid.error as { errors?: Array<{ code: string }> }).errors?.[0]?.code).toBe("form_param_value_invalid")

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
})
