/**
 * Listing and counting users (`GET /users`, `GET /users/count`): Clerk's filters, all of which
 * must hold, and Clerk's ordering.
 *
 * @since 0.1.0
 */
import * as BackendUsers from "@effect-clerk/backend/Users"
import * as Effect from "effect/Effect"
import * as ApiError from "../../ApiError.js"
import * as Params from "../../internal/params.js"
import * as Resource from "../../Resource.js"
import * as Organizations from "../organizations/records.js"
import * as Records from "./records.js"

type Filter = (user: Records.UserRecord, ids: Records.Identifiers) => boolean

const lower = (values: ReadonlyArray<string> | undefined) => (values ?? []).map((v) => v.toLowerCase())
const contains = (haystack: string | null | undefined, needle: string) =>
  haystack !== null && haystack !== undefined && haystack.toLowerCase().includes(needle)

type Timestamp = "created_at" | "last_active_at" | "last_sign_in_at"

// Spec `GetUserList` / `GetUsersCount` query parameters, one filter each; all filters must hold.
const filters = (emulator: Resource.EmulatorContext, q: BackendUsers.CountParams): Array<Filter> => {
  const out: Array<Filter> = []
  const emails = lower(q.email_address)
  if (emails.length > 0) out.push((_, i) => i.emails.some((e) => emails.includes(e)))
  const phones = q.phone_number ?? []
  if (phones.length > 0) out.push((_, i) => i.phones.some((p) => phones.includes(p)))
  const usernames = lower(q.username)
  if (usernames.length > 0) out.push((_, i) => i.username !== null && usernames.includes(i.username))
  const externalIds = q.external_id ?? []
  if (externalIds.length > 0) out.push((_, i) => i.externalId !== null && externalIds.includes(i.externalId))
  // user_id: "For each user ID, the `+` and `-` can be prepended to the ID, which denote whether
  // the respective user ID should be included or excluded from the result set" (spec).
  if ((q.user_id ?? []).length > 0) {
    const byId = Params.includeExclude(q.user_id)
    out.push((_, i) => byId(i.id))
  }
  const wallets = lower(q.web3_wallet)
  if (wallets.length > 0) out.push((_, i) => i.wallets.some((w) => wallets.includes(w)))
  // organization_id: "the `+` and `-` can be prepended to the ID, which denote whether the
  // respective organization should be included or excluded from the result set" (spec).
  const orgs = q.organization_id ?? []
  if (orgs.length > 0) {
    const member = (userId: string, orgId: string) =>
      Organizations.findMembership(emulator, orgId, userId) !== undefined
    const include = orgs.filter((o) => !o.startsWith("-")).map((o) => o.replace(/^\+/, ""))
    const exclude = orgs.filter((o) => o.startsWith("-")).map((o) => o.slice(1))
    out.push(
      (_, i) => (include.length === 0 || include.some((o) => member(i.id, o))) && !exclude.some((o) => member(i.id, o))
    )
  }
  // query: "we check the email addresses, phone numbers, usernames, web3 wallets, user IDs, first
  // and last names. The query value doesn't need to match the exact value" (spec), case-insensitive.
  if (q.query !== undefined && q.query !== "") {
    const needle = q.query.toLowerCase()
    out.push(
      (u, i) =>
        i.emails.some((e) => e.includes(needle)) ||
        i.phones.some((p) => p.includes(needle)) ||
        i.wallets.some((w) => w.includes(needle)) ||
        contains(i.username, needle) ||
        contains(i.id, needle) ||
        contains(u.json.first_name, needle) ||
        contains(u.json.last_name, needle)
    )
  }
  if (q.email_address_query) {
    const needle = q.email_address_query.toLowerCase()
    out.push((_, i) => i.emails.some((e) => e.includes(needle)))
  }
  if (q.phone_number_query) {
    const needle = q.phone_number_query.toLowerCase()
    out.push((_, i) => i.phones.some((p) => p.includes(needle)))
  }
  if (q.username_query) {
    const needle = q.username_query.toLowerCase()
    out.push((_, i) => contains(i.username, needle))
  }
  if (q.name_query) {
    const needle = q.name_query.toLowerCase()
    out.push((u) => contains(`${u.json.first_name ?? ""} ${u.json.last_name ?? ""}`, needle))
  }
  if (q.banned !== undefined) out.push((u) => u.json.banned === q.banned)
  const before = (key: Timestamp, limit: number | undefined) => {
    if (limit !== undefined) out.push((u) => (u.json[key] ?? Infinity) < limit)
  }
  const after = (key: Timestamp, limit: number | undefined) => {
    if (limit !== undefined) out.push((u) => (u.json[key] ?? -Infinity) > limit)
  }
  before("created_at", q.created_at_before)
  after("created_at", q.created_at_after)
  before("last_active_at", q.last_active_at_before)
  after("last_active_at", q.last_active_at_after ?? q.last_active_at_since)
  before("last_sign_in_at", q.last_sign_in_at_before)
  after("last_sign_in_at", q.last_sign_in_at_after)
  if (q.provider !== undefined || (q.provider_user_id ?? []).length > 0) out.push(() => false) // no external accounts
  return out
}

const matching = (emulator: Resource.EmulatorContext, q: BackendUsers.CountParams): Array<Records.UserRecord> => {
  const all = filters(emulator, q)
  return Array.from(emulator.store.get(Records.users).values()).filter((u) => {
    const ids = Records.identifiers(u)
    return all.every((f) => f(u, ids))
  })
}

const first = <A>(items: ReadonlyArray<A>, primaryId: string | null, id: (a: A) => string | undefined) =>
  items.find((a) => id(a) === primaryId) ?? items[0]

// spec `GetUserList` `order_by`: "you can order the returned users by their `created_at`,`updated_at`,
// `email_address`,`web3wallet`,`first_name`,`last_name`,`phone_number`,`username`,`last_active_at`,
// `last_sign_in_at`... If you don't use `+` or `-`, then `+` is implied"; default `-created_at`.
// An identifier sorts by the primary one.
const ORDER = Resource.orderBy<Records.UserRecord>("-created_at", {
  created_at: (u) => u.json.created_at,
  updated_at: (u) => u.json.updated_at,
  email_address: (u) => first(u.json.email_addresses, u.json.primary_email_address_id, (e) => e.id)?.email_address,
  web3wallet: (u) => first(u.json.web3_wallets, u.json.primary_web3_wallet_id, (w) => w.id)?.web3_wallet,
  first_name: (u) => u.json.first_name,
  last_name: (u) => u.json.last_name,
  phone_number: (u) => first(u.json.phone_numbers, u.json.primary_phone_number_id, (p) => p.id)?.phone_number,
  username: (u) => u.json.username,
  last_active_at: (u) => u.json.last_active_at,
  last_sign_in_at: (u) => u.json.last_sign_in_at
})

const valueInvalid = (param: string, longMessage: string) =>
  ApiError.unprocessable({
    message: "is invalid",
    long_message: longMessage,
    code: "form_param_value_invalid",
    meta: { param_name: param }
  })

const list = (
  emulator: Resource.EmulatorContext,
  q: BackendUsers.ListParams
): Effect.Effect<Array<BackendUsers.User>, ApiError.ApiError> =>
  Effect.gen(function* () {
    const limit = q.limit ?? 10
    const offset = q.offset ?? 0
    let sorted = ORDER.sort(matching(emulator, q), q.order_by)
    if (q.starting_after !== undefined) {
      // spec `GetUserList`, starting_after: "Requires ordering by `created_at`... Any other
      // `order_by` value is rejected with a 422... Cannot be combined with a non-zero `offset`,
      // which is also a 422."
      if ((q.order_by || ORDER.default).replace(/^[+-]/, "") !== "created_at") {
        return yield* valueInvalid("order_by", "starting_after can only be combined with ordering by created_at.")
      }
      if (offset !== 0) {
        return yield* valueInvalid("offset", "starting_after cannot be combined with a non-zero offset.")
      }
      const index = sorted.findIndex((u) => u.json.id === q.starting_after)
      if (index === -1) {
        return yield* valueInvalid("starting_after", `No user was found with id ${q.starting_after}.`)
      }
      sorted = sorted.slice(index + 1)
    }
    return sorted.slice(offset, offset + limit).map((u) => structuredClone(u.json))
  })

/**
 * The routes of `GET /users` and `GET /users/count`.
 *
 * @since 0.1.0
 * @category resources
 */
export const routes: ReadonlyArray<Resource.Route> = [
  Resource.route(BackendUsers.operations.list, ({ emulator, query }) => list(emulator, query), { orderBy: ORDER }),
  Resource.route(BackendUsers.operations.count, ({ emulator, query }) =>
    Effect.sync(() => ({ object: "total_count", total_count: matching(emulator, query).length }))
  )
]
