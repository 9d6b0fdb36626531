/**
 * Emulated Invitations (to the instance) and Organization Invitations: create, list, get, revoke,
 * with status transitions `pending` -> `accepted` | `revoked` (and `expired` once `expires_at` has
 * passed). Acceptance happens on Clerk's Frontend API, so tests trigger it with {@link accept} and
 * {@link acceptOrganizationInvitation}: accepting creates the user (when no user has the email yet)
 * and, for an organization invitation, the membership with the invited role.
 *
 * Creating an invitation with `notify` (the default) records an `email.created` webhook event.
 *
 * The parts, one concept each: `invitations/records.ts` (the tables, expiry, transitions),
 * `invitations/instance.ts`, `invitations/organization.ts`.
 *
 * @since 0.1.0
 */
import * as Resource from "../Resource.js"
import * as Instance from "./invitations/instance.js"
import * as Organization from "./invitations/organization.js"

export {
  /**
   * @since 0.1.0
   */
  accept,
  /**
   * @since 0.1.0
   */
  create
} from "./invitations/instance.js"

export {
  /**
   * @since 0.1.0
   */
  acceptOrganizationInvitation,
  /**
   * @since 0.1.0
   */
  createOrganizationInvitation
} from "./invitations/organization.js"

export {
  /**
   * @since 0.1.0
   */
  invitations,
  /**
   * @since 0.1.0
   */
  organizationInvitations
} from "./invitations/records.js"

export type {
  /**
   * @since 0.1.0
   */
  InvitationRecord
} from "./invitations/records.js"

/**
 * The Invitations and Organization Invitations resource.
 *
 * @since 0.1.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("invitations", [...Instance.routes, ...Organization.routes])
