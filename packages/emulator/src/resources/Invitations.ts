/**
 * Emulated Invitations (to the instance) and Organization Invitations: create, list, get, revoke,
 * with status transitions `pending` -> `accepted` | `revoked` (and `expired` once `expires_at` has
 * passed). Acceptance happens on Clerk's Frontend API, so tests trigger it with {@link accept} and
 * {@link acceptOrganizationInvitation}: accepting creates the user (when no user has the email yet)
 * and, for an organization invitation, the membership with the invited role.
 *
 * Creating an invitation with `notify` (the default) records an `email.created` webhook event.
 *
 * @since 0.1.0
 */
import type * as BackendInvitations from "@effect-clerk/backend/Invitations"
import type * as BackendOrgInvitations from "@effect-clerk/backend/OrganizationInvitations"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import * as Order from "../internal/order.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"
import * as Organizations from "./Organizations.js"
import * as Users from "./Users.js"

type Json = Record<string, unknown>

/**
 * A stored invitation (instance or organization; `json.object` tells which).
 *
 * @since 0.1.0
 * @category models
 */
export interface InvitationRecord {
  readonly sequence: number
  json: Json & { readonly id: string; readonly email_address: string; readonly status: string }
  readonly expiresAt: number | null
}

/**
 * The instance invitations table.
 *
 * @since 0.1.0
 * @category tables
 */
export const invitations: Store.Table<InvitationRecord> = Store.table<InvitationRecord>("invitations")

/**
 * The organization invitations table.
 *
 * @since 0.1.0
 * @category tables
 */
export const organizationInvitations: Store.Table<InvitationRecord> =
  Store.table<InvitationRecord>("organization_invitations")

const DAY = 24 * 3600 * 1000
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

// An invitation past its expires_at reads as `expired` (Invitation.status includes "expired").
const current = (emulator: Resource.EmulatorContext, record: InvitationRecord): InvitationRecord => {
  if (record.json.status === "pending" && record.expiresAt !== null && emulator.now() >= record.expiresAt) {
    record.json = { ...record.json, status: "expired", updated_at: record.expiresAt }
  }
  return record
}

const all = (emulator: Resource.EmulatorContext, table: Store.Table<InvitationRecord>) =>
  Array.from(emulator.store.get(table).values(), (r) => current(emulator, r))

const emailEvent = (emulator: Resource.EmulatorContext, to: string, slug: string, subject: string, userId?: string) =>
  emulator.emit("email.created", {
    object: "email",
    id: emulator.generateId("ema_"),
    slug,
    from_email_name: "notifications",
    to_email_address: to,
    email_address_id: null,
    user_id: userId ?? null,
    subject,
    body: `${subject}\n\n${emulator.frontendApiUrl}/v1/tickets/accept`,
    body_plain: `${subject}\n\n${emulator.frontendApiUrl}/v1/tickets/accept`,
    status: "queued",
    data: {},
    delivered_by_clerk: true
  })

const invalidEmail = (email: string) =>
  ApiError.paramFormatInvalid("email_address", `${email} is not a valid email address.`)

const userWithEmail = (emulator: Resource.EmulatorContext, email: string) =>
  Users.newestFirst(emulator).find((u) => Users.identifiers(u).emails.includes(email))

/**
 * Creates an instance invitation. The spec (`CreateInvitation`): "you cannot create an invitation
 * if there is already one for the given email address. Also, trying to create an invitation for an
 * email address that already exists in your application will result to an error", unless
 * `ignore_existing`. The first is a 400 `duplicate_record`, the second a 422 `form_identifier_exists`.
 *
 * @since 0.1.0
 * @category operations
 */
export const create = (
  emulator: Resource.EmulatorContext,
  body: {
    readonly email_address: string
    readonly public_metadata?: { readonly [key: string]: unknown } | null | undefined
    readonly notify?: boolean | null | undefined
    readonly ignore_existing?: boolean | null | undefined
    readonly expires_in_days?: number | null | undefined
  }
): Effect.Effect<Json, ApiError.ApiError> =>
  Effect.gen(function* () {
    const email = body.email_address.trim().toLowerCase()
    if (!EMAIL.test(email)) return yield* invalidEmail(email)
    if (body.ignore_existing !== true) {
      if (all(emulator, invitations).some((i) => i.json.email_address === email && i.json.status === "pending")) {
        return yield* ApiError.make(400, {
          message: "duplicate invitation",
          long_message: `There is already a pending invitation for ${email}.`,
          code: "duplicate_record",
          meta: { param_name: "email_address" }
        })
      }
      if (userWithEmail(emulator, email) !== undefined) {
        return yield* ApiError.identifierExists("email_address", `${email} already belongs to a user.`)
      }
    }
    const now = emulator.now()
    const expiresAt =
      body.expires_in_days === undefined || body.expires_in_days === null ? null : now + body.expires_in_days * DAY
    const id = emulator.generateId("inv_")
    const record: InvitationRecord = {
      sequence: emulator.store.nextSequence(),
      expiresAt,
      json: {
        object: "invitation",
        id,
        email_address: email,
        public_metadata: body.public_metadata ?? {},
        revoked: false,
        status: "pending",
        url: `${emulator.frontendApiUrl}/v1/tickets/accept?ticket=${emulator.generateToken()}`,
        expires_at: expiresAt,
        created_at: now,
        updated_at: now
      }
    }
    emulator.store.get(invitations).set(id, record)
    if (body.notify !== false) emailEvent(emulator, email, "invitation", "You're invited")
    return structuredClone(record.json)
  })

const transition = (
  emulator: Resource.EmulatorContext,
  record: InvitationRecord | undefined,
  to: "revoked" | "accepted",
  extra: Json = {}
): Effect.Effect<InvitationRecord, ApiError.ApiError> => {
  if (record === undefined) return Effect.fail(ApiError.notFound("No invitation was found with this id."))
  const status = current(emulator, record).json.status
  if (status !== "pending") {
    // spec `RevokeInvitation` / `RevokeOrganizationInvitation` document a 400 for this
    return Effect.fail(
      ApiError.make(400, {
        message: `cannot be ${to}`,
        long_message: `This invitation is ${status}; only pending invitations can be ${to}.`,
        code: `invitation_already_${status}`,
        meta: { param_name: "invitation_id" }
      })
    )
  }
  record.json = { ...record.json, ...extra, status: to, updated_at: emulator.now() }
  return Effect.succeed(record)
}

const userFromInvitation = (emulator: Resource.EmulatorContext, email: string, publicMetadata: unknown) =>
  Effect.suspend(() => {
    const existing = userWithEmail(emulator, email)
    return existing === undefined
      ? Users.create(emulator, {
          email_address: [email],
          public_metadata: (publicMetadata ?? {}) as Json,
          skip_password_requirement: true
        })
      : Effect.succeed(existing.json)
  })

/**
 * Testing helper: accepts a pending instance invitation as the invitee would, creating the user
 * (its email verified, the invitation's `public_metadata` copied). Throws the
 * {@link ApiError.ApiError} when the invitation is unknown or not pending.
 *
 * @since 0.1.0
 * @category testing
 */
export const accept = (emulator: { readonly context: Resource.EmulatorContext }, invitationId: string): Json =>
  Resource.runOrThrow(
    Effect.gen(function* () {
      const context = emulator.context
      const record = yield* transition(context, context.store.get(invitations).get(invitationId), "accepted")
      yield* userFromInvitation(context, record.json.email_address, record.json["public_metadata"])
      return structuredClone(record.json)
    })
  )

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
): Effect.Effect<Json, ApiError.ApiError> =>
  Effect.gen(function* () {
    const organization = yield* Organizations.get(emulator, organizationId)
    const orgId = organization.json.id
    const email = body.email_address.trim().toLowerCase()
    if (!EMAIL.test(email)) return yield* invalidEmail(email)
    if (!Organizations.ROLES.includes(body.role)) {
      return yield* ApiError.unprocessable({
        message: "is invalid",
        long_message: `${body.role} is not a role of this instance.`,
        code: "form_param_value_invalid",
        meta: { param_name: "role" }
      })
    }
    const inviterId = body.inviter_user_id ?? null
    const inviter = inviterId === null ? undefined : Users.find(emulator, inviterId)
    if (inviterId !== null && inviter === undefined) {
      return yield* ApiError.unprocessable({
        message: "is invalid",
        long_message: `No user was found with id ${inviterId}.`,
        code: "form_param_value_invalid",
        meta: { param_name: "inviter_user_id" }
      })
    }
    const pending = all(emulator, organizationInvitations).some(
      (i) => i.json["organization_id"] === orgId && i.json.email_address === email && i.json.status === "pending"
    )
    if (pending) {
      return yield* ApiError.make(400, {
        message: "duplicate invitation",
        long_message: `There is already a pending invitation for ${email} in this organization.`,
        code: "duplicate_record",
        meta: { param_name: "email_address" }
      })
    }
    const invitee = userWithEmail(emulator, email)
    if (invitee !== undefined && Organizations.findMembership(emulator, orgId, invitee.json.id) !== undefined) {
      return yield* ApiError.make(400, {
        message: "already a member",
        long_message: `${email} is already a member of this organization.`,
        code: "already_a_member_in_organization",
        meta: { param_name: "email_address" }
      })
    }
    const now = emulator.now()
    // Clerk's default lifetime of an organization invitation is 30 days (expires_in_days, spec)
    const expiresAt = now + (body.expires_in_days ?? 30) * DAY
    const id = emulator.generateId("orginv_")
    const record: InvitationRecord = {
      sequence: emulator.store.nextSequence(),
      expiresAt,
      json: {
        object: "organization_invitation",
        id,
        email_address: email,
        role: body.role,
        role_name: body.role === "org:admin" ? "Admin" : "Member",
        organization_id: orgId,
        inviter_id: inviterId,
        public_inviter_data:
          inviter === undefined
            ? null
            : {
                user_id: inviter.json.id,
                first_name: inviter.json["first_name"] ?? null,
                last_name: inviter.json["last_name"] ?? null,
                image_url: inviter.json["image_url"] ?? "",
                has_image: inviter.json["has_image"] === true,
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
    emulator.store.get(organizationInvitations).set(id, record)
    emulator.emit("organizationInvitation.created", structuredClone(record.json))
    if (body.notify !== false) {
      emailEvent(emulator, email, "organization_invitation", `You're invited to join ${organization.json.name}`)
    }
    return structuredClone(record.json)
  })

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
): Json =>
  Resource.runOrThrow(
    Effect.gen(function* () {
      const context = emulator.context
      const record = yield* transition(
        context,
        context.store.get(organizationInvitations).get(invitationId),
        "accepted"
      )
      const user = yield* userFromInvitation(context, record.json.email_address, {})
      // spec (webhooks-2025-04-15.yml) `OrganizationInvitationAcceptedPayload`: the invitation plus
      // `user_id` and `data.public_organization_data`
      const { public_organization_data } = withOrganizationData(context, record)
      context.emit("organizationInvitation.accepted", {
        ...structuredClone(record.json),
        user_id: user.id,
        data: { public_organization_data: public_organization_data ?? null }
      })
      const organization = yield* Organizations.get(context, String(record.json["organization_id"]))
      return yield* Organizations.addMember(context, organization, {
        user_id: user.id,
        role: String(record.json["role"]),
        public_metadata: (record.json["public_metadata"] ?? {}) as Json
      })
    })
  )

const withOrganizationData = (emulator: Resource.EmulatorContext, record: InvitationRecord): Json => {
  const organization = Organizations.find(emulator, String(record.json["organization_id"]))
  return {
    ...structuredClone(record.json),
    public_organization_data:
      organization === undefined
        ? undefined
        : {
            id: organization.json.id,
            name: organization.json.name,
            slug: organization.json.slug,
            image_url: organization.json["image_url"],
            has_image: organization.json["has_image"] === true
          }
  }
}

const allOrNothing = <A>(
  emulator: Resource.EmulatorContext,
  effect: Effect.Effect<A, ApiError.ApiError>
): Effect.Effect<A, ApiError.ApiError> =>
  Effect.suspend(() => {
    const before = emulator.store.snapshot()
    return Effect.tapError(effect, () => Effect.sync(() => emulator.store.restore(before)))
  })

const orgInvitationsOf = (emulator: Resource.EmulatorContext, organizationId: string) =>
  all(emulator, organizationInvitations).filter((i) => i.json["organization_id"] === organizationId)

const orderInvitations = (rawOrder: string | undefined, allowed: ReadonlyArray<string>) =>
  Order.parse(rawOrder, "-created_at", allowed)

const invitationValue = (r: InvitationRecord, field: string) => r.json[field] as string | number | null

/**
 * The Invitations and Organization Invitations resource.
 *
 * @since 0.1.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("invitations", [
  Resource.operation<void, BackendInvitations.ListParams>("Invitations.list", ({ emulator, query }) =>
    Effect.gen(function* () {
      // "you can order the returned invitations either by their `created_at`, `email_address` or
      // `expires_at`... Defaults to `-created_at`" (spec `ListInvitations`)
      const order = yield* orderInvitations(query.order_by, ["created_at", "email_address", "expires_at"])
      const needle = query.query?.toLowerCase()
      const items = all(emulator, invitations)
        .filter(
          (i) =>
            (query.status === undefined || i.json.status === query.status) &&
            (needle === undefined || i.json.email_address.includes(needle) || i.json.id === query.query)
        )
        .sort(Order.compare(order, invitationValue))
        .map((i) => structuredClone(i.json))
      const offset = query.offset ?? 0
      return items.slice(offset, offset + (query.limit ?? 10))
    })
  ),
  Resource.operation<BackendInvitations.CreateBody>("Invitations.create", ({ emulator, body }) =>
    create(emulator, body)
  ),
  // all or nothing: the first invalid entry fails the request and nothing is created
  Resource.operation<BackendInvitations.BulkCreateBody>("Invitations.bulkCreate", ({ emulator, body }) =>
    allOrNothing(
      emulator,
      Effect.forEach(body, (entry) => create(emulator, entry))
    )
  ),
  Resource.operation("Invitations.revoke", ({ emulator, params }) =>
    Effect.map(
      transition(emulator, emulator.store.get(invitations).get(params.invitation_id!), "revoked", { revoked: true }),
      (r) => structuredClone(r.json)
    )
  ),
  Resource.operation<void, BackendOrgInvitations.ListParams>(
    "OrganizationInvitations.list",
    ({ emulator, params, query }) =>
      Effect.gen(function* () {
        const organization = yield* Organizations.get(emulator, params.organization_id!)
        const order = yield* orderInvitations(query.order_by, ["created_at", "email_address"])
        const items = orgInvitationsOf(emulator, organization.json.id)
          .filter(
            (i) =>
              (query.status === undefined || i.json.status === query.status) &&
              (query.email_address === undefined || i.json.email_address === query.email_address.toLowerCase())
          )
          .sort(Order.compare(order, invitationValue))
          .map((i) => structuredClone(i.json))
        return Order.page(items, query)
      })
  ),
  Resource.operation<void, BackendOrgInvitations.GetAllParams>(
    "OrganizationInvitations.getAll",
    ({ emulator, query }) =>
      Effect.gen(function* () {
        const order = yield* orderInvitations(query.order_by, ["created_at", "email_address"])
        const needle = query.query?.toLowerCase()
        const items = all(emulator, organizationInvitations)
          .filter(
            (i) =>
              (query.status === undefined || i.json.status === query.status) &&
              (needle === undefined || i.json.email_address.includes(needle))
          )
          .sort(Order.compare(order, invitationValue))
          .map((i) => withOrganizationData(emulator, i))
        return Order.page(items, query)
      })
  ),
  Resource.operation<BackendOrgInvitations.CreateBody>("OrganizationInvitations.create", ({ emulator, params, body }) =>
    createOrganizationInvitation(emulator, params.organization_id!, body)
  ),
  Resource.operation<BackendOrgInvitations.BulkCreateBody>(
    "OrganizationInvitations.bulkCreate",
    ({ emulator, params, body }) =>
      allOrNothing(
        emulator,
        Effect.forEach(body, (entry) => createOrganizationInvitation(emulator, params.organization_id!, entry)).pipe(
          Effect.map((data) => ({ data, total_count: data.length }))
        )
      )
  ),
  Resource.operation("OrganizationInvitations.get", ({ emulator, params }) =>
    Effect.gen(function* () {
      const organization = yield* Organizations.get(emulator, params.organization_id!)
      const record = orgInvitationsOf(emulator, organization.json.id).find((i) => i.json.id === params.invitation_id)
      if (record === undefined) return yield* ApiError.notFound("No invitation was found with this id.")
      return structuredClone(record.json)
    })
  ),
  Resource.operation<BackendOrgInvitations.RevokeBody | undefined>(
    "OrganizationInvitations.revoke",
    ({ emulator, params }) =>
      Effect.gen(function* () {
        const organization = yield* Organizations.get(emulator, params.organization_id!)
        const record = orgInvitationsOf(emulator, organization.json.id).find((i) => i.json.id === params.invitation_id)
        const revoked = yield* transition(emulator, record, "revoked")
        emulator.emit("organizationInvitation.revoked", structuredClone(revoked.json))
        return structuredClone(revoked.json)
      })
  ),
  Resource.operation<void, BackendOrgInvitations.ListPendingParams>(
    "OrganizationInvitations.listPending",
    ({ emulator, params, query }) =>
      Effect.map(Organizations.get(emulator, params.organization_id!), (organization) =>
        Order.page(
          orgInvitationsOf(emulator, organization.json.id)
            .filter((i) => i.json.status === "pending")
            .sort(Order.compare({ field: "created_at", sign: -1 }, invitationValue))
            .map((i) => structuredClone(i.json)),
          query
        )
      )
  ),
  Resource.operation<void, { readonly status?: string; readonly limit?: number; readonly offset?: number }>(
    "Users.getOrganizationInvitations",
    ({ emulator, params, query }) =>
      Effect.gen(function* () {
        const user = Users.find(emulator, params.user_id!)
        if (user === undefined) return yield* ApiError.notFound(`No user was found with id ${params.user_id}.`)
        const emails = Users.identifiers(user).emails
        const items = all(emulator, organizationInvitations)
          .filter(
            (i) =>
              emails.includes(i.json.email_address) && (query.status === undefined || i.json.status === query.status)
          )
          .sort(Order.compare({ field: "created_at", sign: -1 }, invitationValue))
          .map((i) => withOrganizationData(emulator, i))
        return Order.page(items, query)
      })
  )
])
