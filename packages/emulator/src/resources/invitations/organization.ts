/**
 * Emulated Organization Invitations: create (one or in bulk, all or nothing), list (an
 * organization's, its pending ones, the instance's, a user's), get, revoke, and the invitee's
 * acceptance ({@link acceptOrganizationInvitation}), which creates the membership.
 *
 * @since 0.1.0
 */
import * as BackendOrgInvitations from "@effect-clerk/backend/OrganizationInvitations"
import type * as BackendMemberships from "@effect-clerk/backend/OrganizationMemberships"
import * as BackendUsers from "@effect-clerk/backend/Users"
import * as Effect from "effect/Effect"
import * as ApiError from "../../ApiError.js"
import * as Order from "../../internal/order.js"
import * as Resource from "../../Resource.js"
import { addMember } from "../organizations/memberships.js"
import * as Organizations from "../organizations/records.js"
import * as Users from "../users/records.js"
import { email, userFromInvitation, userWithEmail } from "./instance.js"
import * as Records from "./records.js"

type Stored = Records.InvitationRecord<BackendOrgInvitations.OrganizationInvitation>

const DAY = 24 * 3600 * 1000

/**
 * The user a request names as acting for the organization (`inviter_user_id`,
 * `requesting_user_id`), which the spec says "must be an administrator in the organization": an
 * unknown user is a 422 `form_param_value_invalid`, one that is not an `org:admin` member a 403
 * (the status the spec documents for both operations; its code, `authorization_invalid`, names the
 * spec's `AuthorizationInvalid` response).
 *
 * @since 0.1.0
 * @category validation
 */
export const actingAdmin = (
  emulator: Resource.EmulatorContext,
  organizationId: string,
  userId: string,
  param: "inviter_user_id" | "requesting_user_id"
): Effect.Effect<Users.UserRecord, ApiError.ApiError> => {
  const user = Users.find(emulator, userId)
  if (user === undefined) {
    return Effect.fail(
      ApiError.unprocessable({
        message: "is invalid",
        long_message: `No user was found with id ${userId}.`,
        code: "form_param_value_invalid",
        meta: { param_name: param }
      })
    )
  }
  return Organizations.findMembership(emulator, organizationId, userId)?.role === "org:admin"
    ? Effect.succeed(user)
    : Effect.fail(
        ApiError.make(403, {
          message: "not an administrator",
          long_message: `${userId} is not an administrator of this organization; only administrators can manage its invitations.`,
          code: "authorization_invalid",
          meta: { param_name: param }
        })
      )
}

/**
 * Creates an organization invitation (role checked against the instance's roles; a pending
 * invitation for the same email in the same organization is a 400 `duplicate_record`; an email
 * that is already a member a 400 `already_a_member_in_organization`).
 *
 * @since 0.1.0
 * @category operations
 */
export const createOrganizationInvitation = (
  emulator: Resource.EmulatorContext,
  organizationId: string,
  body: BackendOrgInvitations.CreateBody
): Effect.Effect<BackendOrgInvitations.OrganizationInvitation, ApiError.ApiError> =>
  Effect.gen(function* () {
    const organization = yield* Organizations.get(emulator, organizationId)
    const orgId = organization.json.id
    const address = yield* email(body.email_address)
    if (!Organizations.ROLES.includes(body.role)) {
      return yield* ApiError.unprocessable({
        message: "is invalid",
        long_message: `${body.role} is not a role of this instance.`,
        code: "form_param_value_invalid",
        meta: { param_name: "role" }
      })
    }
    const inviterId = body.inviter_user_id ?? null
    const inviter = inviterId === null ? undefined : yield* actingAdmin(emulator, orgId, inviterId, "inviter_user_id")
    const pending = ofOrganization(emulator, orgId).some(
      (i) => i.json.email_address === address && i.json.status === "pending"
    )
    if (pending) {
      return yield* ApiError.make(400, {
        message: "duplicate invitation",
        long_message: `There is already a pending invitation for ${address} in this organization.`,
        code: "duplicate_record",
        meta: { param_name: "email_address" }
      })
    }
    const invitee = userWithEmail(emulator, address)
    if (invitee !== undefined && Organizations.findMembership(emulator, orgId, invitee.json.id) !== undefined) {
      return yield* ApiError.make(400, {
        message: "already a member",
        long_message: `${address} is already a member of this organization.`,
        code: "already_a_member_in_organization",
        meta: { param_name: "email_address" }
      })
    }
    const now = emulator.now()
    // Clerk's default lifetime of an organization invitation is 30 days (expires_in_days, spec)
    const expiresAt = now + (body.expires_in_days ?? 30) * DAY
    const id = emulator.generateId("orginv_")
    const record: Stored = {
      sequence: emulator.store.nextSequence(),
      expiresAt,
      json: {
        object: "organization_invitation",
        id,
        email_address: address,
        role: body.role,
        role_name: body.role === "org:admin" ? "Admin" : "Member",
        organization_id: orgId,
        inviter_id: inviterId,
        public_inviter_data:
          inviter === undefined
            ? null
            : {
                user_id: inviter.json.id,
                first_name: inviter.json.first_name,
                last_name: inviter.json.last_name,
                image_url: inviter.json.image_url ?? "",
                has_image: inviter.json.has_image,
                identifier: Users.identifiers(inviter).emails[0] ?? inviter.json.id
              },
        status: "pending",
        public_metadata: body.public_metadata ?? {},
        private_metadata: body.private_metadata ?? {},
        url: `${emulator.frontendApiUrl}/v1/tickets/accept?ticket=${emulator.generateToken()}`,
        expires_at: expiresAt,
        created_at: now,
        updated_at: now
      }
    }
    emulator.store.get(Records.organizationInvitations).set(id, record)
    emulator.emit("organizationInvitation.created", structuredClone(record.json))
    if (body.notify !== false) {
      Records.emailEvent(
        emulator,
        address,
        "organization_invitation",
        `You're invited to join ${organization.json.name}`
      )
    }
    return structuredClone(record.json)
  })

const publicOrganizationData = (emulator: Resource.EmulatorContext, record: Stored) => {
  const organization = Organizations.find(emulator, record.json.organization_id ?? "")
  return organization === undefined
    ? undefined
    : {
        id: organization.json.id,
        name: organization.json.name,
        slug: organization.json.slug,
        has_image: organization.json.has_image,
        ...(organization.json.image_url === undefined ? {} : { image_url: organization.json.image_url })
      }
}

const withOrganizationData = (
  emulator: Resource.EmulatorContext,
  record: Stored
): BackendUsers.OrganizationInvitationsWithPublicOrganizationData["data"][number] => {
  const data = publicOrganizationData(emulator, record)
  return { ...structuredClone(record.json), ...(data === undefined ? {} : { public_organization_data: data }) }
}

/**
 * Testing helper: accepts a pending organization invitation as the invitee would: creates the user
 * when no user has the email, then the membership with the invited role. Returns the membership.
 * Throws the {@link ApiError.ApiError} when the invitation is unknown or not pending.
 *
 * @since 0.1.0
 * @category testing
 */
export const acceptOrganizationInvitation = (
  emulator: { readonly context: Resource.EmulatorContext },
  invitationId: string
): BackendMemberships.OrganizationMembership =>
  Resource.runOrThrow(
    Effect.gen(function* () {
      const context = emulator.context
      const record = yield* Records.transition(
        context,
        context.store.get(Records.organizationInvitations).get(invitationId),
        "accepted"
      )
      const user = yield* userFromInvitation(context, record.json.email_address, {})
      // spec (webhooks-2025-04-15.yml) `OrganizationInvitationAcceptedPayload`: the invitation plus
      // `user_id` and `data.public_organization_data`
      context.emit("organizationInvitation.accepted", {
        ...structuredClone(record.json),
        user_id: user.id,
        data: { public_organization_data: publicOrganizationData(context, record) ?? null }
      })
      const organization = yield* Organizations.get(context, record.json.organization_id ?? "")
      return yield* addMember(context, organization, {
        user_id: user.id,
        role: record.json.role,
        public_metadata: record.json.public_metadata
      })
    })
  )

const ofOrganization = (emulator: Resource.EmulatorContext, organizationId: string) =>
  Records.all(emulator, Records.organizationInvitations).filter((i) => i.json.organization_id === organizationId)

// spec `ListOrganizationInvitations`, `ListInstanceOrganizationInvitations` `order_by`: "either by
// their `created_at` or `email_address`... Defaults to `-created_at`"
const ORDER = Resource.orderBy<Stored>("-created_at", {
  created_at: (r) => r.json.created_at,
  email_address: (r) => r.json.email_address
})
const newestFirst = Order.compare({ field: "created_at", sign: -1 }, (r: Stored) => r.json.created_at)

const invitation = (
  emulator: Resource.EmulatorContext,
  path: { readonly organization_id: string; readonly invitation_id: string }
) =>
  Effect.map(Organizations.get(emulator, path.organization_id), (organization) =>
    ofOrganization(emulator, organization.json.id).find((i) => i.json.id === path.invitation_id)
  )

/**
 * The routes of organization invitations.
 *
 * @since 0.1.0
 * @category resources
 */
export const routes: ReadonlyArray<Resource.Route> = [
  Resource.route(
    BackendOrgInvitations.operations.list,
    ({ emulator, path, query }) =>
      Effect.map(Organizations.get(emulator, path.organization_id), (organization) => {
        const found = ofOrganization(emulator, organization.json.id).filter(
          (i) =>
            (query.status === undefined || i.json.status === query.status) &&
            (query.email_address === undefined || i.json.email_address === query.email_address.toLowerCase())
        )
        return Order.page(
          ORDER.sort(found, query.order_by).map((i) => structuredClone(i.json)),
          query
        )
      }),
    { orderBy: ORDER }
  ),
  Resource.route(
    BackendOrgInvitations.operations.getAll,
    ({ emulator, query }) =>
      Effect.sync(() => {
        const needle = query.query?.toLowerCase()
        const found = Records.all(emulator, Records.organizationInvitations).filter(
          (i) =>
            (query.status === undefined || i.json.status === query.status) &&
            (needle === undefined || i.json.email_address.includes(needle))
        )
        return Order.page(
          ORDER.sort(found, query.order_by).map((i) => withOrganizationData(emulator, i)),
          query
        )
      }),
    { orderBy: ORDER }
  ),
  Resource.route(
    BackendOrgInvitations.operations.create,
    ({ emulator, path, body }) => createOrganizationInvitation(emulator, path.organization_id, body),
    { ignores: Records.LINK }
  ),
  Resource.route(
    BackendOrgInvitations.operations.bulkCreate,
    ({ emulator, path, body }) =>
      Records.allOrNothing(
        emulator,
        Effect.forEach(body, (entry) => createOrganizationInvitation(emulator, path.organization_id, entry)).pipe(
          Effect.map((data) => ({ data, total_count: data.length }))
        )
      ),
    { ignores: Records.LINK }
  ),
  Resource.route(BackendOrgInvitations.operations.get, ({ emulator, path }) =>
    Effect.flatMap(invitation(emulator, path), (record) =>
      record === undefined
        ? Effect.fail(ApiError.notFound("No invitation was found with this id."))
        : Effect.succeed(structuredClone(record.json))
    )
  ),
  Resource.route(BackendOrgInvitations.operations.revoke, ({ emulator, path, body }) =>
    Effect.gen(function* () {
      const record = yield* invitation(emulator, path)
      const requester = body?.requesting_user_id
      if (requester !== undefined && requester !== null) {
        yield* actingAdmin(emulator, path.organization_id, requester, "requesting_user_id")
      }
      const revoked = yield* Records.transition(emulator, record, "revoked")
      emulator.emit("organizationInvitation.revoked", structuredClone(revoked.json))
      return structuredClone(revoked.json)
    })
  ),
  Resource.route(BackendOrgInvitations.operations.listPending, ({ emulator, path, query }) =>
    Effect.map(Organizations.get(emulator, path.organization_id), (organization) =>
      Order.page(
        ofOrganization(emulator, organization.json.id)
          .filter((i) => i.json.status === "pending")
          .sort(newestFirst)
          .map((i) => structuredClone(i.json)),
        query
      )
    )
  ),
  Resource.route(BackendUsers.operations.getOrganizationInvitations, ({ emulator, path, query }) =>
    Effect.map(Users.get(emulator, path.user_id), (user) => {
      const emails = Users.identifiers(user).emails
      const items = Records.all(emulator, Records.organizationInvitations)
        .filter(
          (i) => emails.includes(i.json.email_address) && (query.status === undefined || i.json.status === query.status)
        )
        .sort(newestFirst)
        .map((i) => withOrganizationData(emulator, i))
      return Order.page(items, query)
    })
  )
]
