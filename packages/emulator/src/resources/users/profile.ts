/**
 * Changing a user: `PATCH /users/{user_id}`, metadata merge and replace, ban and unban (one or in
 * bulk), lock and unlock, delete.
 *
 * @since 0.1.0
 */
import * as BackendUsers from "@effect-clerk/backend/Users"
import * as Effect from "effect/Effect"
import * as ApiError from "../../ApiError.js"
import * as Metadata from "../../internal/metadata.js"
import * as Params from "../../internal/params.js"
import * as Resource from "../../Resource.js"
import * as Organizations from "../organizations/records.js"
import * as Sessions from "../Sessions.js"
import { checkPassword } from "./create.js"
import * as Records from "./records.js"
import * as Secrets from "./secrets.js"

type Changes = { -readonly [K in keyof BackendUsers.User]?: BackendUsers.User[K] }

const update = (
  emulator: Resource.EmulatorContext,
  record: Records.UserRecord,
  body: BackendUsers.UpdateBody
): Effect.Effect<BackendUsers.User, ApiError.ApiError> =>
  Effect.gen(function* () {
    const others = Array.from(emulator.store.get(Records.users).values())
      .filter((u) => u !== record)
      .map(Records.identifiers)
    const changes: Changes = {}
    if (body.username !== undefined) {
      // "You can remove a user's username by setting the username attribute to null or the blank
      // string" (spec `UpdateUser`).
      const username = body.username === null || body.username.trim() === "" ? null : body.username.trim().toLowerCase()
      if (username !== null && others.some((u) => u.username === username)) {
        return yield* ApiError.identifierExists("username", "That username is taken. Please try another.")
      }
      changes.username = username
    }
    if (body.external_id !== undefined) {
      const externalId = body.external_id === null || body.external_id === "" ? null : body.external_id
      if (externalId !== null && others.some((u) => u.externalId === externalId)) {
        return yield* ApiError.identifierExists("external_id", "That external ID is taken. Please try another.")
      }
      changes.external_id = externalId
    }
    for (const [param, key] of [
      ["primary_email_address_id", "email_addresses"],
      ["primary_phone_number_id", "phone_numbers"]
    ] as const) {
      const id = body[param]
      if (id === undefined || id === null) continue
      // "Both IDs should correspond to verified identifications that belong to the user" (spec).
      if (!record.json[key].some((e) => e.id === id)) {
        return yield* ApiError.unprocessable({
          message: "is invalid",
          long_message: `${id} is not an identification of this user.`,
          code: "form_param_value_invalid",
          meta: { param_name: param }
        })
      }
      changes[param] = id
    }
    if (body.first_name !== undefined) changes.first_name = body.first_name
    if (body.last_name !== undefined) changes.last_name = body.last_name
    if (body.locale !== undefined) changes.locale = body.locale
    for (const key of ["delete_self_enabled", "create_organization_enabled", "bypass_client_trust"] as const) {
      const value = body[key]
      if (value !== undefined && value !== null) changes[key] = value
    }
    if (body.create_organizations_limit !== undefined) {
      changes.create_organizations_limit = body.create_organizations_limit
    }
    if (body.password !== undefined && body.password !== null) {
      yield* checkPassword(body.password, body.skip_password_checks)
      record.password = Secrets.hashPassword(body.password)
      changes.password_enabled = true
      changes.password_last_updated_at = emulator.now()
    }
    if (body.legal_accepted_at !== undefined) {
      changes.legal_accepted_at = (yield* Params.timestamp("legal_accepted_at", body.legal_accepted_at)) ?? null
    }
    const createdAt = yield* Params.timestamp("created_at", body.created_at)
    if (createdAt !== undefined) changes.created_at = createdAt
    return Records.patch(emulator, record, changes)
  })

const METADATA = ["public_metadata", "private_metadata", "unsafe_metadata"] as const

const setBanned = (
  emulator: Resource.EmulatorContext,
  record: Records.UserRecord,
  banned: boolean
): BackendUsers.User => {
  // Ban: "all their sessions are revoked and they are not allowed to sign in again" (spec `BanUser`).
  if (banned) Sessions.revokeAllOf(emulator, record.json.id)
  return Records.patch(emulator, record, { banned })
}

const withUser =
  (f: (emulator: Resource.EmulatorContext, record: Records.UserRecord) => BackendUsers.User) =>
  ({ emulator, path }: { readonly emulator: Resource.EmulatorContext; readonly path: { readonly user_id: string } }) =>
    Effect.map(Records.get(emulator, path.user_id), (record) => f(emulator, record))

const bulk = (emulator: Resource.EmulatorContext, userIds: ReadonlyArray<string>, banned: boolean) =>
  Effect.forEach(userIds, (id) => Records.get(emulator, id)).pipe(
    Effect.map((found) => found.map((u) => setBanned(emulator, u, banned)))
  )

/**
 * The routes that change a user.
 *
 * @since 0.1.0
 * @category resources
 */
export const routes: ReadonlyArray<Resource.Route> = [
  Resource.route(
    BackendUsers.operations.update,
    ({ emulator, path, body }) => Effect.flatMap(Records.get(emulator, path.user_id), (u) => update(emulator, u, body)),
    {
      unmodeled: [
        "primary_web3_wallet_id",
        "profile_image_id",
        "password_digest",
        "password_hasher",
        "sign_out_of_other_sessions",
        "totp_secret",
        "backup_codes"
      ],
      ignores: {
        notify_primary_email_address_changed:
          "a notice by email, which the emulator does not record (it records invitations)",
        skip_legal_checks: "the emulator requires no legal acceptance"
      }
    }
  ),
  Resource.route(BackendUsers.operations.delete, ({ emulator, path }) =>
    Effect.map(Records.get(emulator, path.user_id), (u) => {
      Sessions.revokeAllOf(emulator, u.json.id, "ended")
      Organizations.removeUser(emulator, u.json.id)
      emulator.store.get(Records.users).delete(u.json.id)
      const deleted = { object: "user", id: u.json.id, deleted: true }
      emulator.emit("user.deleted", deleted)
      return deleted
    })
  ),
  Resource.route(BackendUsers.operations.updateMetadata, ({ emulator, path, body }) =>
    Effect.flatMap(Records.get(emulator, path.user_id), (u) =>
      Effect.map(Metadata.changes(METADATA, "merge", u.json, body), (c) => Records.patch(emulator, u, c))
    )
  ),
  Resource.route(BackendUsers.operations.replaceMetadata, ({ emulator, path, body }) =>
    Effect.flatMap(Records.get(emulator, path.user_id), (u) =>
      Effect.map(Metadata.changes(METADATA, "replace", u.json, body), (c) => Records.patch(emulator, u, c))
    )
  ),
  Resource.route(
    BackendUsers.operations.ban,
    withUser((emulator, u) => setBanned(emulator, u, true))
  ),
  Resource.route(
    BackendUsers.operations.unban,
    withUser((emulator, u) => setBanned(emulator, u, false))
  ),
  Resource.route(BackendUsers.operations.bulkBan, ({ emulator, body }) => bulk(emulator, body.user_ids, true)),
  Resource.route(BackendUsers.operations.bulkUnban, ({ emulator, body }) => bulk(emulator, body.user_ids, false)),
  // Lock: "not allowed to sign in again until the lock expires" (spec `LockUser`); the emulator's
  // lock does not expire by itself (lockout_expires_in_seconds stays null).
  Resource.route(
    BackendUsers.operations.lock,
    withUser((emulator, u) => Records.patch(emulator, u, { locked: true }))
  ),
  Resource.route(
    BackendUsers.operations.unlock,
    withUser((emulator, u) => Records.patch(emulator, u, { locked: false, lockout_expires_in_seconds: null }))
  )
]
