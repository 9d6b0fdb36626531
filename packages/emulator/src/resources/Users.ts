/**
 * Emulated Users: `POST /users`, `GET /users`, `GET /users/count`, `GET /users/{user_id}`,
 * `DELETE /users/{user_id}`.
 *
 * Responses follow the spec's `User`, `EmailAddress`, `PhoneNumber`, `TotalCount` and `DeletedObject`
 * schemas. Email addresses and usernames are lower-cased and unique across the instance (as are phone
 * numbers and external ids). `web3_wallet`, `password_digest`, `password_hasher` and the `skip_*` flags
 * are accepted (the spec allows them) but have no emulated effect beyond `password_enabled`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as ApiError from "../ApiError.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"

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
  readonly json: UserJson
  readonly emails: ReadonlyArray<string>
  readonly phones: ReadonlyArray<string>
  readonly username: string | null
  readonly externalId: string | null
  readonly password: string | null
}

/**
 * The users table.
 *
 * @since 0.1.0
 * @category tables
 */
export const users: Store.Table<UserRecord> = Store.table<UserRecord>("users")

const NullableString = Schema.optional(Schema.NullOr(Schema.String))
const NullableBoolean = Schema.optional(Schema.NullOr(Schema.Boolean))
const Strings = Schema.optional(Schema.Array(Schema.String))
const Metadata = Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
const IdentificationStatus = Schema.optional(Schema.Array(Schema.Literal("verified", "reserved")))

/**
 * The body of `POST /users` (every key of the spec's `CreateUser` request body).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreateUserParams = Schema.Struct({
  external_id: NullableString,
  first_name: NullableString,
  last_name: NullableString,
  locale: NullableString,
  email_address: Strings,
  email_address_identification_status: IdentificationStatus,
  phone_number: Strings,
  phone_number_identification_status: IdentificationStatus,
  web3_wallet: Strings,
  username: NullableString,
  password: NullableString,
  password_digest: NullableString,
  password_hasher: Schema.optional(Schema.String),
  skip_password_checks: NullableBoolean,
  skip_password_requirement: NullableBoolean,
  totp_secret: NullableString,
  backup_codes: Strings,
  public_metadata: Metadata,
  private_metadata: Metadata,
  unsafe_metadata: Metadata,
  delete_self_enabled: NullableBoolean,
  legal_accepted_at: NullableString,
  skip_legal_checks: NullableBoolean,
  skip_user_requirement: NullableBoolean,
  create_organization_enabled: NullableBoolean,
  create_organizations_limit: Schema.optional(Schema.NullOr(Schema.Int)),
  created_at: NullableString,
  bypass_client_trust: NullableBoolean,
  banned: NullableBoolean,
  locked: NullableBoolean
})

/**
 * The decoded body of `POST /users`.
 *
 * @since 0.1.0
 * @category models
 */
export type CreateUserParams = Schema.Schema.Type<typeof CreateUserParams>

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
  params: CreateUserParams
): Effect.Effect<UserJson, ApiError.ApiError> =>
  Effect.gen(function* () {
    const table = emulator.store.get(users)
    const existing = Array.from(table.values())
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
    table.set(json.id, {
      sequence: emulator.store.nextSequence(),
      json,
      emails,
      phones,
      username,
      externalId,
      password
    })
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
): UserJson => Effect.runSync(create(emulator.context, params))

/**
 * Looks up a stored user by id.
 *
 * @since 0.1.0
 * @category operations
 */
export const find = (emulator: Resource.EmulatorContext, userId: string): UserRecord | undefined =>
  emulator.store.get(users).get(userId)

/**
 * All stored users, newest first (by `created_at`, then by insertion).
 *
 * @since 0.1.0
 * @category operations
 */
export const newestFirst = (emulator: Resource.EmulatorContext): Array<UserRecord> =>
  Array.from(emulator.store.get(users).values()).sort(
    (a, b) => b.json.created_at - a.json.created_at || b.sequence - a.sequence
  )

const getUser = (context: Resource.RouteContext): Effect.Effect<UserRecord, ApiError.ApiError> => {
  const record = find(context.emulator, context.params.user_id!)
  return record === undefined ? Effect.fail(ApiError.notFound()) : Effect.succeed(record)
}

const listFilters = (url: URL): Array<(user: UserRecord) => boolean> => {
  const filters: Array<(user: UserRecord) => boolean> = []
  const values = (name: string) => url.searchParams.getAll(name).filter((v) => v !== "")
  const emails = values("email_address").map((e) => e.toLowerCase())
  if (emails.length > 0) filters.push((u) => u.emails.some((e) => emails.includes(e)))
  const phones = values("phone_number")
  if (phones.length > 0) filters.push((u) => u.phones.some((p) => phones.includes(p)))
  const usernames = values("username").map((u) => u.toLowerCase())
  if (usernames.length > 0) filters.push((u) => u.username !== null && usernames.includes(u.username))
  const externalIds = values("external_id")
  if (externalIds.length > 0) filters.push((u) => u.externalId !== null && externalIds.includes(u.externalId))
  const userIds = values("user_id")
  if (userIds.length > 0) filters.push((u) => userIds.includes(u.json.id))
  return filters
}

const filtered = (context: Resource.RouteContext): Array<UserRecord> => {
  const filters = listFilters(context.url)
  return newestFirst(context.emulator).filter((u) => filters.every((f) => f(u)))
}

/**
 * The Users resource.
 *
 * @since 0.1.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("users", [
  Resource.route("POST", "/users", (context) =>
    Resource.decodeBody(CreateUserParams)(context).pipe(Effect.flatMap((params) => create(context.emulator, params)))
  ),
  Resource.route("GET", "/users", (context) =>
    Effect.gen(function* () {
      const limit = yield* Resource.queryInteger(context, "limit", { default: 10, min: 1, max: 500 })
      const offset = yield* Resource.queryInteger(context, "offset", { default: 0, min: 0 })
      return filtered(context)
        .slice(offset, offset + limit)
        .map((u) => structuredClone(u.json))
    })
  ),
  Resource.route("GET", "/users/count", (context) =>
    Effect.sync(() => ({ object: "total_count", total_count: filtered(context).length }))
  ),
  Resource.route("GET", "/users/:user_id", (context) =>
    getUser(context).pipe(Effect.map((u) => structuredClone(u.json)))
  ),
  Resource.route("DELETE", "/users/:user_id", (context) =>
    getUser(context).pipe(
      Effect.map((u) => {
        context.emulator.store.get(users).delete(u.json.id)
        return { object: "user", id: u.json.id, deleted: true }
      })
    )
  )
])
