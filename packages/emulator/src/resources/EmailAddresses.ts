/**
 * Emulated Email Addresses: create, get, update (verified, primary), delete, and a user's
 * replacement (`PUT /users/{user_id}/email_address`). They are the entries of their user's
 * `email_addresses`, so the user and its `primary_email_address_id` always agree (see
 * `identifications/shared.ts` for the rules both identification kinds share).
 *
 * - An unknown user is a 404; a malformed address a 422 `form_param_format_invalid`; an address
 *   another identification has (any user, case-insensitive) a 422 `form_identifier_exists`.
 * - Replacing: `identification_status` `verified` (default) gives the admin verification,
 *   `reserved` a reserved, unverified address, `unverified` neither; every other address of the user
 *   is deleted and the new one is primary.
 * - Preparing and attempting a verification (a one-time code): see
 *   `identifications/verification.ts`.
 *
 * @since 0.2.0
 */
import * as BackendEmailAddresses from "@effect-clerk/backend/EmailAddresses"
import * as Effect from "effect/Effect"
import * as Resource from "../Resource.js"
import * as Shared from "./identifications/shared.js"
import * as Verification from "./identifications/verification.js"
import * as Users from "./users/records.js"

type Item = Shared.Item<"email_addresses">

const make = (
  emulator: Resource.EmulatorContext,
  address: string,
  status: "verified" | "reserved" | "unverified"
): Item => ({
  id: emulator.generateId("idn_"),
  object: "email_address",
  email_address: address,
  reserved: status === "reserved",
  verification: Shared.verification(status === "verified"),
  linked_to: [],
  matches_sso_connection: false,
  created_at: emulator.now(),
  updated_at: emulator.now()
})

// as for Users.update (users/profile.ts)
const NOTIFY = {
  notify_primary_email_address_changed: "a notice by email, which the emulator does not record (it records invitations)"
}

/**
 * The Email Addresses resource.
 *
 * @since 0.2.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("email_addresses", [
  Resource.route(
    BackendEmailAddresses.operations.create,
    ({ emulator, body }) =>
      Effect.gen(function* () {
        const user = yield* Users.get(emulator, body.user_id)
        const mine = user.json.email_addresses
        const address = yield* Shared.checkValue(emulator, "email_addresses", body.email_address, "")
        const item = make(emulator, address, body.verified === true ? "verified" : "unverified")
        Shared.write(emulator, user, "email_addresses", [...mine, item], body.primary === true ? item.id : undefined)
        return Shared.current(user, "email_addresses", item.id!)
      }),
    { ignores: NOTIFY }
  ),
  Resource.route(BackendEmailAddresses.operations.get, ({ emulator, path }) =>
    Effect.map(Shared.find(emulator, "email_addresses", path.email_address_id), (f) => structuredClone(f.item))
  ),
  Resource.route(
    BackendEmailAddresses.operations.update,
    ({ emulator, path, body }) =>
      Effect.map(Shared.find(emulator, "email_addresses", path.email_address_id), ({ user, item }) => {
        const changed: Item =
          body?.verified === undefined || body.verified === null
            ? item
            : { ...item, verification: Shared.verification(body.verified), updated_at: emulator.now() }
        const items = user.json.email_addresses.map((e) => (e.id === item.id ? changed : e))
        Shared.write(emulator, user, "email_addresses", items, body?.primary === true ? item.id : undefined)
        return Shared.current(user, "email_addresses", item.id!)
      }),
    { ignores: NOTIFY }
  ),
  Resource.route(BackendEmailAddresses.operations.delete, ({ emulator, path }) =>
    Effect.map(Shared.find(emulator, "email_addresses", path.email_address_id), (found) =>
      Shared.remove(emulator, "email_addresses", found)
    )
  ),
  Resource.route(
    BackendEmailAddresses.operations.replaceForUser,
    ({ emulator, path, body }) =>
      Effect.gen(function* () {
        const user = yield* Users.get(emulator, path.user_id)
        const address = yield* Shared.checkValue(emulator, "email_addresses", body.email_address, user.json.id)
        const item = make(emulator, address, body.identification_status ?? "verified")
        Shared.write(emulator, user, "email_addresses", [item], item.id)
        return Shared.current(user, "email_addresses", item.id!)
      }),
    { ignores: NOTIFY }
  ),
  Resource.route(BackendEmailAddresses.operations.prepareVerification, ({ emulator, path }) =>
    Verification.prepare(emulator, "email_addresses", path.email_address_id)
  ),
  Resource.route(BackendEmailAddresses.operations.attemptVerification, ({ emulator, path, body }) =>
    Verification.attempt(emulator, "email_addresses", path.email_address_id, body)
  )
])
