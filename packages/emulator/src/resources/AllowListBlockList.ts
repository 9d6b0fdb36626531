/**
 * Emulated allow-list and block-list identifiers: create, list, delete.
 *
 * An identifier is an email address, a phone number (E.164), a web3 wallet (`0x` + 40 hex digits),
 * or, for the allow-list and the block-list alike, an email domain written `*@example.com`
 * (Clerk docs, "Restrictions": "add ... a domain such as `*@clerk.dev`"). Adding the same
 * identifier twice to one list is a 400 `duplicate_record`.
 *
 * @since 0.1.0
 */
import * as BackendLists from "@effect-clerk/backend/AllowListBlockList"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import * as Order from "../internal/order.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"
import * as Invitations from "./invitations/records.js"

/**
 * An identifier of either list as the API returns it (the backend's generated
 * `AllowListBlockList.AllowlistIdentifier` or `BlocklistIdentifier`), with the keys the emulator
 * always sets.
 *
 * @since 0.1.0
 * @category models
 */
export type IdentifierJson<A extends BackendLists.AllowlistIdentifier | BackendLists.BlocklistIdentifier> = A & {
  readonly id: string
  readonly identifier: string
}

/**
 * A stored identifier of either list.
 *
 * @since 0.1.0
 * @category models
 */
export interface IdentifierRecord<
  A extends BackendLists.AllowlistIdentifier | BackendLists.BlocklistIdentifier =
    BackendLists.AllowlistIdentifier | BackendLists.BlocklistIdentifier
> {
  readonly sequence: number
  readonly json: IdentifierJson<A>
}

/**
 * The allow-list table.
 *
 * @since 0.1.0
 * @category tables
 */
export const allowlist: Store.Table<IdentifierRecord<BackendLists.AllowlistIdentifier>> =
  Store.table("allowlist_identifiers")

/**
 * The block-list table.
 *
 * @since 0.1.0
 * @category tables
 */
export const blocklist: Store.Table<IdentifierRecord<BackendLists.BlocklistIdentifier>> =
  Store.table("blocklist_identifiers")

const identifierType = (identifier: string): "email_address" | "phone_number" | "web3_wallet" | undefined =>
  /^(\*|[^\s@]+)@[^\s@]+\.[^\s@]+$/.test(identifier)
    ? "email_address"
    : /^\+[1-9]\d{6,14}$/.test(identifier)
      ? "phone_number"
      : /^0x[0-9a-fA-F]{40}$/.test(identifier)
        ? "web3_wallet"
        : undefined

/**
 * Adds an identifier to a list (same rules as `POST /allowlist_identifiers`).
 *
 * @since 0.1.0
 * @category operations
 */
export const add = <A extends BackendLists.AllowlistIdentifier | BackendLists.BlocklistIdentifier>(
  emulator: Resource.EmulatorContext,
  table: Store.Table<IdentifierRecord<A>>,
  object: "allowlist_identifier" | "blocklist_identifier",
  raw: string
): Effect.Effect<IdentifierJson<A>, ApiError.ApiError> =>
  Effect.suspend(() => {
    const identifier = raw.trim().toLowerCase()
    const type = identifierType(identifier)
    if (type === undefined) {
      return Effect.fail(
        ApiError.paramFormatInvalid(
          "identifier",
          "identifier must be an email address, a phone number or a web3 wallet."
        )
      )
    }
    const rows = emulator.store.get(table)
    if (Array.from(rows.values()).some((r) => r.json.identifier === identifier)) {
      return Effect.fail(
        ApiError.make(400, {
          message: "duplicate identifier",
          long_message: `${identifier} is already on this list.`,
          code: "duplicate_record",
          meta: { param_name: "identifier" }
        })
      )
    }
    const now = emulator.now()
    const id = emulator.generateId(object === "allowlist_identifier" ? "alid_" : "blid_")
    const json = {
      object,
      id,
      identifier,
      identifier_type: type,
      instance_id: "ins_emulator",
      created_at: now,
      updated_at: now
    } as IdentifierJson<A>
    rows.set(id, { sequence: emulator.store.nextSequence(), json })
    return Effect.succeed(structuredClone(json))
  })

const remove = (
  emulator: Resource.EmulatorContext,
  table: Store.Table<IdentifierRecord>,
  object: "allowlist_identifier" | "blocklist_identifier",
  id: string
) =>
  Effect.suspend(() => {
    if (!emulator.store.get(table).delete(id)) return Effect.fail(ApiError.notFound("Identifier not found."))
    return Effect.succeed({ object, id, deleted: true })
  })

const listed = <A extends BackendLists.AllowlistIdentifier | BackendLists.BlocklistIdentifier>(
  emulator: Resource.EmulatorContext,
  table: Store.Table<IdentifierRecord<A>>
): Array<IdentifierJson<A>> =>
  Array.from(emulator.store.get(table).values())
    .sort((a, b) => b.sequence - a.sequence)
    .map((r) => structuredClone(r.json))

/**
 * The allow-list / block-list resource.
 *
 * @since 0.1.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("allowlist_blocklist", [
  // without `paginated`, every identifier: `limit` and `offset` page only the paginated answer
  Resource.route(BackendLists.operations.listAllowlistIdentifiers, ({ emulator, query }) =>
    Effect.sync(() => {
      const items = listed(emulator, allowlist)
      return query.paginated === true ? Order.page(items, query) : { data: items, total_count: items.length }
    })
  ),
  // spec `CreateAllowlistIdentifier` `notify` (default false): "whether the given identifier will
  // receive an invitation to join the application... only works for email address and phone number
  // identifiers"; recorded as the `email.created` or `sms.created` event Clerk emits
  Resource.route(BackendLists.operations.createAllowlistIdentifier, ({ emulator, body }) =>
    Effect.tap(add(emulator, allowlist, "allowlist_identifier", body.identifier), (added) =>
      Effect.sync(() => {
        if (body.notify !== true) return
        if (added.identifier_type === "email_address" && !added.identifier.startsWith("*@")) {
          Invitations.emailEvent(emulator, added.identifier, "invitation", "You're invited")
        } else if (added.identifier_type === "phone_number") {
          Invitations.smsEvent(emulator, added.identifier, "invitation", "You're invited:")
        }
      })
    )
  ),
  Resource.route(BackendLists.operations.deleteAllowlistIdentifier, ({ emulator, path }) =>
    remove(emulator, allowlist, "allowlist_identifier", path.identifier_id)
  ),
  Resource.route(BackendLists.operations.listBlocklistIdentifiers, ({ emulator }) =>
    Effect.sync(() => {
      const data = listed(emulator, blocklist)
      return { data, total_count: data.length }
    })
  ),
  Resource.route(BackendLists.operations.createBlocklistIdentifier, ({ emulator, body }) =>
    add(emulator, blocklist, "blocklist_identifier", body.identifier)
  ),
  Resource.route(BackendLists.operations.deleteBlocklistIdentifier, ({ emulator, path }) =>
    remove(emulator, blocklist, "blocklist_identifier", path.identifier_id)
  )
])
