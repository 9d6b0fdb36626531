/**
 * Emulated Waitlist Entries: list, create (one or in bulk), delete, invite, reject.
 *
 * - Creating an entry for an email address already on the waitlist creates nothing and answers the
 *   existing entry (spec `CreateWaitlistEntry`, `CreateBulkWaitlistEntries`); a malformed address
 *   is a 422 `form_param_format_invalid`. A bulk create is all or nothing, its addresses distinct
 *   ("Duplicate email addresses within the same request are not allowed": a 422
 *   `form_param_value_invalid`) and at most 50 (the schema's `maxItems`).
 * - `notify` (default true) records an `email.created` event (`waitlist_confirmation`).
 * - Inviting creates an instance invitation (with the rules of `POST /invitations`, including
 *   `ignore_existing`), records its `waitlist_invitation` email and makes the entry `invited`, with
 *   the invitation in `invitation`; once that invitation is accepted the entry reads `completed`.
 * - Only a pending entry can be invited, rejected or deleted ("Delete a pending waitlist entry");
 *   otherwise a 409 (the spec documents one for each): its code `waitlist_entry_not_pending` is
 *   the emulator's own, Clerk documents none.
 * - The list filters by `query` (part of the email address, or the id) and `status`, and sorts by
 *   `order_by` (`created_at`, `email_address`, `invited_at`; default `-created_at`).
 * - Changes record `waitlistEntry.created` and `waitlistEntry.updated` webhook events.
 *
 * @since 0.2.0
 */
import * as BackendWaitlistEntries from "@effect-clerk/backend/WaitlistEntries"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import * as Order from "../internal/order.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"
import * as Instance from "./invitations/instance.js"
import * as Invitations from "./invitations/records.js"

type Entry = BackendWaitlistEntries.WaitlistEntry

/**
 * A stored waitlist entry: its JSON (without `invitation`, read from the invitations table when
 * answered), the invitation it got and when.
 *
 * @since 0.2.0
 * @category models
 */
export interface WaitlistEntryRecord {
  readonly sequence: number
  json: Entry
  invitationId: string | null
  invitedAt: number | null
}

/**
 * The waitlist entries table.
 *
 * @since 0.2.0
 * @category tables
 */
export const waitlistEntries: Store.Table<WaitlistEntryRecord> = Store.table<WaitlistEntryRecord>("waitlist_entries")

const invitationOf = (emulator: Resource.EmulatorContext, record: WaitlistEntryRecord) => {
  const invitation =
    record.invitationId === null ? undefined : emulator.store.get(Invitations.invitations).get(record.invitationId)
  return invitation === undefined ? null : Invitations.current(emulator, invitation).json
}

const json = (emulator: Resource.EmulatorContext, record: WaitlistEntryRecord): Entry => {
  const invitation = invitationOf(emulator, record)
  const status =
    record.json.status === "invited" && invitation?.status === "accepted" ? "completed" : record.json.status
  return structuredClone({ ...record.json, status, invitation })
}

const get = (emulator: Resource.EmulatorContext, id: string) => {
  const record = emulator.store.get(waitlistEntries).get(id)
  return record === undefined
    ? Effect.fail(ApiError.notFound(`No waitlist entry was found with id ${id}.`))
    : Effect.succeed(record)
}

const pending = (emulator: Resource.EmulatorContext, id: string, action: string) =>
  Effect.flatMap(get(emulator, id), (record) => {
    const status = json(emulator, record).status
    return status === "pending"
      ? Effect.succeed(record)
      : Effect.fail(
          ApiError.make(409, {
            message: "not pending",
            long_message: `This waitlist entry is ${status}; only pending entries can be ${action}.`,
            code: "waitlist_entry_not_pending",
            meta: { param_name: "waitlist_entry_id" }
          })
        )
  })

const change = (emulator: Resource.EmulatorContext, record: WaitlistEntryRecord, status: Entry["status"]) => {
  record.json = { ...record.json, status, updated_at: emulator.now() }
  const answer = json(emulator, record)
  emulator.emit("waitlistEntry.updated", answer)
  return answer
}

const create = (
  emulator: Resource.EmulatorContext,
  body: BackendWaitlistEntries.CreateBody
): Effect.Effect<Entry, ApiError.ApiError> =>
  Effect.map(Instance.email(body.email_address), (address) => {
    const table = emulator.store.get(waitlistEntries)
    const existing = Array.from(table.values()).find((r) => r.json.email_address === address)
    if (existing !== undefined) return json(emulator, existing)
    const now = emulator.now()
    const record: WaitlistEntryRecord = {
      sequence: emulator.store.nextSequence(),
      invitationId: null,
      invitedAt: null,
      json: {
        object: "waitlist_entry",
        id: emulator.generateId("wle_"),
        email_address: address,
        status: "pending",
        is_locked: false,
        created_at: now,
        updated_at: now
      }
    }
    table.set(record.json.id, record)
    if (body.notify !== false) {
      Invitations.emailEvent(emulator, address, "waitlist_confirmation", "You're on the waitlist")
    }
    const answer = json(emulator, record)
    emulator.emit("waitlistEntry.created", answer)
    return answer
  })

// spec `ListWaitlistEntries` `order_by`: `created_at`, `email_address` or `invited_at`, with `+` or
// `-` (`+` implied); default `-created_at`
const ORDER = Resource.orderBy<WaitlistEntryRecord>("-created_at", {
  created_at: (r) => r.json.created_at,
  email_address: (r) => r.json.email_address,
  invited_at: (r) => r.invitedAt
})

/**
 * The Waitlist Entries resource.
 *
 * @since 0.2.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("waitlist_entries", [
  Resource.route(
    BackendWaitlistEntries.operations.list,
    ({ emulator, query }) =>
      Effect.gen(function* () {
        const needle = query.query?.toLowerCase()
        const items = ORDER.sort(emulator.store.get(waitlistEntries).values(), query.order_by)
          .map((record) => ({ record, entry: json(emulator, record) }))
          .filter(
            ({ entry }) =>
              (query.status === undefined || entry.status === query.status) &&
              (needle === undefined || entry.email_address.includes(needle) || entry.id === query.query)
          )
          .map(({ entry }) => entry)
        return Order.page(items, query)
      }),
    { orderBy: ORDER }
  ),
  Resource.route(BackendWaitlistEntries.operations.create, ({ emulator, body }) => create(emulator, body)),
  Resource.route(BackendWaitlistEntries.operations.bulkCreate, ({ emulator, body }) =>
    Invitations.allOrNothing(
      emulator,
      Effect.gen(function* () {
        const entries = body ?? []
        const addresses = entries.map((e) => e.email_address.trim().toLowerCase())
        const repeated = addresses.find((a, i) => addresses.indexOf(a) !== i)
        if (repeated !== undefined) {
          return yield* ApiError.unprocessable({
            message: "is invalid",
            long_message: `${repeated} appears more than once in the request.`,
            code: "form_param_value_invalid",
            meta: { param_name: "email_address" }
          })
        }
        return yield* Effect.forEach(entries, (entry) => create(emulator, entry))
      })
    )
  ),
  Resource.route(BackendWaitlistEntries.operations.delete, ({ emulator, path }) =>
    Effect.map(pending(emulator, path.waitlist_entry_id, "deleted"), (record) => {
      emulator.store.get(waitlistEntries).delete(record.json.id)
      return { object: "waitlist_entry", id: record.json.id, deleted: true }
    })
  ),
  Resource.route(BackendWaitlistEntries.operations.invite, ({ emulator, path, body }) =>
    Effect.gen(function* () {
      const record = yield* pending(emulator, path.waitlist_entry_id, "invited")
      const address = record.json.email_address
      const invitation = yield* Instance.create(emulator, {
        email_address: address,
        ignore_existing: body?.ignore_existing ?? false,
        notify: false
      })
      Invitations.emailEvent(emulator, address, "waitlist_invitation", "You're invited")
      record.invitationId = invitation.id
      record.invitedAt = invitation.created_at
      return change(emulator, record, "invited")
    })
  ),
  Resource.route(BackendWaitlistEntries.operations.reject, ({ emulator, path }) =>
    Effect.map(pending(emulator, path.waitlist_entry_id, "rejected"), (record) => change(emulator, record, "rejected"))
  )
])
