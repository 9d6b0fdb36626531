/**
 * Emulated Users: create, get, update, delete; list and count with Clerk's filters and ordering;
 * metadata merge and replace; ban/unban (one or in bulk), lock/unlock; identifiers unique per
 * instance.
 *
 * Responses follow the spec's `User`, `EmailAddress`, `PhoneNumber`, `TotalCount` and `DeletedObject`
 * schemas. Email addresses and usernames are lower-cased and unique across the instance (as are phone
 * numbers and external ids): a taken one is a 422 `form_identifier_exists`. `web3_wallet`,
 * `password_digest`, `password_hasher` and the `skip_*` flags are accepted (the spec allows them) but
 * have no emulated effect beyond `password_enabled`. Timestamps are Unix milliseconds, as Clerk's.
 *
 * @since 0.1.0
 */
import type * as BackendUsers from "@effect-clerk/backend/Users"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import { deepMerge } from "../internal/metadata.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"
import * as Organizations from "./Organizations.js"
import * as Sessions from "./Sessions.js"

/**
 * The JSON of a user as returned by the API (spec schema `User`).
 *
 * @since 0.1.0
 * @category models
 */
export type UserJson = Record<string, unknown> & {
  readonly id: string
  readonly object: "user"
  readonly created_at: number
  readonly updated_at: number
}

/**
 * A stored user.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserRecord {
  readonly sequence: number
  json: UserJson
  password: string | null
}

/**
 * The users table.
 *
 * @since 0.1.0
 * @category tables
 */
export const users: Store.Table<UserRecord> = Store.table<UserRecord>("users")

/**
 * The body of `POST /users`: the backend's generated `Users.CreateBody` (every request is validated
 * with the generated schemas before a handler runs).
 *
 * @since 0.1.0
 * @category models
 */
export type CreateUserParams = BackendUsers.CreateBody

interface Identifiers {
  readonly id: string
  readonly emails: ReadonlyArray<string>
  readonly phones: ReadonlyArray<string>
  readonly username: string | null
  readonly externalId: string | null
}

const str = (u: unknown): string | null => (typeof u === "string" ? u : null)
const list = (u: unknown): ReadonlyArray<Record<string, unknown>> =>
  Array.isArray(u) ? (u as ReadonlyArray<Record<string, unknown>>) : []

/**
 * The identifiers of a stored user: lower-cased emails, phone numbers, username, external id.
 *
 * @since 0.1.0
 * @category operations
 */
export const identifiers = (record: UserRecord): Identifiers => ({
  id: record.json.id,
  emails: list(record.json["email_addresses"]).map((e) => String(e["email_address"])),
  phones: list(record.json["phone_numbers"]).map((p) => String(p["phone_number"])),
  username: str(record.json["username"]),
  externalId: str(record.json["external_id"])
})

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const PHONE = /^\+[1-9]\d{6,14}$/

const timestampParam = (
  name: string,
  value: string | null | undefined
): Effect.Effect<number | null, ApiError.ApiError> => {
  if (value === undefined || value === null || value === "") return Effect.succeed(null)
  const ms = Date.parse(value)
  return Number.isNaN(ms)
    ? Effect.fail(ApiError.paramFormatInvalid(name, `${name} must be an RFC3339 date-time.`))
    : Effect.succeed(ms)
}

const statuses = (
  name: string,
  values: ReadonlyArray<string>,
  given: ReadonlyArray<"verified" | "reserved"> | undefined
): Effect.Effect<ReadonlyArray<"verified" | "reserved">, ApiError.ApiError> => {
  if (given === undefined || given.length === 0) return Effect.succeed(values.map(() => "verified" as const))
  return given.length === values.length
    ? Effect.succeed(given)
    : Effect.fail(ApiError.paramFormatInvalid(name, `${name} must contain exactly one item per identifier.`))
}

const verification = (status: "verified" | "reserved") =>
  status === "verified"
    ? { object: "verification_admin", status: "verified", strategy: "admin", attempts: null, expire_at: null }
    : null

const findDuplicate = (values: ReadonlyArray<string>): string | undefined =>
  values.find((value, index) => values.indexOf(value) !== index)

/**
 * Creates a user in `emulator`'s state, applying the same validation as `POST /users`.
 *
 * @since 0.1.0
 * @category operations
 */
export const create = (
  emulator: Resource.EmulatorContext,
  params: BackendUsers.CreateBody
): Effect.Effect<UserJson, ApiError.ApiError> =>
  Effect.gen(function* () {
    const table = emulator.store.get(users)
    const existing = Array.from(table.values(), identifiers)
    const emails = (params.email_address ?? []).map((e) => e.trim().toLowerCase())
    const phones = (params.phone_number ?? []).map((p) => p.trim())
    const username = params.username ? params.username.trim().toLowerCase() : null
    const externalId = params.external_id ? params.external_id : null

    const badEmail = emails.find((e) => !EMAIL.test(e))
    if (badEmail !== undefined) {
      return yield* ApiError.paramFormatInvalid("email_address", `${badEmail} is not a valid email address.`)
    }
    const badPhone = phones.find((p) => !PHONE.test(p))
    if (badPhone !== undefined) {
      return yield* ApiError.paramFormatInvalid("phone_number", `${badPhone} is not a valid phone number (E.164).`)
    }
    const emailStatuses = yield* statuses(
      "email_address_identification_status",
      emails,
      params.email_address_identification_status
    )
    const phoneStatuses = yield* statuses(
      "phone_number_identification_status",
      phones,
      params.phone_number_identification_status
    )
    const takenEmail = findDuplicate(emails) ?? emails.find((e) => existing.some((u) => u.emails.includes(e)))
    if (takenEmail !== undefined) {
      return yield* ApiError.identifierExists(
        "email_address",
        `That email address is taken. Please try another. (${takenEmail})`
      )
    }
    const takenPhone = findDuplicate(phones) ?? phones.find((p) => existing.some((u) => u.phones.includes(p)))
    if (takenPhone !== undefined) {
      return yield* ApiError.identifierExists(
        "phone_number",
        `That phone number is taken. Please try another. (${takenPhone})`
      )
    }
    if (username !== null && existing.some((u) => u.username === username)) {
      return yield* ApiError.identifierExists("username", "That username is taken. Please try another.")
    }
    if (externalId !== null && existing.some((u) => u.externalId === externalId)) {
      return yield* ApiError.identifierExists("external_id", "That external ID is taken. Please try another.")
    }
    const password = params.password ?? null
    if (password !== null && password.length < 8 && params.skip_password_checks !== true) {
      return yield* ApiError.unprocessable({
        message: "Passwords must be 8 characters or more.",
        long_message: "Passwords must be 8 characters or more.",
        code: "form_password_length_too_short",
        meta: { param_name: "password" }
      })
    }
    const legalAcceptedAt = yield* timestampParam("legal_accepted_at", params.legal_accepted_at)
    const now = emulator.now()
    const createdAt = (yield* timestampParam("created_at", params.created_at)) ?? now

    const emailAddresses = emails.map((email_address, i) => ({
      id: emulator.generateId("idn_"),
      object: "email_address",
      email_address,
      reserved: emailStatuses[i] === "reserved",
      verification: verification(emailStatuses[i]!),
      linked_to: [],
      matches_sso_connection: false,
      created_at: now,
      updated_at: now
    }))
    const phoneNumbers = phones.map((phone_number, i) => ({
      id: emulator.generateId("idn_"),
      object: "phone_number",
      phone_number,
      reserved_for_second_factor: false,
      default_second_factor: false,
      reserved: phoneStatuses[i] === "reserved",
      verification: verification(phoneStatuses[i]!),
      linked_to: [],
      backup_codes: null,
      created_at: now,
      updated_at: now
    }))
    const passwordEnabled = password !== null || Boolean(params.password_digest)
    const totpEnabled = Boolean(params.totp_secret)
    const backupCodeEnabled = (params.backup_codes ?? []).length > 0
    const locked = params.locked === true
    const imageUrl = `${emulator.frontendApiUrl}/images/default-avatar.png`

    const json: UserJson = {
      id: emulator.generateId("user_"),
      object: "user",
      external_id: externalId,
      primary_email_address_id: emailAddresses[0]?.id ?? null,
      primary_phone_number_id: phoneNumbers[0]?.id ?? null,
      primary_web3_wallet_id: null,
      username,
      first_name: params.first_name ?? null,
      last_name: params.last_name ?? null,
      locale: params.locale ?? null,
      profile_image_url: imageUrl,
      image_url: imageUrl,
      has_image: false,
      public_metadata: params.public_metadata ?? {},
      private_metadata: params.private_metadata ?? {},
      unsafe_metadata: params.unsafe_metadata ?? {},
      email_addresses: emailAddresses,
      phone_numbers: phoneNumbers,
      web3_wallets: [],
      passkeys: [],
      password_enabled: passwordEnabled,
      two_factor_enabled: totpEnabled || backupCodeEnabled,
      totp_enabled: totpEnabled,
      backup_code_enabled: backupCodeEnabled,
      mfa_enabled_at: totpEnabled || backupCodeEnabled ? now : null,
      mfa_disabled_at: null,
      password_last_updated_at: passwordEnabled ? now : null,
      external_accounts: [],
      saml_accounts: [],
      enterprise_accounts: [],
      organization_memberships: [],
      last_sign_in_at: null,
      banned: params.banned === true,
      locked,
      deprovisioned: false,
      lockout_expires_in_seconds: null,
      verification_attempts_remaining: 100,
      updated_at: now,
      created_at: createdAt,
      delete_self_enabled: params.delete_self_enabled ?? true,
      create_organization_enabled: params.create_organization_enabled ?? true,
      create_organizations_limit: params.create_organizations_limit ?? null,
      last_active_at: null,
      legal_accepted_at: legalAcceptedAt,
      bypass_client_trust: params.bypass_client_trust ?? false
    }
    table.set(json.id, { sequence: emulator.store.nextSequence(), json, password })
    emulator.emit("user.created", json)
    return structuredClone(json)
  })

/**
 * Seeds a user directly into an emulator's state (same validation and defaults as `POST /users`).
 * Throws the {@link ApiError.ApiError} on invalid params.
 *
 * @since 0.1.0
 * @category testing
 */
export const seed = (
  emulator: { readonly context: Resource.EmulatorContext },
  params: CreateUserParams = {}
): UserJson => Resource.runOrThrow(create(emulator.context, params))

/**
 * Looks up a stored user by id.
 *
 * @since 0.1.0
 * @category operations
 */
export const find = (emulator: Resource.EmulatorContext, userId: string): UserRecord | undefined =>
  emulator.store.get(users).get(userId)

const getUser = (emulator: Resource.EmulatorContext, userId: string): Effect.Effect<UserRecord, ApiError.ApiError> => {
  const record = find(emulator, userId)
  return record === undefined
    ? Effect.fail(ApiError.notFound(`No user was found with id ${userId}.`))
    : Effect.succeed(record)
}

/**
 * Replaces a stored user's JSON with `changes` applied, bumps `updated_at`, emits `user.updated`.
 *
 * @since 0.1.0
 * @category operations
 */
export const patch = (
  emulator: Resource.EmulatorContext,
  record: UserRecord,
  changes: Record<string, unknown>
): UserJson => {
  record.json = { ...record.json, ...changes, updated_at: emulator.now() }
  emulator.emit("user.updated", record.json)
  return structuredClone(record.json)
}

// -----------------------------------------------------------------------------------------------
// list and count
// -----------------------------------------------------------------------------------------------

type Filter = (user: UserRecord, ids: Identifiers) => boolean

const lower = (values: ReadonlyArray<string> | undefined) => (values ?? []).map((v) => v.toLowerCase())
const contains = (haystack: string | null | undefined, needle: string) =>
  haystack !== null && haystack !== undefined && haystack.toLowerCase().includes(needle)

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
  const userIds = q.user_id ?? []
  if (userIds.length > 0) out.push((_, i) => userIds.includes(i.id))
  if ((q.web3_wallet ?? []).length > 0) out.push(() => false) // no user has a web3 wallet here
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
        contains(i.username, needle) ||
        contains(i.id, needle) ||
        contains(str(u.json["first_name"]), needle) ||
        contains(str(u.json["last_name"]), needle)
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
    out.push((u) => contains(`${str(u.json["first_name"]) ?? ""} ${str(u.json["last_name"]) ?? ""}`, needle))
  }
  if (q.banned !== undefined) out.push((u) => u.json["banned"] === q.banned)
  const ms = (u: UserRecord, key: string) => (typeof u.json[key] === "number" ? (u.json[key] as number) : undefined)
  const before = (key: string, limit: number | undefined) => {
    if (limit !== undefined) out.push((u) => (ms(u, key) ?? Infinity) < limit)
  }
  const after = (key: string, limit: number | undefined) => {
    if (limit !== undefined) out.push((u) => (ms(u, key) ?? -Infinity) > limit)
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

const matching = (emulator: Resource.EmulatorContext, q: BackendUsers.CountParams): Array<UserRecord> => {
  const all = filters(emulator, q)
  return Array.from(emulator.store.get(users).values()).filter((u) => {
    const ids = identifiers(u)
    return all.every((f) => f(u, ids))
  })
}

const ORDER_FIELDS = [
  "created_at",
  "updated_at",
  "email_address",
  "web3wallet",
  "first_name",
  "last_name",
  "phone_number",
  "username",
  "last_active_at",
  "last_sign_in_at"
] as const

const sortValue = (u: UserRecord, field: string): string | number | null => {
  const ids = identifiers(u)
  switch (field) {
    case "email_address":
      return ids.emails[0] ?? null
    case "phone_number":
      return ids.phones[0] ?? null
    case "web3wallet":
      return null
    default: {
      const v = u.json[field]
      return typeof v === "string" || typeof v === "number" ? v : null
    }
  }
}

/**
 * Parses `order_by` ("If you don't use `+` or `-`, then `+` is implied"; default `-created_at`).
 * Anything else is a 422 `form_param_format_invalid`.
 */
const orderBy = (raw: string | undefined): Effect.Effect<{ field: string; sign: 1 | -1 }, ApiError.ApiError> => {
  const value = raw === undefined || raw === "" ? "-created_at" : raw
  const sign = value.startsWith("-") ? -1 : 1
  const field = value.replace(/^[+-]/, "")
  return (ORDER_FIELDS as ReadonlyArray<string>).includes(field)
    ? Effect.succeed({ field, sign })
    : Effect.fail(
        ApiError.paramFormatInvalid(
          "order_by",
          `order_by must be one of ${ORDER_FIELDS.join(", ")}, with an optional + or -.`
        )
      )
}

const compare = (field: string, sign: 1 | -1) => (a: UserRecord, b: UserRecord) => {
  const x = sortValue(a, field)
  const y = sortValue(b, field)
  // nulls last in either direction; ties broken by insertion order in the same direction
  if (x === null || y === null) return x === y ? sign * (a.sequence - b.sequence) : x === null ? 1 : -1
  const c = x < y ? -1 : x > y ? 1 : 0
  return c !== 0 ? sign * c : sign * (a.sequence - b.sequence)
}

const listUsers = (
  emulator: Resource.EmulatorContext,
  q: BackendUsers.ListParams
): Effect.Effect<Array<UserJson>, ApiError.ApiError> =>
  Effect.gen(function* () {
    const { field, sign } = yield* orderBy(q.order_by)
    const limit = q.limit ?? 10
    const offset = q.offset ?? 0
    let sorted = matching(emulator, q).sort(compare(field, sign))
    if (q.starting_after !== undefined) {
      // spec `GetUserList`, starting_after: "Requires ordering by `created_at`... Any other
      // `order_by` value is rejected with a 422... Cannot be combined with a non-zero `offset`,
      // which is also a 422."
      if (field !== "created_at") {
        return yield* ApiError.unprocessable({
          message: "is invalid",
          long_message: "starting_after can only be combined with ordering by created_at.",
          code: "form_param_value_invalid",
          meta: { param_name: "order_by" }
        })
      }
      if (offset !== 0) {
        return yield* ApiError.unprocessable({
          message: "is invalid",
          long_message: "starting_after cannot be combined with a non-zero offset.",
          code: "form_param_value_invalid",
          meta: { param_name: "offset" }
        })
      }
      const index = sorted.findIndex((u) => u.json.id === q.starting_after)
      if (index === -1) {
        return yield* ApiError.unprocessable({
          message: "is invalid",
          long_message: `No user was found with id ${q.starting_after}.`,
          code: "form_param_value_invalid",
          meta: { param_name: "starting_after" }
        })
      }
      sorted = sorted.slice(index + 1)
    }
    return sorted.slice(offset, offset + limit).map((u) => structuredClone(u.json))
  })

/**
 * All stored users, newest first (by `created_at`, then by insertion).
 *
 * @since 0.1.0
 * @category operations
 */
export const newestFirst = (emulator: Resource.EmulatorContext): Array<UserRecord> =>
  Array.from(emulator.store.get(users).values()).sort(compare("created_at", -1))

// -----------------------------------------------------------------------------------------------
// update
// -----------------------------------------------------------------------------------------------

const update = (
  emulator: Resource.EmulatorContext,
  record: UserRecord,
  body: BackendUsers.UpdateBody
): Effect.Effect<UserJson, ApiError.ApiError> =>
  Effect.gen(function* () {
    const others = Array.from(emulator.store.get(users).values())
      .filter((u) => u !== record)
      .map(identifiers)
    const changes: Record<string, unknown> = {}
    if (body.username !== undefined) {
      // "You can remove a user's username by setting the username attribute to null or the blank
      // string" (spec `UpdateUser`).
      const username = body.username === null || body.username.trim() === "" ? null : body.username.trim().toLowerCase()
      if (username !== null && others.some((u) => u.username === username)) {
        return yield* ApiError.identifierExists("username", "That username is taken. Please try another.")
      }
      changes["username"] = username
    }
    if (body.external_id !== undefined) {
      const externalId = body.external_id === null || body.external_id === "" ? null : body.external_id
      if (externalId !== null && others.some((u) => u.externalId === externalId)) {
        return yield* ApiError.identifierExists("external_id", "That external ID is taken. Please try another.")
      }
      changes["external_id"] = externalId
    }
    for (const [param, key] of [
      ["primary_email_address_id", "email_addresses"],
      ["primary_phone_number_id", "phone_numbers"]
    ] as const) {
      const id = body[param]
      if (id === undefined || id === null) continue
      // "Both IDs should correspond to verified identifications that belong to the user" (spec).
      if (!list(record.json[key]).some((e) => e["id"] === id)) {
        return yield* ApiError.unprocessable({
          message: "is invalid",
          long_message: `${id} is not an identification of this user.`,
          code: "form_param_value_invalid",
          meta: { param_name: param }
        })
      }
      changes[param] = id
    }
    for (const key of ["first_name", "last_name", "locale"] as const) {
      if (body[key] !== undefined) changes[key] = body[key]
    }
    for (const key of ["delete_self_enabled", "create_organization_enabled", "bypass_client_trust"] as const) {
      if (body[key] !== undefined && body[key] !== null) changes[key] = body[key]
    }
    if (body.create_organizations_limit !== undefined)
      changes["create_organizations_limit"] = body.create_organizations_limit
    if (body.password !== undefined && body.password !== null) {
      if (body.password.length < 8 && body.skip_password_checks !== true) {
        return yield* passwordTooShort
      }
      record.password = body.password
      changes["password_enabled"] = true
      changes["password_last_updated_at"] = emulator.now()
    }
    if (body.legal_accepted_at !== undefined) {
      changes["legal_accepted_at"] = yield* timestampParam("legal_accepted_at", body.legal_accepted_at)
    }
    if (body.created_at !== undefined && body.created_at !== null) {
      changes["created_at"] = yield* timestampParam("created_at", body.created_at)
    }
    return patch(emulator, record, changes)
  })

const passwordTooShort = ApiError.unprocessable({
  message: "Passwords must be 8 characters or more.",
  long_message: "Passwords must be 8 characters or more.",
  code: "form_password_length_too_short",
  meta: { param_name: "password" }
})

type MetadataBody = {
  readonly public_metadata?: { readonly [key: string]: unknown } | undefined
  readonly private_metadata?: { readonly [key: string]: unknown } | undefined
  readonly unsafe_metadata?: { readonly [key: string]: unknown } | undefined
}
const METADATA = ["public_metadata", "private_metadata", "unsafe_metadata"] as const

const setBanned = (emulator: Resource.EmulatorContext, record: UserRecord, banned: boolean): UserJson => {
  // Ban: "all their sessions are revoked and they are not allowed to sign in again" (spec `BanUser`).
  if (banned) Sessions.revokeAllOf(emulator, record.json.id)
  return patch(emulator, record, { banned })
}

/**
 * The Users resource.
 *
 * @since 0.1.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("users", [
  Resource.operation<BackendUsers.CreateBody>("Users.create", ({ body, emulator }) => create(emulator, body)),
  Resource.operation<void, BackendUsers.ListParams>("Users.list", ({ emulator, query }) => listUsers(emulator, query)),
  Resource.operation<void, BackendUsers.CountParams>("Users.count", ({ emulator, query }) =>
    Effect.sync(() => ({ object: "total_count", total_count: matching(emulator, query).length }))
  ),
  Resource.operation("Users.get", ({ emulator, params }) =>
    getUser(emulator, params.user_id!).pipe(Effect.map((u) => structuredClone(u.json)))
  ),
  Resource.operation<BackendUsers.UpdateBody>("Users.update", ({ emulator, params, body }) =>
    getUser(emulator, params.user_id!).pipe(Effect.flatMap((u) => update(emulator, u, body)))
  ),
  Resource.operation("Users.delete", ({ emulator, params }) =>
    getUser(emulator, params.user_id!).pipe(
      Effect.map((u) => {
        Sessions.revokeAllOf(emulator, u.json.id, "ended")
        Organizations.removeUser(emulator, u.json.id)
        emulator.store.get(users).delete(u.json.id)
        const deleted = { object: "user", id: u.json.id, deleted: true }
        emulator.emit("user.deleted", deleted)
        return deleted
      })
    )
  ),
  Resource.operation<MetadataBody>("Users.updateMetadata", ({ emulator, params, body }) =>
    getUser(emulator, params.user_id!).pipe(
      Effect.map((u) => {
        const changes: Record<string, unknown> = {}
        for (const key of METADATA) {
          const given = body[key]
          if (given !== undefined) changes[key] = deepMerge(u.json[key] as Record<string, unknown>, given)
        }
        return patch(emulator, u, changes)
      })
    )
  ),
  Resource.operation<MetadataBody>("Users.replaceMetadata", ({ emulator, params, body }) =>
    getUser(emulator, params.user_id!).pipe(
      Effect.map((u) => {
        const changes: Record<string, unknown> = {}
        for (const key of METADATA) if (body[key] !== undefined) changes[key] = structuredClone(body[key])
        return patch(emulator, u, changes)
      })
    )
  ),
  Resource.operation("Users.ban", ({ emulator, params }) =>
    getUser(emulator, params.user_id!).pipe(Effect.map((u) => setBanned(emulator, u, true)))
  ),
  Resource.operation("Users.unban", ({ emulator, params }) =>
    getUser(emulator, params.user_id!).pipe(Effect.map((u) => setBanned(emulator, u, false)))
  ),
  Resource.operation<BackendUsers.BulkBanBody>("Users.bulkBan", ({ emulator, body }) =>
    Effect.forEach(body.user_ids, (id) => getUser(emulator, id)).pipe(
      Effect.map((found) => found.map((u) => setBanned(emulator, u, true)))
    )
  ),
  Resource.operation<BackendUsers.BulkUnbanBody>("Users.bulkUnban", ({ emulator, body }) =>
    Effect.forEach(body.user_ids, (id) => getUser(emulator, id)).pipe(
      Effect.map((found) => found.map((u) => setBanned(emulator, u, false)))
    )
  ),
  // Lock: "not allowed to sign in again until the lock expires" (spec `LockUser`); the emulator's
  // lock does not expire by itself (lockout_expires_in_seconds stays null).
  Resource.operation("Users.lock", ({ emulator, params }) =>
    getUser(emulator, params.user_id!).pipe(Effect.map((u) => patch(emulator, u, { locked: true })))
  ),
  Resource.operation("Users.unlock", ({ emulator, params }) =>
    getUser(emulator, params.user_id!).pipe(
      Effect.map((u) => patch(emulator, u, { locked: false, lockout_expires_in_seconds: null }))
    )
  )
])
