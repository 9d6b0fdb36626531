/**
 * Creating a user (`POST /users`, and `Resources.Users.seed`): Clerk's checks of identifiers and
 * passwords, then the user's JSON with Clerk's defaults.
 *
 * @since 0.1.0
 */
import type * as BackendUsers from "@effect-clerk/backend/Users"
import * as Effect from "effect/Effect"
import * as ApiError from "../../ApiError.js"
import * as Params from "../../internal/params.js"
import type * as Resource from "../../Resource.js"
import * as Records from "./records.js"
import * as Secrets from "./secrets.js"

/**
 * A well-formed email address (what the emulator accepts).
 *
 * @since 0.2.0
 * @category validation
 */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
/**
 * A phone number in E.164.
 *
 * @since 0.2.0
 * @category validation
 */
export const PHONE = /^\+[1-9]\d{6,14}$/
// an Ethereum address (what Clerk's web3 strategies take): 0x and 40 hex digits
const WEB3 = /^0x[0-9a-fA-F]{40}$/

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

/**
 * Clerk's password rule: 8 characters or more (a 422 `form_password_length_too_short`), unless the
 * request skips the checks.
 *
 * @since 0.1.0
 * @category validation
 */
export const checkPassword = (
  password: string,
  skipChecks: boolean | null | undefined
): Effect.Effect<void, ApiError.ApiError> =>
  password.length >= 8 || skipChecks === true
    ? Effect.void
    : Effect.fail(
        ApiError.unprocessable({
          message: "Passwords must be 8 characters or more.",
          long_message: "Passwords must be 8 characters or more.",
          code: "form_password_length_too_short",
          meta: { param_name: "password" }
        })
      )

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
): Effect.Effect<BackendUsers.User, ApiError.ApiError> =>
  Effect.gen(function* () {
    const table = emulator.store.get(Records.users)
    const existing = Array.from(table.values(), Records.identifiers)
    const emails = (params.email_address ?? []).map((e) => e.trim().toLowerCase())
    const phones = (params.phone_number ?? []).map((p) => p.trim())
    const wallets = (params.web3_wallet ?? []).map((w) => w.trim())
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
    const badWallet = wallets.find((w) => !WEB3.test(w))
    if (badWallet !== undefined) {
      return yield* ApiError.paramFormatInvalid("web3_wallet", `${badWallet} is not a valid web3 wallet address.`)
    }
    const lowerWallets = wallets.map((w) => w.toLowerCase())
    const takenWallet =
      findDuplicate(lowerWallets) ?? lowerWallets.find((w) => existing.some((u) => u.wallets.includes(w)))
    if (takenWallet !== undefined) {
      return yield* ApiError.identifierExists("web3_wallet", `That web3 wallet is taken. (${takenWallet})`)
    }
    if (params.totp_secret && Secrets.base32(params.totp_secret) === undefined) {
      return yield* ApiError.paramFormatInvalid("totp_secret", "totp_secret must be a base32 string (RFC 4648).")
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
    if (password !== null) yield* checkPassword(password, params.skip_password_checks)
    const legalAcceptedAt = (yield* Params.timestamp("legal_accepted_at", params.legal_accepted_at)) ?? null
    const now = emulator.now()
    const createdAt = (yield* Params.timestamp("created_at", params.created_at)) ?? now

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
    const web3Wallets = wallets.map((web3_wallet) => ({
      id: emulator.generateId("idn_"),
      object: "web3_wallet",
      web3_wallet,
      verification: verification("verified"),
      created_at: now,
      updated_at: now
    }))
    const passwordEnabled = password !== null || Boolean(params.password_digest)
    const totpEnabled = Boolean(params.totp_secret)
    const backupCodeEnabled = (params.backup_codes ?? []).length > 0
    const locked = params.locked === true
    const imageUrl = `${emulator.frontendApiUrl}/images/default-avatar.png`

    const json: BackendUsers.User = {
      id: emulator.generateId("user_"),
      object: "user",
      external_id: externalId,
      primary_email_address_id: emailAddresses[0]?.id ?? null,
      primary_phone_number_id: phoneNumbers[0]?.id ?? null,
      primary_web3_wallet_id: web3Wallets[0]?.id ?? null,
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
      web3_wallets: web3Wallets,
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
      password:
        password !== null
          ? Secrets.hashPassword(password)
          : params.password_digest
            ? { _tag: "Imported", hasher: params.password_hasher ?? "", digest: params.password_digest }
            : null,
      totpSecret: params.totp_secret || null,
      backupCodes: [...(params.backup_codes ?? [])],
      passwordCompromised: false
    })
    emulator.emit("user.created", json)
    return structuredClone(json)
  })
