import { createHash } from "node:crypto"

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

/** @internal */
export const randomBase62 = (length: number): string => {
  const bytes = new Uint8Array(length)
  globalThis.crypto.getRandomValues(bytes)
  let out = ""
  for (const byte of bytes) out += BASE62[byte % 62]
  return out
}

/** @internal */
export const toBase62 = (n: number, width: number): string => {
  let out = ""
  let rest = Math.floor(n)
  while (rest > 0) {
    out = BASE62[rest % 62] + out
    rest = Math.floor(rest / 62)
  }
  return out.padStart(width, "0")
}

/** @internal */
export const traceId = (): string => {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
}

/**
 * An id of the 32-hex-digit shape the machine-auth endpoints use (`ak_…`, `mt_…`, `oat_…`, spec
 * patterns `^ak_[0-9A-Fa-f]{32}$`): the SHA-256 of an id from the emulator's own generator. It is
 * as unique as that generator and as deterministic (`sequentialIds` gives repeatable ones).
 *
 * @internal
 */
export const hexId = (generateId: (prefix: string) => string, prefix: string): string =>
  prefix + createHash("sha256").update(generateId(prefix)).digest("hex").slice(0, 32)

/**
 * An id that is the same for every run with the same `seed` (`prefix` + 27 base62 characters):
 * for what one instance has exactly one of (its primary domain, its instance id).
 *
 * @internal
 */
export const stableId = (prefix: string, seed: string): string => {
  const digest = createHash("sha256").update(seed).digest()
  let out = ""
  for (let i = 0; i < 27; i++) out += BASE62[digest[i]! % 62]
  return prefix + out
}
