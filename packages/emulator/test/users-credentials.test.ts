/**
 * A user's credentials and identities through @effect-clerk/backend: passwords (scrypt), TOTP
 * (RFC 6238) and backup codes, second factors, web3 wallets, the profile image (multipart).
 */
import { Sessions, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import * as Records from "../src/resources/users/records.js"
import * as Secrets from "../src/resources/users/secrets.js"
import { failure, sdk } from "./sdk.js"

// RFC 6238, appendix B: the SHA-1 secret "12345678901234567890"
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

describe("secrets", () => {
  it("TOTP matches RFC 6238's test vectors; passwords are scrypt hashes, never the password", () => {
    const key = Secrets.base32(RFC_SECRET)!
    expect(key.toString()).toBe("12345678901234567890")
    expect(Secrets.hotp(key, Math.floor(59 / 30), 8)).toBe("94287082")
    expect(Secrets.hotp(key, Math.floor(1111111109 / 30), 8)).toBe("07081804")
    expect(Secrets.hotp(key, Math.floor(1234567890 / 30), 8)).toBe("89005924")
    expect(Secrets.totp(RFC_SECRET, 59_000)).toBe("287082")
    expect(Secrets.checkTotp(RFC_SECRET, "287082", 59_000 + 30_000)).toBe(true)
    expect(Secrets.checkTotp(RFC_SECRET, "287082", 59_000 + 90_000)).toBe(false)
    const hashed = Secrets.hashPassword("correct horse")
    expect(JSON.stringify(hashed)).not.toContain("correct horse")
    expect(Secrets.checkPassword(hashed, "correct horse")).toBe(true)
    expect(Secrets.checkPassword(hashed, "correct horsf")).toBe(false)
  })
})

describe("Users.verifyPassword / removePassword / password compromised", () => {
  it.effect("verifies the stored hash (create and update); 400 without a password, 422 when wrong, 404", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const user = yield* Users.create({ password: "correct horse battery" })
      expect(Records.find(emulator.context, user.id)!.password).toMatchObject({ _tag: "Scrypt" })
      expect(yield* Users.verifyPassword(user.id, { password: "correct horse battery" })).toEqual({ verified: true })
      expect(yield* failure(Users.verifyPassword(user.id, { password: "wrong password" }))).toEqual({
        tag: "UnprocessableEntity",
        code: "form_password_incorrect",
        param: "password"
      })
      yield* Users.update(user.id, { password: "a new password!" })
      expect(yield* Users.verifyPassword(user.id, { password: "a new password!" })).toEqual({ verified: true })
      expect((yield* failure(Users.verifyPassword("user_missing", { password: "x" }))).tag).toBe("NotFound")

      const digest = yield* Users.create({
        password_digest: "6cf615d5bcaac778352a8f1f3360d23f02f34ec182e259897fd6ce485d7870d4",
        password_hasher: "sha256"
      })
      expect(yield* Users.verifyPassword(digest.id, { password: "password2" })).toEqual({ verified: true })
      const bcrypt = yield* Users.create({ password_digest: "$2a$10$abc", password_hasher: "bcrypt" })
      expect(yield* failure(Users.verifyPassword(bcrypt.id, { password: "x" }))).toMatchObject({
        tag: "BadRequest",
        code: "password_not_verifiable"
      })

      const session = yield* Sessions.create({ user_id: user.id })
      expect((yield* Users.setPasswordCompromised(user.id, { revoke_all_sessions: true })).id).toBe(user.id)
      expect(Records.find(emulator.context, user.id)!.passwordCompromised).toBe(true)
      expect((yield* Sessions.get(session.id)).status).toBe("revoked")
      yield* Users.unsetPasswordCompromised(user.id)
      expect(Records.find(emulator.context, user.id)!.passwordCompromised).toBe(false)

      const removed = yield* Users.removePassword(user.id, { sign_out_of_other_sessions: true })
      expect(removed.password_enabled).toBe(false)
      expect(yield* failure(Users.verifyPassword(user.id, { password: "a new password!" }))).toMatchObject({
        tag: "BadRequest"
      })
      expect((yield* Users.removePassword(user.id)).id).toBe(user.id)
      expect((yield* failure(Users.setPasswordCompromised(user.id))).tag).toBe("BadRequest")
      expect((yield* failure(Users.unsetPasswordCompromised("user_missing"))).tag).toBe("NotFound")
    }).pipe(Effect.provide(sdk()))
  )
})

describe("Users.verifyTotp and second factors", () => {
  it.effect("a TOTP code of now, a backup code once; 400 without TOTP, 422 when wrong; deletes", () =>
    Effect.gen(function* () {
      const now = 1_700_000_000_000
      const user = yield* Users.create({ totp_secret: RFC_SECRET, backup_codes: ["alpha-1", "beta-2"] })
      expect(user).toMatchObject({ totp_enabled: true, backup_code_enabled: true, two_factor_enabled: true })
      const code = Secrets.totp(RFC_SECRET, now)!
      expect(yield* Users.verifyTotp(user.id, { code })).toEqual({ verified: true, code_type: "totp" })
      expect(yield* Users.verifyTotp(user.id, { code: "alpha-1" })).toEqual({
        verified: true,
        code_type: "backup_code"
      })
      expect(yield* failure(Users.verifyTotp(user.id, { code: "alpha-1" }))).toEqual({
        tag: "UnprocessableEntity",
        code: "form_code_incorrect",
        param: "code"
      })
      expect(yield* Users.deleteTOTP(user.id)).toEqual({ user_id: user.id })
      expect((yield* Users.get(user.id)).totp_enabled).toBe(false)
      expect((yield* failure(Users.verifyTotp(user.id, { code }))).tag).toBe("UnprocessableEntity")
      expect(yield* Users.deleteBackupCodes(user.id)).toEqual({ user_id: user.id })
      const after = yield* Users.get(user.id)
      expect(after).toMatchObject({ backup_code_enabled: false, two_factor_enabled: false, mfa_disabled_at: now })
      expect((yield* failure(Users.verifyTotp(user.id, { code }))).tag).toBe("BadRequest")

      const other = yield* Users.create({ totp_secret: RFC_SECRET })
      expect(yield* Users.disableMfa(other.id)).toEqual({ user_id: other.id })
      expect((yield* Users.get(other.id)).two_factor_enabled).toBe(false)
      for (const call of [Users.disableMfa, Users.deleteTOTP, Users.deleteBackupCodes]) {
        expect((yield* failure(call("user_missing"))).tag).toBe("NotFound")
      }
      expect(yield* failure(Users.create({ totp_secret: "not base32!" }))).toMatchObject({ param: "totp_secret" })
    }).pipe(Effect.provide(sdk({ now: () => 1_700_000_000_000 })))
  )
})

describe("web3 wallets, other identities, the profile image", () => {
  it.effect("Users.create stores web3_wallet (primary, unique, searchable); deleteWeb3Wallet moves the primary", () =>
    Effect.gen(function* () {
      const a = "0x1111111111111111111111111111111111111111"
      const b = "0x2222222222222222222222222222222222222222"
      const user = yield* Users.create({ web3_wallet: [a, b] })
      expect(user.web3_wallets.map((w) => w.web3_wallet)).toEqual([a, b])
      expect(user.web3_wallets[0]).toMatchObject({ object: "web3_wallet", verification: { status: "verified" } })
      expect(user.primary_web3_wallet_id).toBe(user.web3_wallets[0]!.id)
      expect((yield* Users.list({ web3_wallet: [b] })).map((u) => u.id)).toEqual([user.id])
      expect(yield* failure(Users.create({ web3_wallet: [a.toUpperCase().replace("0X", "0x")] }))).toMatchObject({
        code: "form_identifier_exists",
        param: "web3_wallet"
      })
      expect(yield* failure(Users.create({ web3_wallet: ["0x123"] }))).toMatchObject({
        code: "form_param_format_invalid",
        param: "web3_wallet"
      })
      const first = user.web3_wallets[0]!.id!
      expect(yield* Users.deleteWeb3Wallet(user.id, first)).toEqual({ object: "web3_wallet", id: first, deleted: true })
      const after = yield* Users.get(user.id)
      expect(after.primary_web3_wallet_id).toBe(user.web3_wallets[1]!.id)
      expect((yield* failure(Users.deleteWeb3Wallet(user.id, first))).tag).toBe("NotFound")
    }).pipe(Effect.provide(sdk()))
  )

  it.effect("no external accounts, passkeys or trusted devices: 404s and empty lists", () =>
    Effect.gen(function* () {
      const user = yield* Users.create({})
      expect(yield* Users.listTrustedDevices(user.id)).toEqual({ data: [], total_count: 0 })
      expect(yield* Users.getOAuthAccessToken(user.id, "oauth_google")).toEqual([])
      expect(yield* Users.getOAuthAccessToken(user.id, "oauth_google", { paginated: true })).toEqual({
        data: [],
        total_count: 0
      })
      expect((yield* failure(Users.getOAuthAccessToken("user_missing", "oauth_google"))).tag).toBe("NotFound")
      expect((yield* failure(Users.listTrustedDevices("user_missing"))).tag).toBe("NotFound")
      expect((yield* failure(Users.revokeTrustedDevice(user.id, "td_1"))).tag).toBe("NotFound")
      expect((yield* failure(Users.deleteExternalAccount(user.id, "eac_1"))).tag).toBe("NotFound")
      expect((yield* failure(Users.deletePasskey(user.id, "idn_1"))).tag).toBe("NotFound")
    }).pipe(Effect.provide(sdk()))
  )

  it.effect("setProfileImage takes a multipart image (400 for another type), deleteProfileImage resets it", () =>
    Effect.gen(function* () {
      const user = yield* Users.create({})
      expect(user.has_image).toBe(false)
      const png = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" })
      const updated = yield* Users.setProfileImage(user.id, { file: png })
      expect(updated.has_image).toBe(true)
      expect(updated.image_url).toMatch(/^https:\/\/emulator\.clerk\.invalid\/images\/img_/)
      const text = new Blob(["hello"], { type: "text/plain" })
      expect(yield* failure(Users.setProfileImage(user.id, { file: text }))).toMatchObject({
        tag: "BadRequest",
        code: "image_invalid"
      })
      expect(yield* failure(Users.setProfileImage(user.id, {}))).toMatchObject({ tag: "BadRequest" })
      expect((yield* failure(Users.setProfileImage("user_missing", { file: png }))).tag).toBe("NotFound")
      const reset = yield* Users.deleteProfileImage(user.id)
      expect(reset).toMatchObject({
        has_image: false,
        image_url: "https://emulator.clerk.invalid/images/default-avatar.png"
      })
      expect((yield* failure(Users.deleteProfileImage("user_missing"))).tag).toBe("NotFound")
    }).pipe(Effect.provide(sdk()))
  )
})
