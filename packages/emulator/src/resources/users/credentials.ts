/**
 * A user's credentials: verify the password or a TOTP/backup code, remove the password, mark it
 * compromised, delete TOTP, backup codes or every second factor.
 *
 * - `verify_password`: no password is a 400, a wrong one a 422 `form_password_incorrect` (spec
 *   `VerifyPassword`: 400 "The user does not have a password set", 422 "The provided password was
 *   incorrect"). A password imported as a digest is checked for the `sha256` hasher only; any other
 *   hasher is a 400 `password_not_verifiable` (the emulator cannot run bcrypt, argon2 ...).
 * - `verify_totp`: no TOTP and no backup codes is a 400, a wrong code a 422 `form_code_incorrect`; a
 *   backup code is consumed (spec `VerifyTOTP`).
 * - `set_compromised` / `unset_compromised` on a user without a password is a 400; the flag is kept
 *   on the record (the User JSON has no field for it).
 *
 * @since 0.2.0
 */
import * as BackendUsers from "@effect-clerk/backend/Users"
import * as Effect from "effect/Effect"
import * as ApiError from "../../ApiError.js"
import * as Resource from "../../Resource.js"
import * as Sessions from "../sessions/records.js"
import * as Records from "./records.js"
import * as Secrets from "./secrets.js"

const badRequest = (code: string, longMessage: string) =>
  ApiError.make(400, { message: longMessage, long_message: longMessage, code })

const noPassword = () => badRequest("no_password_set", "This user does not have a password set.")

// two_factor_enabled and its dates follow from what second factors remain
const mfaChanges = (emulator: Resource.EmulatorContext, record: Records.UserRecord) => {
  const totp = record.totpSecret !== null
  const backup = record.backupCodes.length > 0
  const phone = record.json.phone_numbers.some((p) => p.reserved_for_second_factor === true)
  const enabled = totp || backup || phone
  const was = record.json.two_factor_enabled
  return {
    totp_enabled: totp,
    backup_code_enabled: backup,
    two_factor_enabled: enabled,
    ...(was && !enabled ? { mfa_disabled_at: emulator.now() } : {})
  }
}

const withUser =
  <A>(f: (emulator: Resource.EmulatorContext, record: Records.UserRecord) => Effect.Effect<A, ApiError.ApiError>) =>
  ({ emulator, path }: { readonly emulator: Resource.EmulatorContext; readonly path: { readonly user_id: string } }) =>
    Effect.flatMap(Records.get(emulator, path.user_id), (record) => f(emulator, record))

const clearSecondFactors =
  (what: { readonly totp?: boolean; readonly backup?: boolean; readonly phones?: boolean }) =>
  (emulator: Resource.EmulatorContext, record: Records.UserRecord) =>
    Effect.sync(() => {
      if (what.totp) record.totpSecret = null
      if (what.backup) record.backupCodes = []
      if (what.phones) {
        const phones = record.json.phone_numbers.map((p) => ({
          ...p,
          reserved_for_second_factor: false,
          default_second_factor: false
        }))
        record.json = { ...record.json, phone_numbers: phones }
      }
      Records.patch(emulator, record, mfaChanges(emulator, record))
      return { user_id: record.json.id }
    })

const setCompromised = (compromised: boolean, revokeSessions: boolean) =>
  withUser((emulator, record) => {
    if (record.password === null) return Effect.fail(noPassword())
    record.passwordCompromised = compromised
    if (revokeSessions) Sessions.revokeAllOf(emulator, record.json.id)
    return Effect.succeed(Records.patch(emulator, record, {}))
  })

/**
 * The routes of a user's credentials.
 *
 * @since 0.2.0
 * @category resources
 */
export const routes: ReadonlyArray<Resource.Route> = [
  Resource.route(BackendUsers.operations.verifyPassword, ({ emulator, path, body }) =>
    withUser((_, record) => {
      if (record.password === null) return Effect.fail(noPassword())
      const matches = Secrets.checkPassword(record.password, body.password)
      if (matches === undefined) {
        return Effect.fail(
          badRequest(
            "password_not_verifiable",
            `The emulator cannot check a password imported with the ${record.password._tag === "Imported" ? record.password.hasher : ""} hasher (only sha256).`
          )
        )
      }
      return matches
        ? Effect.succeed({ verified: true })
        : Effect.fail(
            ApiError.unprocessable({
              message: "Password is incorrect. Try again, or use another method.",
              long_message: "Password is incorrect. Try again, or use another method.",
              code: "form_password_incorrect",
              meta: { param_name: "password" }
            })
          )
    })({ emulator, path })
  ),
  Resource.route(BackendUsers.operations.verifyTotp, ({ emulator, path, body }) =>
    withUser((emulator, record): Effect.Effect<BackendUsers.VerifyTotpResponse, ApiError.ApiError> => {
      if (record.totpSecret === null && record.backupCodes.length === 0) {
        return Effect.fail(badRequest("totp_not_enabled", "This user does not have TOTP configured."))
      }
      if (record.totpSecret !== null && Secrets.checkTotp(record.totpSecret, body.code, emulator.now())) {
        return Effect.succeed({ verified: true, code_type: "totp" })
      }
      if (record.backupCodes.includes(body.code)) {
        record.backupCodes = record.backupCodes.filter((c) => c !== body.code)
        Records.patch(emulator, record, mfaChanges(emulator, record))
        return Effect.succeed({ verified: true, code_type: "backup_code" })
      }
      return Effect.fail(
        ApiError.unprocessable({
          message: "Incorrect code",
          long_message: "The TOTP or backup code is incorrect.",
          code: "form_code_incorrect",
          meta: { param_name: "code" }
        })
      )
    })({ emulator, path })
  ),
  Resource.route(BackendUsers.operations.removePassword, ({ emulator, path, body }) =>
    withUser((emulator, record) =>
      Effect.sync(() => {
        // "If the user does not have a password, the user is returned unchanged" (spec `RemoveUserPassword`)
        if (record.password === null) return structuredClone(record.json)
        record.password = null
        record.passwordCompromised = false
        if (body?.sign_out_of_other_sessions === true) Sessions.revokeAllOf(emulator, record.json.id)
        return Records.patch(emulator, record, { password_enabled: false, password_last_updated_at: emulator.now() })
      })
    )({ emulator, path })
  ),
  Resource.route(BackendUsers.operations.setPasswordCompromised, ({ emulator, path, body }) =>
    setCompromised(true, body?.revoke_all_sessions === true)({ emulator, path })
  ),
  Resource.route(BackendUsers.operations.unsetPasswordCompromised, setCompromised(false, false)),
  Resource.route(BackendUsers.operations.deleteTOTP, withUser(clearSecondFactors({ totp: true }))),
  Resource.route(BackendUsers.operations.deleteBackupCodes, withUser(clearSecondFactors({ backup: true }))),
  Resource.route(
    BackendUsers.operations.disableMfa,
    withUser(clearSecondFactors({ totp: true, backup: true, phones: true }))
  )
]
