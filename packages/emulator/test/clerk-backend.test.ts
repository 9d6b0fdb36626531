/**
 * A client we did not write: Clerk's own `@clerk/backend` (a devDependency of these tests only)
 * pointed at EmulatorServer. Each call goes through its request building and response parsing.
 */
import { createClerkClient } from "@clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import * as EmulatorServer from "../src/EmulatorServer.js"
import { call, SECRET_KEY } from "./helpers.js"
import { build, inOrder, LISTS } from "./order-world.js"

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
        "Invitations.list": (orderBy) => clerk.invitations.getInvitationList({ orderBy })
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
})

const listPath = (path: string, orderBy: string) =>
  `${path}${path.includes("?") ? "&" : "?"}order_by=${encodeURIComponent(orderBy)}`

const items = (body: unknown): ReadonlyArray<any> =>
  Array.isArray(body) ? body : (body as { readonly data: ReadonlyArray<any> }).data
