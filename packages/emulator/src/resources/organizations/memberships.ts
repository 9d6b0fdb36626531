/**
 * Emulated Organization Memberships: add, list (one organization's, the instance's, a user's),
 * change the role or the metadata, remove. Roles are the instance's (`org:admin`, `org:member`).
 *
 * @since 0.1.0
 */
import * as BackendMemberships from "@effect-clerk/backend/OrganizationMemberships"
import * as BackendUsers from "@effect-clerk/backend/Users"
import * as Effect from "effect/Effect"
import * as ApiError from "../../ApiError.js"
import * as Metadata from "../../internal/metadata.js"
import * as Order from "../../internal/order.js"
import { includeExclude } from "../../internal/params.js"
import * as Resource from "../../Resource.js"
import * as Users from "../users/records.js"
import * as Records from "./records.js"

/**
 * A 422 `form_param_value_invalid` for an id that names no user.
 *
 * @since 0.1.0
 * @category errors
 */
export const userMissing = (userId: string, param = "user_id"): ApiError.ApiError =>
  ApiError.unprocessable({
    message: "is invalid",
    long_message: `No user was found with id ${userId}.`,
    code: "form_param_value_invalid",
    meta: { param_name: param }
  })

const invalidRole = (role: string) =>
  ApiError.unprocessable({
    message: "is invalid",
    long_message: `${role} is not a role of this instance (${Records.ROLES.join(", ")}).`,
    code: "form_param_value_invalid",
    meta: { param_name: "role" }
  })

/**
 * Adds a member. An unknown user is a 422 (`user_id`), a role other than the instance's roles a
 * 422 (`role`), a second membership of the same user a 422 `already_a_member_in_organization`, a
 * full organization (`max_allowed_memberships`, 0 = unlimited) a 403.
 *
 * @since 0.1.0
 * @category operations
 */
export const addMember = (
  emulator: Resource.EmulatorContext,
  organization: Records.OrganizationRecord,
  body: BackendMemberships.CreateBody
): Effect.Effect<BackendMemberships.OrganizationMembership, ApiError.ApiError> =>
  Effect.gen(function* () {
    if (Users.find(emulator, body.user_id) === undefined) return yield* userMissing(body.user_id)
    if (!Records.ROLES.includes(body.role)) return yield* invalidRole(body.role)
    if (Records.findMembership(emulator, organization.json.id, body.user_id) !== undefined) {
      return yield* ApiError.unprocessable({
        message: "already a member",
        long_message: "The user is already a member of the organization.",
        code: "already_a_member_in_organization",
        meta: { param_name: "user_id" }
      })
    }
    const max = organization.json.max_allowed_memberships
    if (max > 0 && Records.membersOf(emulator, organization.json.id).length >= max) {
      return yield* ApiError.make(403, {
        message: "membership quota exceeded",
        long_message: `This organization has reached its limit of ${max} memberships.`,
        code: "organization_membership_quota_exceeded"
      })
    }
    const now = emulator.now()
    const m: Records.MembershipRecord = {
      sequence: emulator.store.nextSequence(),
      id: emulator.generateId("orgmem_"),
      organizationId: organization.json.id,
      userId: body.user_id,
      role: body.role,
      publicMetadata: body.public_metadata ?? {},
      privateMetadata: body.private_metadata ?? {},
      createdAt: now,
      updatedAt: now
    }
    emulator.store.get(Records.memberships).set(m.id, m)
    const json = Records.membershipJson(emulator, m, organization)
    emulator.emit("organizationMembership.created", json)
    return json
  })

const membership = (
  emulator: Resource.EmulatorContext,
  path: { readonly organization_id: string; readonly user_id: string }
) =>
  Effect.flatMap(Records.get(emulator, path.organization_id), (organization) => {
    const m = Records.findMembership(emulator, organization.json.id, path.user_id)
    return m === undefined
      ? Effect.fail(ApiError.notFound(`User ${path.user_id} is not a member of organization ${path.organization_id}.`))
      : Effect.succeed({ m, organization })
  })

const touch = (
  emulator: Resource.EmulatorContext,
  { m, organization }: { readonly m: Records.MembershipRecord; readonly organization: Records.OrganizationRecord }
) => {
  m.updatedAt = emulator.now()
  const json = Records.membershipJson(emulator, m, organization)
  emulator.emit("organizationMembership.updated", json)
  return json
}

interface Member {
  readonly membership: Records.MembershipRecord
  readonly user: BackendUsers.User | undefined
}

// spec `ListOrganizationMemberships`, `InstanceGetOrganizationMemberships` `order_by`: "Sorts
// organizations memberships by phone_number, email_address, created_at, first_name, last_name or
// username"; no default documented: newest first, as Clerk's other lists.
const ORDER = Resource.orderBy<Member>("-created_at", {
  phone_number: ({ user }) => user?.phone_numbers[0]?.phone_number,
  email_address: ({ user }) => Records.identifierOf(user),
  created_at: ({ membership }) => membership.createdAt,
  first_name: ({ user }) => user?.first_name,
  last_name: ({ user }) => user?.last_name,
  username: ({ user }) => user?.username
})

const ordered = (
  emulator: Resource.EmulatorContext,
  records: Iterable<Records.MembershipRecord>,
  orderBy: string | undefined
) => {
  const members = Array.from(records, (membership) => ({
    membership,
    user: Users.find(emulator, membership.userId)?.json
  }))
  return Records.withOrganizations(
    emulator,
    ORDER.sort(members, orderBy).map((m) => m.membership)
  ).map(({ membership, organization }) => Records.membershipJson(emulator, membership, organization))
}

/**
 * The routes of organization memberships.
 *
 * @since 0.1.0
 * @category resources
 */
export const routes: ReadonlyArray<Resource.Route> = [
  Resource.route(
    BackendMemberships.operations.list,
    ({ emulator, path, query }) =>
      Effect.gen(function* () {
        const o = yield* Records.get(emulator, path.organization_id)
        const users = includeExclude(query.user_id)
        const roles = query.role ?? []
        const needle = query.query?.toLowerCase()
        const found = Records.membersOf(emulator, o.json.id).filter((m) => {
          const user = Users.find(emulator, m.userId)?.json
          const text = [m.userId, Records.identifierOf(user), user?.first_name, user?.last_name, user?.username]
          return (
            users(m.userId) &&
            (roles.length === 0 || roles.includes(m.role)) &&
            (needle === undefined || text.some((t) => typeof t === "string" && t.toLowerCase().includes(needle)))
          )
        })
        return Order.page(ordered(emulator, found, query.order_by), query)
      }),
    { orderBy: ORDER }
  ),
  Resource.route(
    BackendMemberships.operations.listInstance,
    ({ emulator, query }) =>
      Effect.sync(() =>
        Order.page(ordered(emulator, emulator.store.get(Records.memberships).values(), query.order_by), query)
      ),
    { orderBy: ORDER }
  ),
  Resource.route(BackendMemberships.operations.create, ({ emulator, path, body }) =>
    Effect.flatMap(Records.get(emulator, path.organization_id), (o) => addMember(emulator, o, body))
  ),
  Resource.route(BackendMemberships.operations.update, ({ emulator, path, body }) =>
    Effect.gen(function* () {
      const found = yield* membership(emulator, path)
      if (!Records.ROLES.includes(body.role)) return yield* invalidRole(body.role)
      found.m.role = body.role
      return touch(emulator, found)
    })
  ),
  Resource.route(BackendMemberships.operations.updateMetadata, ({ emulator, path, body }) =>
    Effect.gen(function* () {
      const found = yield* membership(emulator, path)
      const current = { public_metadata: found.m.publicMetadata, private_metadata: found.m.privateMetadata }
      const changed = yield* Metadata.changes(["public_metadata", "private_metadata"], "merge", current, body)
      found.m.publicMetadata = changed.public_metadata ?? found.m.publicMetadata
      found.m.privateMetadata = changed.private_metadata ?? found.m.privateMetadata
      return touch(emulator, found)
    })
  ),
  Resource.route(BackendMemberships.operations.delete, ({ emulator, path }) =>
    Effect.map(membership(emulator, path), ({ m, organization }) => {
      const json = Records.membershipJson(emulator, m, organization)
      emulator.store.get(Records.memberships).delete(m.id)
      emulator.emit("organizationMembership.deleted", json)
      return json
    })
  ),
  Resource.route(BackendUsers.operations.getOrganizationMemberships, ({ emulator, path, query }) =>
    Effect.sync(() => {
      const mine = Array.from(emulator.store.get(Records.memberships).values()).filter((m) => m.userId === path.user_id)
      return Order.page(ordered(emulator, mine, "-created_at"), query)
    })
  )
]
