/**
 * The steps every Clerk JWT goes through, in Clerk's order (packages/backend/src/jwt/verifyJwt.ts
 * in clerk/javascript): shape and header first, then the signature (with jose), and only then the
 * claims, so that an unsigned token learns nothing about the configuration.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Jose from "jose"
import type { Keys, VerificationKey } from "../Keys.js"
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
export const parseHeader = (token: string): Header | TokenVerificationError => {
  if (token.length > MAX_TOKEN_LENGTH) return malformed(`the token is longer than ${MAX_TOKEN_LENGTH} characters`)
  if (!COMPACT_JWS.test(token)) return malformed("not a JWT: three base64url parts separated by dots")
  let header: Jose.ProtectedHeaderParameters
  try {
    header = Jose.decodeProtectedHeader(token)
  } catch {
    return malformed("the JWT header is not base64url-encoded JSON")
  }
  const str = (value: unknown) => (typeof value === "string" ? value : undefined)
  if (typeof header.alg !== "string") return malformed("the JWT header has no alg")
  // RFC 7515 4.1.11: a recipient must refuse a JWS whose `crit` names what it does not understand.
  // Clerk's tokens never carry `crit`, so every one is refused, as a malformed token (not as a bad signature).
  if (header.crit !== undefined) return malformed("the JWT header has critical parameters (crit) not understood here")
  return { alg: header.alg, kid: str(header.kid), typ: str(header.typ), cat: str(header["cat"]) }
}

/** Reads the payload without verifying it: only to tell token kinds apart before verification. */
export const peekPayload = (token: string): Record<string, unknown> | undefined => {
  try {
    return Jose.decodeJwt(token) as Record<string, unknown>
  } catch {
    return undefined
  }
}

export interface TimeClaims {
  readonly exp: number
  readonly nbf?: number | undefined
  readonly iat?: number | undefined
}

/** How one kind of JWT is verified. */
export interface Spec<C extends TimeClaims> {
  readonly algorithms: ReadonlyArray<string>
  readonly clockSkew: Duration.Duration
  /** Rejects a header of another kind of token (before the key is even looked up). */
  readonly checkHeader: (header: Header) => TokenVerificationError | undefined
  /** Decodes the verified payload into claims. */
  readonly decode: (payload: Record<string, unknown>) => C | TokenVerificationError
  /** Checks after the time claims (`azp`, `iss`). */
  readonly checkClaims?: ((claims: C) => TokenVerificationError | undefined) | undefined
}

/**
 * Checks the shape and `alg` allow-list, gets the key for `kid`, verifies the signature with jose,
 * decodes the claims and checks them. One Effect step around one async function: this runs on
 * every request, and each Effect step costs CPU (see bench/verify-token.ts).
 */
export const verify = <C extends TimeClaims>(
  keys: Keys.Service,
  token: string,
  spec: Spec<C>
): Effect.Effect<C, TokenVerificationError> => {
  const header = parseHeader(token)
  if (header instanceof TokenVerificationError) return Effect.fail(header)
  const wrongKind = spec.checkHeader(header)
  if (wrongKind !== undefined) return Effect.fail(wrongKind)
  if (!spec.algorithms.includes(header.alg)) {
    return Effect.fail(
      new TokenVerificationError({
        reason: "algorithm-not-allowed",
        message: `the JWT algorithm ${JSON.stringify(header.alg.slice(0, 20))} is not allowed (allowed: ${spec.algorithms.join(", ")})`
      })
    )
  }
  return Effect.flatMap(keys.get(header.kid), (key) =>
    Effect.clockWith((clock) =>
      Effect.flatten(Effect.promise(() => verifyWithKey(token, key, clock.unsafeCurrentTimeMillis(), spec)))
    )
  )
}

const verifyWithKey = async <C extends TimeClaims>(
  token: string,
  key: VerificationKey,
  now: number,
  spec: Spec<C>
): Promise<Effect.Effect<C, TokenVerificationError>> => {
  let bytes: Uint8Array
  try {
    bytes = (await Jose.compactVerify(token, key, { algorithms: [...spec.algorithms] })).payload
  } catch (error) {
    return Effect.fail(
      error instanceof Jose.errors.JWSInvalid || error instanceof Jose.errors.JOSENotSupported
        ? malformed("the JWT is not a valid JWS (header or signature)")
        : error instanceof Jose.errors.JOSEAlgNotAllowed
          ? new TokenVerificationError({ reason: "algorithm-not-allowed", message: "the JWT algorithm is not allowed" })
          : // JWSSignatureVerificationFailed, or a key that cannot verify this signature
            new TokenVerificationError({ reason: "invalid-signature", message: "the JWT signature is invalid" })
    )
  }
  const payload = parsePayload(bytes)
  if (payload instanceof TokenVerificationError) return Effect.fail(payload)
  const claims = spec.decode(payload)
  if (claims instanceof TokenVerificationError) return Effect.fail(claims)
  const error = timeError(claims, Duration.toMillis(spec.clockSkew), now) ?? spec.checkClaims?.(claims)
  return error === undefined ? Effect.succeed(claims) : Effect.fail(error)
}

const decoder = new TextDecoder("utf-8", { fatal: true })

const parsePayload = (bytes: Uint8Array): Record<string, unknown> | TokenVerificationError => {
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes))
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // fall through
  }
  return malformed("the JWT payload is not a JSON object")
}

/**
 * `exp`, `nbf`, `iat` against the clock with a skew, exactly as Clerk's assertions
 * (packages/backend/src/jwt/assertions.ts): expired when `exp <= now - skew`, not active when
 * `nbf > now + skew`, issued in the future when `iat > now + skew`.
 */
export const timeError = (claims: TimeClaims, skew: number, now: number): TokenVerificationError | undefined => {
  if (claims.exp * 1000 <= now - skew) {
    return new TokenVerificationError({
      reason: "expired",
      message: `the JWT expired at ${new Date(claims.exp * 1000).toISOString()}`
    })
  }
  if (claims.nbf !== undefined && claims.nbf * 1000 > now + skew) {
    return new TokenVerificationError({
      reason: "not-active-yet",
      message: `the JWT is not valid before ${new Date(claims.nbf * 1000).toISOString()}`
    })
  }
  if (claims.iat !== undefined && claims.iat * 1000 > now + skew) {
    return new TokenVerificationError({
      reason: "issued-in-future",
      message: `the JWT was issued in the future (${new Date(claims.iat * 1000).toISOString()})`
    })
  }
  return undefined
}

/**
 * Clerk's rule (assertAuthorizedPartiesClaim): with parties configured, `azp` must be present and
 * one of them; without, anything goes.
 */
export const authorizedPartyError = (
  azp: string | undefined,
  authorizedParties: ReadonlyArray<string> | undefined
): TokenVerificationError | undefined => {
  if (authorizedParties === undefined || authorizedParties.length === 0) return undefined
  if (azp !== undefined && azp !== "" && authorizedParties.includes(azp)) return undefined
  return new TokenVerificationError({
    reason: "authorized-party-not-allowed",
    message: `the JWT's authorized party (azp) ${JSON.stringify(azp === undefined ? null : azp.slice(0, 200))} is not allowed`
  })
}
