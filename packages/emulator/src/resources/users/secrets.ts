/**
 * A user's secrets as the emulator keeps them: passwords as scrypt hashes (node:crypto's KDF, a
 * random 16-byte salt each), TOTP codes per RFC 6238, backup codes.
 *
 * TOTP is written here on node:crypto's HMAC rather than taken from a library: no TOTP library is
 * installed in the workspace, RFC 6238 over RFC 4226 is about twenty lines, and the tests check it
 * against the RFC's own test vectors. Parameters are the ones authenticator apps and Clerk use:
 * SHA-1, 6 digits, 30-second steps, base32 secrets (RFC 4648); one step of drift either way is
 * accepted.
 *
 * @since 0.2.0
 */
import { createHash, createHmac, randomBytes, scryptSync, timingSafeEqual } from "node:crypto"

/**
 * A stored password: an scrypt hash (`scrypt$<salt>$<hash>`, base64url), or a digest imported with
 * `password_digest` and `password_hasher`.
 *
 * @since 0.2.0
 * @category models
 */
export type PasswordSecret =
  | { readonly _tag: "Scrypt"; readonly salt: string; readonly hash: string }
  | { readonly _tag: "Imported"; readonly hasher: string; readonly digest: string }

const KEY_LENGTH = 32

/**
 * Hashes a password with scrypt and a fresh salt.
 *
 * @since 0.2.0
 * @category passwords
 */
export const hashPassword = (password: string): PasswordSecret => {
  const salt = randomBytes(16)
  return {
    _tag: "Scrypt",
    salt: salt.toString("base64url"),
    hash: scryptSync(password, salt, KEY_LENGTH).toString("base64url")
  }
}

/**
 * Whether `password` matches: `undefined` when the secret is a digest the emulator cannot check
 * (it checks imported `sha256` digests, hex or base64, and nothing else).
 *
 * @since 0.2.0
 * @category passwords
 */
export const checkPassword = (secret: PasswordSecret, password: string): boolean | undefined => {
  if (secret._tag === "Scrypt") {
    const expected = Buffer.from(secret.hash, "base64url")
    return timingSafeEqual(scryptSync(password, Buffer.from(secret.salt, "base64url"), KEY_LENGTH), expected)
  }
  if (secret.hasher !== "sha256") return undefined
  const digest = createHash("sha256").update(password).digest()
  return secret.digest === digest.toString("hex") || secret.digest === digest.toString("base64")
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

/**
 * Decodes a base32 secret (RFC 4648; case, spaces and `=` padding ignored); `undefined` when it is
 * not base32.
 *
 * @since 0.2.0
 * @category totp
 */
export const base32 = (secret: string): Buffer | undefined => {
  const clean = secret.replace(/[\s=]/g, "").toUpperCase()
  if (clean === "" || [...clean].some((c) => !BASE32.includes(c))) return undefined
  let bits = 0
  let value = 0
  const out: Array<number> = []
  for (const c of clean) {
    value = (value << 5) | BASE32.indexOf(c)
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/**
 * The HOTP value (RFC 4226) of `key` at `counter`, `digits` long, with `algorithm`'s HMAC.
 *
 * @since 0.2.0
 * @category totp
 */
export const hotp = (key: Buffer, counter: number, digits = 6, algorithm = "sha1"): string => {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac(algorithm, key).update(message).digest()
  const offset = mac[mac.length - 1]! & 0x0f
  const binary = mac.readUInt32BE(offset) & 0x7fffffff
  return String(binary % 10 ** digits).padStart(digits, "0")
}

/**
 * The TOTP code (RFC 6238) of a base32 secret at `nowMs`: 6 digits, 30-second steps, SHA-1.
 *
 * @since 0.2.0
 * @category totp
 */
export const totp = (secret: string, nowMs: number): string | undefined => {
  const key = base32(secret)
  return key === undefined ? undefined : hotp(key, Math.floor(nowMs / 30_000))
}

/**
 * Whether `code` is the TOTP of `secret` at `nowMs`, one step early or late.
 *
 * @since 0.2.0
 * @category totp
 */
export const checkTotp = (secret: string, code: string, nowMs: number): boolean => {
  const key = base32(secret)
  if (key === undefined || !/^\d{6}$/.test(code)) return false
  const step = Math.floor(nowMs / 30_000)
  return [step - 1, step, step + 1].some((s) => hotp(key, s) === code)
}
