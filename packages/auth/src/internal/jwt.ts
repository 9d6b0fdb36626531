/**
 * The steps every Clerk JWT goes through, in Clerk's order (packages/backend/src/jwt/verifyJwt.ts
 * in clerk/javascript): shape and header first, then the signature (with jose), and only then the
 * claims, so that an unsigned token learns nothing about the configuration.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Jose from "jose"
import type { Keys } from "../Keys.js"
import { TokenVerificationError } from "../TokenError.js"

/** Clerk's session tokens are a few hundred bytes to ~2 KB (a cookie holds 4 KB); beyond this, nothing is parsed. */
export const MAX_TOKEN_LENGTH = 16 * 1024

// The signature may be empty so that an unsecured (`alg: none`) token is read far enough to be
// rejected for its algorithm.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

export const isCompactJws = (token: string): boolean => token.length <= MAX_TOKEN_LENGTH && COMPACT_JWS.test(token)

export interface Header {
  readonly alg: string
  readonly kid: string | undefined
  readonly typ: string | undefined
  readonly cat: string | undefined
}

const malformed = (message: string) => new TokenVerificationError({ reason: "malformed", message })

/** Reads the protected header without trusting it (nothing is verified yet). */
export const readHeader = (token: string): Effect.Effect<Header, TokenVerificationError> => {
  if (token.length > MAX_TOKEN_LENGTH)
    return Effect.fail(malformed(`the token is longer than ${MAX_TOKEN_LENGTH} characters`))
  if (!COMPACT_JWS.test(token)) return Effect.fail(malformed("not a JWT: three base64url parts separated by dots"))
  let header: Jose.ProtectedHeaderParameters
  try {
    header = Jose.decodeProtectedHeader(token)
  } catch {
    return Effect.fail(malformed("the JWT header is not base64url-encoded JSON"))
  }
  const str = (value: unknown) => (typeof value === "string" ? value : undefined)
  if (typeof header.alg !== "string") return Effect.fail(malformed("the JWT header has no alg"))
  return Effect.succeed({ alg: header.alg, kid: str(header.kid), typ: str(header.typ), cat: str(header["cat"]) })
}

/** Reads the payload without verifying it: only to tell token kinds apart before verification. */
export const peekPayload = (token: string): Record<string, unknown> | undefined => {
  try {
    return Jose.decodeJwt(token) as Record<string, unknown>
  } catch {
    return undefined
  }
}

export interface VerifyOptions {
  readonly algorithms: ReadonlyArray<string>
  readonly clockSkew: Duration.Duration
}

/**
 * Checks `alg` against the allow-list, fetches the key for `kid`, verifies the signature with jose,
 * and returns the payload parsed as a JSON object (claims are not checked here).
 */
export const verifySignature = (
  token: string,
  header: Header,
  keys: Keys.Service,
  algorithms: ReadonlyArray<string>
): Effect.Effect<Record<string, unknown>, TokenVerificationError> => {
  if (!algorithms.includes(header.alg)) {
    return Effect.fail(
      new TokenVerificationError({
        reason: "algorithm-not-allowed",
        message: `the JWT algorithm ${JSON.stringify(header.alg.slice(0, 20))} is not allowed (allowed: ${algorithms.join(", ")})`
      })
    )
  }
  return Effect.flatMap(keys.get(header.kid), (key) =>
    Effect.tryPromise({
      try: () => Jose.compactVerify(token, key, { algorithms: [...algorithms] }),
      catch: (error) =>
        error instanceof Jose.errors.JWSSignatureVerificationFailed
          ? new TokenVerificationError({ reason: "invalid-signature", message: "the JWT signature is invalid" })
          : error instanceof Jose.errors.JOSEAlgNotAllowed
            ? new TokenVerificationError({
                reason: "algorithm-not-allowed",
                message: "the JWT algorithm is not allowed"
              })
            : malformed("the JWT could not be verified (malformed header or signature)")
    }).pipe(Effect.flatMap(({ payload }) => parsePayload(payload)))
  )
}

const decoder = new TextDecoder("utf-8", { fatal: true })

const parsePayload = (bytes: Uint8Array): Effect.Effect<Record<string, unknown>, TokenVerificationError> => {
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes))
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return Effect.succeed(value as Record<string, unknown>)
    }
  } catch {
    // fall through
  }
  return Effect.fail(malformed("the JWT payload is not a JSON object"))
}

export interface TimeClaims {
  readonly exp: number
  readonly nbf?: number | undefined
  readonly iat?: number | undefined
}

/**
 * `exp`, `nbf`, `iat` against the clock with a skew, exactly as Clerk's assertions
 * (packages/backend/src/jwt/assertions.ts): expired when `exp <= now - skew`, not active when
 * `nbf > now + skew`, issued in the future when `iat > now + skew`.
 */
export const checkTime = (claims: TimeClaims, clockSkew: Duration.Duration) =>
  Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<void, TokenVerificationError> => {
    const skew = Duration.toMillis(clockSkew)
    if (claims.exp * 1000 <= now - skew) {
      return Effect.fail(
        new TokenVerificationError({
          reason: "expired",
          message: `the JWT expired at ${new Date(claims.exp * 1000).toISOString()}`
        })
      )
    }
    if (claims.nbf !== undefined && claims.nbf * 1000 > now + skew) {
      return Effect.fail(
        new TokenVerificationError({
          reason: "not-active-yet",
          message: `the JWT is not valid before ${new Date(claims.nbf * 1000).toISOString()}`
        })
      )
    }
    if (claims.iat !== undefined && claims.iat * 1000 > now + skew) {
      return Effect.fail(
        new TokenVerificationError({
          reason: "issued-in-future",
          message: `the JWT was issued in the future (${new Date(claims.iat * 1000).toISOString()})`
        })
      )
    }
    return Effect.void
  })

/**
 * Clerk's rule (assertAuthorizedPartiesClaim): with parties configured, `azp` must be present and
 * one of them; without, anything goes.
 */
export const checkAuthorizedParty = (
  azp: string | undefined,
  authorizedParties: ReadonlyArray<string> | undefined
): Effect.Effect<void, TokenVerificationError> => {
  if (authorizedParties === undefined || authorizedParties.length === 0) return Effect.void
  if (azp !== undefined && azp !== "" && authorizedParties.includes(azp)) return Effect.void
  return Effect.fail(
    new TokenVerificationError({
      reason: "authorized-party-not-allowed",
      message: `the JWT's authorized party (azp) ${JSON.stringify((azp ?? null) && azp!.slice(0, 200))} is not allowed`
    })
  )
}
