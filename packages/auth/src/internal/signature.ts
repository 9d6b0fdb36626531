/**
 * The Svix / Standard Webhooks signature: HMAC-SHA256 over `id.timestamp.body`, computed by the
 * `standardwebhooks` package (as Clerk's own `verifyWebhook` does). Its `verify` also applies a fixed
 * 5-minute window read from `Date.now`, which would override our `tolerance` and ignore Effect's
 * Clock; so the window is checked by the caller, and only the library's `sign` is used here, its
 * result compared with every `v1,` signature of the header in constant time.
 */
import { Webhook as StandardWebhook } from "standardwebhooks"

export type Signer = StandardWebhook

/** A signer for a `whsec_` secret, or `undefined` when the secret is not one. */
export const signer = (secret: string): Signer | undefined => {
  if (!secret.startsWith("whsec_")) return undefined
  try {
    return new StandardWebhook(secret)
  } catch {
    return undefined
  }
}

/** Whether one of the header's `v1,` signatures is the HMAC of `id.timestamp.body` with one of the signers. */
export const matches = (
  signers: ReadonlyArray<Signer>,
  id: string,
  timestamp: number,
  body: string,
  header: string
): boolean => {
  const passed = header
    .split(" ")
    .filter((part) => part.startsWith("v1,"))
    .map((part) => part.slice(3))
  if (passed.length === 0) return false
  const at = new Date(timestamp * 1000)
  let found = false
  for (const signer of signers) {
    const expected = signer.sign(id, at, body).slice(3)
    // every candidate is compared, so that the time taken does not tell which one matched
    for (const candidate of passed) found = constantTimeEqual(candidate, expected) || found
  }
  return found
}

const constantTimeEqual = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}
