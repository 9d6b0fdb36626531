/**
 * Provisioning an organization, end to end:
 *
 * 1. create an admin user and an organization it administers (both deleted again at the end);
 * 2. invite a new member by email as `org:member`;
 * 3. the invitation is accepted: on the embedded emulator by its test helper (acceptance happens on
 *    Clerk's Frontend API, when the invitee follows the link); against the real API the script
 *    provisions the invitee directly (creates the user and the membership, revokes the invitation);
 * 4. promote the new member to `org:admin` and list the members.
 *
 * Without `CLERK_SECRET_KEY` it runs against the embedded emulator (nothing leaves the process).
 * With it, against the real Backend API (or `CLERK_API_URL`), through Node's undici client.
 *
 *   npx tsx examples/org-provisioning.ts
 */
import {
  Clerk,
  ClerkClient,
  OrganizationInvitations,
  OrganizationMemberships,
  Organizations,
  Users
} from "@effect-clerk/backend"
import { Emulator, Resources } from "@effect-clerk/emulator"
import * as NodeClerk from "@effect-clerk/platform-node/NodeClerk"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

const scoped = <A extends { readonly id: string }, E, R, E2, R2>(
  create: Effect.Effect<A, E, R>,
  remove: (id: string) => Effect.Effect<unknown, E2, R2>
) => Effect.acquireRelease(create, (created) => Effect.ignore(remove(created.id)))

/** The invitee accepts: the emulator's helper, or direct provisioning against the real API. */
const accept = (organizationId: string, invitation: OrganizationInvitations.OrganizationInvitation) =>
  Effect.gen(function* () {
    const emulator = yield* Effect.serviceOption(Emulator.Emulator)
    if (Option.isSome(emulator)) {
      Resources.Invitations.acceptOrganizationInvitation(emulator.value, invitation.id)
      const [user] = yield* Users.list({ email_address: [invitation.email_address] })
      return user!
    }
    const user = yield* Users.create({ email_address: [invitation.email_address], skip_password_requirement: true })
    yield* OrganizationMemberships.create(organizationId, { user_id: user.id, role: invitation.role })
    yield* OrganizationInvitations.revoke(organizationId, invitation.id)
    return user
  })

const program = Effect.gen(function* () {
  const suffix = Date.now().toString(36)
  const admin = yield* scoped(
    Users.create({
      email_address: [`effect-clerk-example+org-admin-${suffix}@example.com`],
      first_name: "Org",
      last_name: "Admin",
      skip_password_requirement: true
    }),
    Users.delete
  )
  const org = yield* scoped(
    Organizations.create({ name: `Example Org ${suffix}`, created_by: admin.id }),
    Organizations.delete
  )
  yield* Console.log(`created organization ${org.id} (slug ${org.slug}) with admin ${admin.id}`)

  const email = `effect-clerk-example+org-member-${suffix}@example.com`
  const invitation = yield* OrganizationInvitations.create(org.id, {
    email_address: email,
    role: "org:member",
    inviter_user_id: admin.id,
    notify: false
  })
  yield* Console.log(`invited ${email} as ${invitation.role}: ${invitation.id} (${invitation.status})`)

  const member = yield* Effect.acquireRelease(accept(org.id, invitation), (user) =>
    Effect.ignore(Users.delete(user.id))
  )
  const [membership] = (yield* OrganizationMemberships.list(org.id, { user_id: [member.id] })).data
  yield* Console.log(`accepted: ${member.id} is ${membership?.role}`)

  const promoted = yield* OrganizationMemberships.update(org.id, member.id, { role: "org:admin" })
  yield* Console.log(`promoted ${member.id} to ${promoted.role}`)

  const members = yield* OrganizationMemberships.list(org.id, { order_by: "created_at" })
  yield* Console.log(`members: ${members.total_count} (${members.data.map((m) => m.role).join(", ")})`)
}).pipe(Effect.scoped)

/** The real API when CLERK_SECRET_KEY is set, else the embedded emulator. */
const ClerkLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const key = yield* Config.option(Config.string("CLERK_SECRET_KEY"))
    if (Option.isSome(key)) {
      const url = yield* Config.string("CLERK_API_URL").pipe(Config.withDefault(ClerkClient.DEFAULT_BASE_URL))
      yield* Console.log(`Running against the Clerk Backend API at ${url} (CLERK_SECRET_KEY is set)`)
      return NodeClerk.layerConfig()
    }
    yield* Console.log("Running against the embedded Clerk emulator (CLERK_SECRET_KEY is not set)")
    return Clerk.layer.pipe(
      Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_embedded_emulator") })),
      Layer.provideMerge(Emulator.layer())
    )
  })
)

program.pipe(Effect.provide(ClerkLive), NodeRuntime.runMain)
