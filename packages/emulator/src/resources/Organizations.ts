/**
 * Emulated Organizations and their memberships.
 *
 * @since 0.2.0
 */
import * as Store from "../Store.js"
import type * as Resource from "../Resource.js"

/**
 * A stored organization (its JSON follows the spec's `Organization`).
 *
 * @since 0.2.0
 * @category models
 */
export interface OrganizationRecord {
  readonly sequence: number
  json: Record<string, unknown> & {
    readonly object: "organization"
    readonly id: string
    readonly name: string
    readonly slug: string
    readonly created_at: number
    readonly updated_at: number
  }
}

/**
 * A stored organization membership: who, where, which role.
 *
 * @since 0.2.0
 * @category models
 */
export interface MembershipRecord {
  readonly sequence: number
  readonly id: string
  readonly organizationId: string
  readonly userId: string
  role: string
  publicMetadata: Record<string, unknown>
  privateMetadata: Record<string, unknown>
  readonly createdAt: number
  updatedAt: number
}

/**
 * The organizations table.
 *
 * @since 0.2.0
 * @category tables
 */
export const organizations: Store.Table<OrganizationRecord> = Store.table<OrganizationRecord>("organizations")

/**
 * The organization memberships table.
 *
 * @since 0.2.0
 * @category tables
 */
export const memberships: Store.Table<MembershipRecord> = Store.table<MembershipRecord>("organization_memberships")

/**
 * The permissions of Clerk's two default roles (Clerk docs, "Roles and permissions": `org:admin` has
 * every System Permission, `org:member` can read the organization and its members).
 *
 * @since 0.2.0
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
 * @since 0.2.0
 * @category operations
 */
export const find = (emulator: Resource.EmulatorContext, organizationId: string): OrganizationRecord | undefined =>
  emulator.store.get(organizations).get(organizationId)

/**
 * The membership of `userId` in `organizationId`, if any.
 *
 * @since 0.2.0
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
