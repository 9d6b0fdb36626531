/**
 * The organization and membership tables and what every part of their emulation shares: lookups,
 * the roles, and the JSON the API returns for each.
 *
 * @since 0.1.0
 */
import type * as BackendMemberships from "@effect-clerk/backend/OrganizationMemberships"
import type * as BackendOrganizations from "@effect-clerk/backend/Organizations"
import type * as BackendUsers from "@effect-clerk/backend/Users"
import * as Effect from "effect/Effect"
import * as ApiError from "../../ApiError.js"
import type * as Resource from "../../Resource.js"
import * as Store from "../../Store.js"
import * as Invitations from "../invitations/records.js"
import * as Users from "../users/records.js"

/**
 * A stored organization: its JSON as the API returns it (the backend's generated
 * `Organizations.Organization`).
 *
 * @since 0.1.0
 * @category models
 */
export interface OrganizationRecord {
  readonly sequence: number
  json: BackendOrganizations.Organization
}

/**
 * A stored organization membership: who, where, which role. Its JSON
 * (`OrganizationMemberships.OrganizationMembership`) embeds the organization and the user as they
 * are when asked ({@link membershipJson}).
 *
 * @since 0.1.0
 * @category models
 */
export interface MembershipRecord {
  readonly sequence: number
  readonly id: string
  readonly organizationId: string
  readonly userId: string
  role: string
  publicMetadata: { readonly [key: string]: unknown }
  privateMetadata: { readonly [key: string]: unknown }
  readonly createdAt: number
  updatedAt: number
}

/**
 * The organizations table.
 *
 * @since 0.1.0
 * @category tables
 */
export const organizations: Store.Table<OrganizationRecord> = Store.table<OrganizationRecord>("organizations")

/**
 * The organization memberships table.
 *
 * @since 0.1.0
 * @category tables
 */
export const memberships: Store.Table<MembershipRecord> = Store.table<MembershipRecord>("organization_memberships")

/**
 * The roles every instance has (Clerk docs, "Roles and permissions": the default roles are
 * `org:admin` and `org:member`).
 *
 * @since 0.1.0
 * @category roles
 */
export const ROLES: ReadonlyArray<string> = ["org:admin", "org:member"]

/**
 * The permissions of Clerk's two default roles (Clerk docs, "Roles and permissions": `org:admin` has
 * every System Permission, `org:member` can read the organization and its members).
 *
 * @since 0.1.0
 * @category roles
 */
export const rolePermissions = (role: string): ReadonlyArray<string> =>
  role === "org:admin"
    ? [
        "org:sys_profile:manage",
        "org:sys_profile:delete",
        "org:sys_memberships:read",
        "org:sys_memberships:manage",
        "org:sys_domains:read",
        "org:sys_domains:manage"
      ]
    : role === "org:member"
      ? ["org:sys_memberships:read"]
      : []

/**
 * Looks up a stored organization by id.
 *
 * @since 0.1.0
 * @category operations
 */
export const find = (emulator: Resource.EmulatorContext, organizationId: string): OrganizationRecord | undefined =>
  emulator.store.get(organizations).get(organizationId)

/**
 * The organization with this id, or with this slug (Clerk's `GET /organizations/{organization_id}`
 * accepts either); else a 404.
 *
 * @since 0.1.0
 * @category operations
 */
export const get = (
  emulator: Resource.EmulatorContext,
  idOrSlug: string
): Effect.Effect<OrganizationRecord, ApiError.ApiError> =>
  Effect.suspend(() => {
    const byId = find(emulator, idOrSlug)
    if (byId !== undefined) return Effect.succeed(byId)
    for (const o of emulator.store.get(organizations).values()) if (o.json.slug === idOrSlug) return Effect.succeed(o)
    return Effect.fail(ApiError.notFound(`No organization was found with id ${idOrSlug}.`))
  })

/**
 * The membership of `userId` in `organizationId`, if any.
 *
 * @since 0.1.0
 * @category operations
 */
export const findMembership = (
  emulator: Resource.EmulatorContext,
  organizationId: string,
  userId: string
): MembershipRecord | undefined => {
  for (const m of emulator.store.get(memberships).values()) {
    if (m.organizationId === organizationId && m.userId === userId) return m
  }
  return undefined
}

/**
 * The memberships of an organization, oldest first.
 *
 * @since 0.1.0
 * @category operations
 */
export const membersOf = (emulator: Resource.EmulatorContext, organizationId: string): Array<MembershipRecord> =>
  Array.from(emulator.store.get(memberships).values()).filter((m) => m.organizationId === organizationId)

/**
 * Removes every membership of a user (the user was deleted).
 *
 * @since 0.1.0
 * @category operations
 */
export const removeUser = (emulator: Resource.EmulatorContext, userId: string): void => {
  const table = emulator.store.get(memberships)
  for (const [id, m] of table) if (m.userId === userId) table.delete(id)
}

/**
 * The JSON of an organization (spec `Organization`), with `members_count` and
 * `pending_invitations_count` when asked for (`include_members_count`).
 *
 * @since 0.1.0
 * @category json
 */
export const organizationJson = (
  emulator: Resource.EmulatorContext,
  record: OrganizationRecord,
  includeCounts = false
): BackendOrganizations.Organization => {
  const json = structuredClone(record.json)
  if (!includeCounts) return json
  const pending = Invitations.all(emulator, Invitations.organizationInvitations).filter(
    (i) => i.json.organization_id === record.json.id && i.json.status === "pending"
  )
  return {
    ...json,
    members_count: membersOf(emulator, record.json.id).length,
    pending_invitations_count: pending.length
  }
}

/**
 * The identifier Clerk shows for a user: the primary email address, else the username.
 *
 * @since 0.1.0
 * @category json
 */
export const identifierOf = (user: BackendUsers.User | undefined): string | null => {
  if (user === undefined) return null
  const emails = user.email_addresses
  const primary = emails.find((e) => e.id === user.primary_email_address_id) ?? emails[0]
  return primary?.email_address ?? user.username
}

/**
 * The JSON of a membership (spec `OrganizationMembership`): its organization and the member's
 * public user data embedded.
 *
 * @since 0.1.0
 * @category json
 */
export const membershipJson = (
  emulator: Resource.EmulatorContext,
  m: MembershipRecord,
  organization: OrganizationRecord
): BackendMemberships.OrganizationMembership => {
  const user = Users.find(emulator, m.userId)?.json
  return {
    id: m.id,
    object: "organization_membership",
    role: m.role,
    role_name: m.role === "org:admin" ? "Admin" : m.role === "org:member" ? "Member" : m.role,
    permissions: [...rolePermissions(m.role)],
    public_metadata: structuredClone(m.publicMetadata),
    private_metadata: structuredClone(m.privateMetadata),
    organization: organizationJson(emulator, organization),
    public_user_data: {
      user_id: m.userId,
      first_name: user?.first_name ?? null,
      last_name: user?.last_name ?? null,
      profile_image_url: user?.profile_image_url ?? null,
      image_url: user?.image_url ?? "",
      has_image: user?.has_image === true,
      identifier: identifierOf(user),
      username: user?.username ?? null
    },
    created_at: m.createdAt,
    updated_at: m.updatedAt
  }
}

/**
 * Every membership with its organization (a membership never outlives its organization: deleting
 * one deletes its memberships).
 *
 * @since 0.1.0
 * @category operations
 */
export const withOrganizations = (
  emulator: Resource.EmulatorContext,
  records: Iterable<MembershipRecord>
): Array<{ readonly membership: MembershipRecord; readonly organization: OrganizationRecord }> =>
  Array.from(records).flatMap((membership) => {
    const organization = find(emulator, membership.organizationId)
    return organization === undefined ? [] : [{ membership, organization }]
  })
