/**
 * What email addresses and phone numbers share: they live in their user's JSON (`email_addresses`,
 * `phone_numbers`), so that the user, its `primary_*_id` and the identification never disagree;
 * this module finds one by id across users and changes a user's list.
 *
 * - An unknown identification id is a 404 `resource_not_found`.
 * - A new value must be an email address (stored lower-cased) or an E.164 phone number, else a 422
 *   `form_param_format_invalid`, and no other user's identification (case-insensitive), else a 422
 *   `form_identifier_exists`.
 * - A new identification is the primary one when asked (`primary: true`) or when it is the user's
 *   first (spec: "Default: false, unless it is the first").
 * - Deleting the primary one makes the next one (in creation order) primary, or none.
 * - `verified: true` gives Clerk's admin verification; `verified: false` none (`verification: null`).
 *
 * @since 0.2.0
 */
import type * as BackendUsers from "@effect-clerk/backend/Users"
import * as Effect from "effect/Effect"
import * as ApiError from "../../ApiError.js"
import type * as Resource from "../../Resource.js"
import { EMAIL, PHONE } from "../users/create.js"
import * as Records from "../users/records.js"

/**
 * Which list of the user: email addresses or phone numbers.
 *
 * @since 0.2.0
 * @category models
 */
export type Kind = "email_addresses" | "phone_numbers"

const PRIMARY = { email_addresses: "primary_email_address_id", phone_numbers: "primary_phone_number_id" } as const

/**
 * One identification of the user's list.
 *
 * @since 0.2.0
 * @category models
 */
export type Item<K extends Kind> = BackendUsers.User[K][number]

/**
 * An identification and the user that has it.
 *
 * @since 0.2.0
 * @category models
 */
export interface Found<K extends Kind> {
  readonly user: Records.UserRecord
  readonly item: Item<K>
}

/**
 * The identification with this id, with its user, or a 404.
 *
 * @since 0.2.0
 * @category operations
 */
export const find = <K extends Kind>(
  emulator: Resource.EmulatorContext,
  kind: K,
  id: string
): Effect.Effect<Found<K>, ApiError.ApiError> =>
  Effect.suspend(() => {
    for (const user of emulator.store.get(Records.users).values()) {
      const item = (user.json[kind] as ReadonlyArray<Item<K>>).find((i) => i.id === id)
      if (item !== undefined) return Effect.succeed({ user, item })
    }
    const what = kind === "email_addresses" ? "email address" : "phone number"
    return Effect.fail(ApiError.notFound(`No ${what} was found with id ${id}.`))
  })

const RULES = {
  email_addresses: {
    param: "email_address",
    pattern: EMAIL,
    normalize: (raw: string) => raw.trim().toLowerCase(),
    invalid: "is not a valid email address.",
    taken: "That email address is taken. Please try another.",
    of: (user: Records.UserRecord) => Records.identifiers(user).emails
  },
  phone_numbers: {
    param: "phone_number",
    pattern: PHONE,
    normalize: (raw: string) => raw.trim(),
    invalid: "is not a valid phone number (E.164).",
    taken: "That phone number is taken. Please try another.",
    of: (user: Records.UserRecord) => Records.identifiers(user).phones
  }
} as const

/**
 * The value of a new identification, normalized: well-formed and no identification of a user other
 * than `self` (a user id, or "" for none), else a 422.
 *
 * @since 0.2.0
 * @category validation
 */
export const checkValue = (
  emulator: Resource.EmulatorContext,
  kind: Kind,
  raw: string,
  self: string
): Effect.Effect<string, ApiError.ApiError> => {
  const rules = RULES[kind]
  const value = rules.normalize(raw)
  if (!rules.pattern.test(value))
    return Effect.fail(ApiError.paramFormatInvalid(rules.param, `${raw} ${rules.invalid}`))
  for (const user of emulator.store.get(Records.users).values()) {
    if (user.json.id !== self && rules.of(user).includes(value)) {
      return Effect.fail(ApiError.identifierExists(rules.param, `${rules.taken} (${value})`))
    }
  }
  return Effect.succeed(value)
}

/**
 * Clerk's admin verification, or none.
 *
 * @since 0.2.0
 * @category models
 */
export const verification = (verified: boolean) =>
  verified
    ? {
        object: "verification_admin" as const,
        status: "verified" as const,
        strategy: "admin" as const,
        attempts: null,
        expire_at: null
      }
    : null

/**
 * Writes the user's list (and its primary id) in one change: `items` in place of the list,
 * `primaryId` as the primary when given, else the current primary if it is still in the list, else
 * the first item, else null.
 *
 * @since 0.2.0
 * @category operations
 */
export const write = <K extends Kind>(
  emulator: Resource.EmulatorContext,
  user: Records.UserRecord,
  kind: K,
  items: ReadonlyArray<Item<K>>,
  primaryId?: string | undefined
): void => {
  const current = user.json[PRIMARY[kind]]
  const primary = primaryId ?? (items.some((i) => i.id === current) ? current : (items[0]?.id ?? null))
  Records.patch(emulator, user, { [kind]: items, [PRIMARY[kind]]: primary } as Partial<BackendUsers.User>)
}

/**
 * Whether the identification is its user's primary one.
 *
 * @since 0.2.0
 * @category operations
 */
export const isPrimary = <K extends Kind>(found: Found<K>, kind: K): boolean =>
  found.user.json[PRIMARY[kind]] === found.item.id

/**
 * The identification as stored now (after a {@link write}).
 *
 * @since 0.2.0
 * @category operations
 */
export const current = <K extends Kind>(user: Records.UserRecord, kind: K, id: string): Item<K> =>
  structuredClone((user.json[kind] as ReadonlyArray<Item<K>>).find((i) => i.id === id)!)

/**
 * Removes an identification (the primary moves to the next one) and answers Clerk's deleted object.
 *
 * @since 0.2.0
 * @category operations
 */
export const remove = <K extends Kind>(emulator: Resource.EmulatorContext, kind: K, found: Found<K>) => {
  const rest = (found.user.json[kind] as ReadonlyArray<Item<K>>).filter((i) => i.id !== found.item.id)
  write(emulator, found.user, kind, rest)
  return { object: kind === "email_addresses" ? "email_address" : "phone_number", id: found.item.id!, deleted: true }
}
