/**
 * Emulated Phone Numbers: create, get, update (verified, primary, reserved for second factor),
 * delete, and a user's replacement (`PUT /users/{user_id}/phone_number`). They are the entries of
 * their user's `phone_numbers`, so the user, its `primary_phone_number_id` and its
 * `two_factor_enabled` always agree (see `identifications/shared.ts` for the shared rules).
 *
 * - An unknown user is a 404; a number that is not E.164 a 422 `form_param_format_invalid`; a number
 *   another identification has a 422 `form_identifier_exists`.
 * - `reserved_for_second_factor: true` needs a verified number (spec: "The phone number must also
 *   be verified"), else a 422 `form_param_value_invalid`; the first one reserved becomes the default
 *   second factor. The spec documents no 422 for an update, so there it is a 400.
 * - Replacing deletes every other number of the user, and the new one is never reserved for second
 *   factor ("replacing a phone number that is reserved for second factor disables the user's MFA").
 * - Preparing and attempting a verification (a one-time code): see
 *   `identifications/verification.ts`.
 *
 * @since 0.2.0
 */
import * as BackendPhoneNumbers from "@effect-clerk/backend/PhoneNumbers"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import * as Resource from "../Resource.js"
import * as Shared from "./identifications/shared.js"
import * as Verification from "./identifications/verification.js"
import * as Users from "./users/records.js"

type Item = Shared.Item<"phone_numbers">

const make = (
  emulator: Resource.EmulatorContext,
  number: string,
  status: "verified" | "reserved" | "unverified"
): Item => ({
  id: emulator.generateId("idn_"),
  object: "phone_number",
  phone_number: number,
  reserved_for_second_factor: false,
  default_second_factor: false,
  reserved: status === "reserved",
  verification: Shared.verification(status === "verified"),
  linked_to: [],
  backup_codes: null,
  created_at: emulator.now(),
  updated_at: emulator.now()
})

// a second factor needs a verified number; the first reserved one is the default
const reserve = (items: ReadonlyArray<Item>, item: Item, status: 400 | 422): Effect.Effect<Item, ApiError.ApiError> =>
  item.verification?.status !== "verified"
    ? Effect.fail(
        ApiError.make(status, {
          message: "is invalid",
          long_message: "Only a verified phone number can be reserved for second factor.",
          code: "form_param_value_invalid",
          meta: { param_name: "reserved_for_second_factor" }
        })
      )
    : Effect.succeed({
        ...item,
        reserved_for_second_factor: true,
        default_second_factor: !items.some((p) => p.id !== item.id && p.default_second_factor === true)
      })

// the user's second factor flags follow its phone numbers
const mfa = (emulator: Resource.EmulatorContext, user: Users.UserRecord) => {
  const enabled =
    user.json.phone_numbers.some((p) => p.reserved_for_second_factor === true) ||
    user.totpSecret !== null ||
    user.backupCodes.length > 0
  if (enabled === user.json.two_factor_enabled) return
  Users.patch(emulator, user, {
    two_factor_enabled: enabled,
    ...(enabled ? { mfa_enabled_at: emulator.now() } : { mfa_disabled_at: emulator.now() })
  })
}

const store = (
  emulator: Resource.EmulatorContext,
  user: Users.UserRecord,
  items: ReadonlyArray<Item>,
  id: string,
  primary: boolean
) => {
  Shared.write(emulator, user, "phone_numbers", items, primary ? id : undefined)
  mfa(emulator, user)
  return Shared.current(user, "phone_numbers", id)
}

/**
 * The Phone Numbers resource.
 *
 * @since 0.2.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("phone_numbers", [
  Resource.route(BackendPhoneNumbers.operations.create, ({ emulator, body }) =>
    Effect.gen(function* () {
      const user = yield* Users.get(emulator, body.user_id)
      const number = yield* Shared.checkValue(emulator, "phone_numbers", body.phone_number, "")
      const mine = user.json.phone_numbers
      const made = make(emulator, number, body.verified === true ? "verified" : "unverified")
      const item = body.reserved_for_second_factor === true ? yield* reserve(mine, made, 422) : made
      return store(emulator, user, [...mine, item], item.id!, body.primary === true)
    })
  ),
  Resource.route(BackendPhoneNumbers.operations.get, ({ emulator, path }) =>
    Effect.map(Shared.find(emulator, "phone_numbers", path.phone_number_id), (f) => structuredClone(f.item))
  ),
  Resource.route(BackendPhoneNumbers.operations.update, ({ emulator, path, body }) =>
    Effect.gen(function* () {
      const { user, item } = yield* Shared.find(emulator, "phone_numbers", path.phone_number_id)
      let changed: Item = item
      if (body?.verified !== undefined && body.verified !== null) {
        changed = { ...changed, verification: Shared.verification(body.verified), updated_at: emulator.now() }
      }
      if (body?.reserved_for_second_factor === true) changed = yield* reserve(user.json.phone_numbers, changed, 400)
      if (body?.reserved_for_second_factor === false) {
        changed = { ...changed, reserved_for_second_factor: false, default_second_factor: false }
      }
      const items = user.json.phone_numbers.map((p) => (p.id === item.id ? changed : p))
      return store(emulator, user, items, item.id!, body?.primary === true)
    })
  ),
  Resource.route(BackendPhoneNumbers.operations.delete, ({ emulator, path }) =>
    Effect.map(Shared.find(emulator, "phone_numbers", path.phone_number_id), (found) => {
      const deleted = Shared.remove(emulator, "phone_numbers", found)
      mfa(emulator, found.user)
      return deleted
    })
  ),
  Resource.route(BackendPhoneNumbers.operations.replaceForUser, ({ emulator, path, body }) =>
    Effect.gen(function* () {
      const user = yield* Users.get(emulator, path.user_id)
      const number = yield* Shared.checkValue(emulator, "phone_numbers", body.phone_number, user.json.id)
      const item = make(emulator, number, body.identification_status ?? "verified")
      return store(emulator, user, [item], item.id!, true)
    })
  ),
  Resource.route(BackendPhoneNumbers.operations.prepareVerification, ({ emulator, path }) =>
    Verification.prepare(emulator, "phone_numbers", path.phone_number_id)
  ),
  Resource.route(BackendPhoneNumbers.operations.attemptVerification, ({ emulator, path, body }) =>
    Verification.attempt(emulator, "phone_numbers", path.phone_number_id, body)
  )
])
