/**
 * Emulated Invitations to the instance: create (one or in bulk, all or nothing), list, revoke, and
 * the invitee's acceptance ({@link accept}), which happens on Clerk's Frontend API.
 *
 * @since 0.1.0
 */
import * as BackendInvitations from "@effect-clerk/backend/Invitations"
import * as Effect from "effect/Effect"
import * as ApiError from "../../ApiError.js"
import * as Order from "../../internal/order.js"
import * as Resource from "../../Resource.js"
import * as Users from "../users/create.js"
import * as UserRecords from "../users/records.js"
import * as Records from "./records.js"

const DAY = 24 * 3600 * 1000
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/**
 * A 422 `form_param_format_invalid` for an email address that is not one.
 *
 * @since 0.1.0
 * @category errors
 */
export const invalidEmail = (email: string): ApiError.ApiError =>
  ApiError.paramFormatInvalid("email_address", `${email} is not a valid email address.`)

/**
 * The lower-cased, trimmed email, or a 422 when it is not an email address.
 *
 * @since 0.1.0
 * @category validation
 */
export const email = (raw: string): Effect.Effect<string, ApiError.ApiError> => {
  const value = raw.trim().toLowerCase()
  return EMAIL.test(value) ? Effect.succeed(value) : Effect.fail(invalidEmail(value))
}

/**
 * The newest user with this email address, if any.
 *
 * @since 0.1.0
 * @category operations
 */
export const userWithEmail = (emulator: Resource.EmulatorContext, address: string) =>
  UserRecords.newestFirst(emulator).find((u) => UserRecords.identifiers(u).emails.includes(address))

/**
 * The user an accepted invitation signs in: the one with the email, else a new one (its email
 * verified, `public_metadata` copied from the invitation).
 *
 * @since 0.1.0
 * @category operations
 */
export const userFromInvitation = (
  emulator: Resource.EmulatorContext,
  address: string,
  publicMetadata: { readonly [key: string]: unknown }
) =>
  Effect.suspend(() => {
    const existing = userWithEmail(emulator, address)
    return existing === undefined
      ? Users.create(emulator, {
          email_address: [address],
          public_metadata: publicMetadata,
          skip_password_requirement: true
        })
      : Effect.succeed(existing.json)
  })

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
  body: BackendInvitations.CreateBody | BackendInvitations.BulkCreateBody[number]
): Effect.Effect<BackendInvitations.Invitation, ApiError.ApiError> =>
  Effect.gen(function* () {
    const address = yield* email(body.email_address)
    if (body.ignore_existing !== true) {
      const invited = Records.all(emulator, Records.invitations)
      if (invited.some((i) => i.json.email_address === address && i.json.status === "pending")) {
        return yield* ApiError.make(400, {
          message: "duplicate invitation",
          long_message: `There is already a pending invitation for ${address}.`,
          code: "duplicate_record",
          meta: { param_name: "email_address" }
        })
      }
      if (userWithEmail(emulator, address) !== undefined) {
        return yield* ApiError.identifierExists("email_address", `${address} already belongs to a user.`)
      }
    }
    const now = emulator.now()
    const expiresAt =
      body.expires_in_days === undefined || body.expires_in_days === null ? null : now + body.expires_in_days * DAY
    const id = emulator.generateId("inv_")
    const record: Records.InvitationRecord<BackendInvitations.Invitation> = {
      sequence: emulator.store.nextSequence(),
      expiresAt,
      json: {
        object: "invitation",
        id,
        email_address: address,
        public_metadata: body.public_metadata ?? {},
        revoked: false,
        status: "pending",
        url: `${emulator.frontendApiUrl}/v1/tickets/accept?ticket=${emulator.generateToken()}`,
        expires_at: expiresAt,
        created_at: now,
        updated_at: now
      }
    }
    emulator.store.get(Records.invitations).set(id, record)
    if (body.notify !== false) {
      Records.emailEvent(emulator, address, body.template_slug ?? "invitation", "You're invited")
    }
    return structuredClone(record.json)
  })

/**
 * Testing helper: accepts a pending instance invitation as the invitee would, creating the user
 * (its email verified, the invitation's `public_metadata` copied). Throws the
 * {@link ApiError.ApiError} when the invitation is unknown or not pending.
 *
 * @since 0.1.0
 * @category testing
 */
export const accept = (
  emulator: { readonly context: Resource.EmulatorContext },
  invitationId: string
): BackendInvitations.Invitation =>
  Resource.runOrThrow(
    Effect.gen(function* () {
      const context = emulator.context
      const record = yield* Records.transition(
        context,
        context.store.get(Records.invitations).get(invitationId),
        "accepted"
      )
      yield* userFromInvitation(context, record.json.email_address, record.json.public_metadata)
      return structuredClone(record.json)
    })
  )

// spec `ListInvitations` `order_by`: "you can order the returned invitations either by their
// `created_at`, `email_address` or `expires_at`... Defaults to `-created_at`"
const ORDER = Resource.orderBy<Records.InvitationRecord<BackendInvitations.Invitation>>("-created_at", {
  created_at: (r) => r.json.created_at,
  email_address: (r) => r.json.email_address,
  expires_at: (r) => r.json.expires_at
})

/**
 * The routes of instance invitations.
 *
 * @since 0.1.0
 * @category resources
 */
export const routes: ReadonlyArray<Resource.Route> = [
  Resource.route(
    BackendInvitations.operations.list,
    ({ emulator, query }) =>
      Effect.sync(() => {
        const needle = query.query?.toLowerCase()
        const found = Records.all(emulator, Records.invitations).filter(
          (i) =>
            (query.status === undefined || i.json.status === query.status) &&
            (needle === undefined || i.json.email_address.includes(needle) || i.json.id === query.query)
        )
        return Order.page(
          ORDER.sort(found, query.order_by).map((i) => structuredClone(i.json)),
          query
        )
      }),
    { orderBy: ORDER }
  ),
  Resource.route(BackendInvitations.operations.create, ({ emulator, body }) => create(emulator, body), {
    ignores: Records.LINK
  }),
  // all or nothing: the first invalid entry fails the request and nothing is created
  Resource.route(
    BackendInvitations.operations.bulkCreate,
    ({ emulator, body }) =>
      Records.allOrNothing(
        emulator,
        Effect.forEach(body ?? [], (entry) => create(emulator, entry))
      ),
    { ignores: Records.LINK }
  ),
  Resource.route(BackendInvitations.operations.revoke, ({ emulator, path }) =>
    Effect.map(
      Records.transition(emulator, emulator.store.get(Records.invitations).get(path.invitation_id), "revoked", {
        revoked: true
      }),
      (r) => structuredClone(r.json)
    )
  )
]
