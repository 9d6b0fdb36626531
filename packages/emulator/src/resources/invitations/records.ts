/**
 * The invitation tables (to the instance, to an organization) and what both share: an invitation
 * past its `expires_at` reads as `expired`, and only a pending one can change.
 *
 * @since 0.1.0
 */
import type * as BackendInvitations from "@effect-clerk/backend/Invitations"
import type * as BackendOrgInvitations from "@effect-clerk/backend/OrganizationInvitations"
import * as Effect from "effect/Effect"
import * as ApiError from "../../ApiError.js"
import type * as Resource from "../../Resource.js"
import * as Store from "../../Store.js"

/**
 * A stored invitation: its JSON as the API returns it (the backend's generated
 * `Invitations.Invitation` or `OrganizationInvitations.OrganizationInvitation`) and when it expires.
 *
 * @since 0.1.0
 * @category models
 */
export interface InvitationRecord<
  A extends BackendInvitations.Invitation | BackendOrgInvitations.OrganizationInvitation =
    BackendInvitations.Invitation | BackendOrgInvitations.OrganizationInvitation
> {
  readonly sequence: number
  json: A
  readonly expiresAt: number | null
}

/**
 * The instance invitations table.
 *
 * @since 0.1.0
 * @category tables
 */
export const invitations: Store.Table<InvitationRecord<BackendInvitations.Invitation>> = Store.table("invitations")

/**
 * The organization invitations table.
 *
 * @since 0.1.0
 * @category tables
 */
export const organizationInvitations: Store.Table<InvitationRecord<BackendOrgInvitations.OrganizationInvitation>> =
  Store.table("organization_invitations")

/**
 * The record, its status brought up to date: a pending invitation past its `expires_at` becomes
 * `expired` (`Invitation.status` includes it).
 *
 * @since 0.1.0
 * @category operations
 */
export const current = <R extends InvitationRecord>(emulator: Resource.EmulatorContext, record: R): R => {
  if (record.json.status === "pending" && record.expiresAt !== null && emulator.now() >= record.expiresAt) {
    record.json = { ...record.json, status: "expired", updated_at: record.expiresAt }
  }
  return record
}

/**
 * Every invitation of a table, statuses up to date, oldest first.
 *
 * @since 0.1.0
 * @category operations
 */
export const all = <R extends InvitationRecord>(emulator: Resource.EmulatorContext, table: Store.Table<R>): Array<R> =>
  Array.from(emulator.store.get(table).values(), (r) => current(emulator, r))

/**
 * Moves a pending invitation to `revoked` or `accepted`: an unknown one is a 404, one that is not
 * pending a 400 `invitation_already_<status>` (spec `RevokeInvitation` / `RevokeOrganizationInvitation`
 * document a 400 for this).
 *
 * @since 0.1.0
 * @category operations
 */
export const transition = <R extends InvitationRecord>(
  emulator: Resource.EmulatorContext,
  record: R | undefined,
  to: "revoked" | "accepted",
  extra: Partial<R["json"]> = {}
): Effect.Effect<R, ApiError.ApiError> => {
  if (record === undefined) return Effect.fail(ApiError.notFound("No invitation was found with this id."))
  const status = current(emulator, record).json.status
  if (status !== "pending") {
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

/**
 * Records the `email.created` event Clerk emits for an invitation email.
 *
 * @since 0.1.0
 * @category operations
 */
export const emailEvent = (emulator: Resource.EmulatorContext, to: string, slug: string, subject: string): void =>
  emulator.emit("email.created", {
    object: "email",
    id: emulator.generateId("ema_"),
    slug,
    from_email_name: "notifications",
    to_email_address: to,
    email_address_id: null,
    user_id: null,
    subject,
    body: `${subject}\n\n${emulator.frontendApiUrl}/v1/tickets/accept`,
    body_plain: `${subject}\n\n${emulator.frontendApiUrl}/v1/tickets/accept`,
    status: "queued",
    data: {},
    delivered_by_clerk: true
  })

/**
 * Records the `sms.created` event Clerk emits for an invitation by text message (an allow-list
 * identifier added with `notify`); shaped as the webhooks spec's `SmsEventPayload`.
 *
 * @since 0.1.0
 * @category operations
 */
export const smsEvent = (emulator: Resource.EmulatorContext, to: string, slug: string, message: string): void =>
  emulator.emit("sms.created", {
    object: "sms_message",
    id: emulator.generateId("sms_"),
    slug,
    from_phone_number: "+15555550000",
    to_phone_number: to,
    phone_number_id: null,
    user_id: null,
    message: `${message} ${emulator.frontendApiUrl}/v1/tickets/accept`,
    status: "queued",
    data: {},
    delivered_by_clerk: true,
    created_at_ms: emulator.now()
  })

/**
 * What the invitation routes accept knowingly without effect: `redirect_url` is where Clerk's
 * Frontend API sends the invitee after the link, kept inside the signed ticket (the invitation's
 * `url` does not show it), and the emulator serves no Frontend API.
 *
 * @since 0.1.0
 * @category resources
 */
export const LINK = {
  redirect_url: "where Clerk's Frontend API sends the invitee after the link; the emulator serves no Frontend API"
} as const

/**
 * Runs `effect`; on failure, puts the whole store back as it was (a bulk create is all or nothing).
 *
 * @since 0.1.0
 * @category operations
 */
export const allOrNothing = <A>(
  emulator: Resource.EmulatorContext,
  effect: Effect.Effect<A, ApiError.ApiError>
): Effect.Effect<A, ApiError.ApiError> =>
  Effect.suspend(() => {
    const before = emulator.store.snapshot()
    return Effect.tapError(effect, () => Effect.sync(() => emulator.store.restore(before)))
  })
