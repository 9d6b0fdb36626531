/**
 * The users table and what every part of the Users emulation shares: the record, lookups,
 * identifiers, and the one way a stored user changes ({@link patch}).
 *
 * @since 0.1.0
 */
import type * as BackendUsers from "@effect-clerk/backend/Users"
import * as Effect from "effect/Effect"
import * as ApiError from "../../ApiError.js"
import type * as Resource from "../../Resource.js"
import * as Store from "../../Store.js"
import type * as Secrets from "./secrets.js"

/**
 * A stored user: its JSON as the API returns it (the backend's generated `Users.User`) and its
 * secrets, which the API never returns: the password (an scrypt hash, or an imported digest), the
 * TOTP secret, the unused backup codes, whether the password is marked compromised.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserRecord {
  readonly sequence: number
  json: BackendUsers.User
  password: Secrets.PasswordSecret | null
  totpSecret: string | null
  backupCodes: ReadonlyArray<string>
  passwordCompromised: boolean
}

/**
 * The users table.
 *
 * @since 0.1.0
 * @category tables
 */
export const users: Store.Table<UserRecord> = Store.table<UserRecord>("users")

/**
 * The identifiers of a user that must be unique in an instance.
 *
 * @since 0.1.0
 * @category models
 */
export interface Identifiers {
  readonly id: string
  /** Lower-cased. */
  readonly emails: ReadonlyArray<string>
  readonly phones: ReadonlyArray<string>
  /** Lower-cased. */
  readonly wallets: ReadonlyArray<string>
  readonly username: string | null
  readonly externalId: string | null
}

/**
 * The identifiers of a stored user: lower-cased emails, phone numbers, username, external id.
 *
 * @since 0.1.0
 * @category operations
 */
export const identifiers = (record: UserRecord): Identifiers => ({
  id: record.json.id,
  emails: record.json.email_addresses.map((e) => e.email_address),
  phones: record.json.phone_numbers.map((p) => p.phone_number),
  wallets: record.json.web3_wallets.map((w) => w.web3_wallet.toLowerCase()),
  username: record.json.username,
  externalId: record.json.external_id
})

/**
 * Looks up a stored user by id.
 *
 * @since 0.1.0
 * @category operations
 */
export const find = (emulator: Resource.EmulatorContext, userId: string): UserRecord | undefined =>
  emulator.store.get(users).get(userId)

/**
 * A stored user, or a 404 `resource_not_found` naming the id (as Clerk words it).
 *
 * @since 0.1.0
 * @category operations
 */
export const get = (emulator: Resource.EmulatorContext, userId: string): Effect.Effect<UserRecord, ApiError.ApiError> =>
  Effect.suspend(() => {
    const record = find(emulator, userId)
    return record === undefined
      ? Effect.fail(ApiError.notFound(`No user was found with id ${userId}.`))
      : Effect.succeed(record)
  })

/**
 * Replaces a stored user's JSON with `changes` applied, bumps `updated_at`, emits `user.updated`.
 *
 * @since 0.1.0
 * @category operations
 */
export const patch = (
  emulator: Resource.EmulatorContext,
  record: UserRecord,
  changes: Partial<BackendUsers.User>
): BackendUsers.User => {
  record.json = { ...record.json, ...changes, updated_at: emulator.now() }
  emulator.emit("user.updated", record.json)
  return structuredClone(record.json)
}

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
