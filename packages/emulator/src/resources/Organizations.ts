/**
 * Emulated Organizations (CRUD, slug uniqueness, metadata merge/replace) and Organization
 * Memberships (roles `org:admin` / `org:member`, list, update, delete, metadata).
 *
 * Lists follow Clerk's documented order: organizations "ordered by descending creation date" (spec
 * `ListOrganizations`); memberships by `order_by` (`created_at`, `first_name`, `last_name`,
 * `username`, `email_address`, `phone_number`; default `-created_at`). Both answer
 * `{ data, total_count }`.
 *
 * The parts, one concept each: `organizations/records.ts` (the tables, lookups, roles, JSON),
 * `organizations/organizations.ts`, `organizations/memberships.ts`.
 *
 * @since 0.1.0
 */
import * as Resource from "../Resource.js"
import * as Memberships from "./organizations/memberships.js"
import * as Organizations from "./organizations/organizations.js"

export {
  /**
   * @since 0.1.0
   */
  find,
  /**
   * @since 0.1.0
   */
  findMembership,
  /**
   * @since 0.1.0
   */
  get,
  /**
   * @since 0.1.0
   */
  membersOf,
  /**
   * @since 0.1.0
   */
  membershipJson,
  /**
   * @since 0.1.0
   */
  memberships,
  /**
   * @since 0.1.0
   */
  organizationJson,
  /**
   * @since 0.1.0
   */
  organizations,
  /**
   * @since 0.1.0
   */
  removeUser,
  /**
   * @since 0.1.0
   */
  rolePermissions,
  /**
   * @since 0.1.0
   */
  ROLES
} from "./organizations/records.js"

export type {
  /**
   * @since 0.1.0
   */
  MembershipRecord,
  /**
   * @since 0.1.0
   */
  OrganizationRecord
} from "./organizations/records.js"

export {
  /**
   * @since 0.1.0
   */
  addMember
} from "./organizations/memberships.js"

export {
  /**
   * @since 0.1.0
   */
  create
} from "./organizations/organizations.js"

/**
 * The Organizations resource (organizations and their memberships).
 *
 * @since 0.1.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("organizations", [
  ...Organizations.routes,
  ...Memberships.routes
])
