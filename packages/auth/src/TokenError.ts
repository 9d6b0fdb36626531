/**
 * The one error of token verification, with a `reason` a caller can match on.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Why a token was rejected. The names follow Clerk's `TokenVerificationErrorReason`
 * (packages/backend/src/errors.ts in clerk/javascript) where one exists.
 *
 * - `expired`, `not-active-yet`, `issued-in-future`: `exp`, `nbf`, `iat` against the clock and its skew
 * - `invalid-signature`: the signature does not match the key (tampered header or payload, another key)
 * - `unknown-kid`: the JWKS, even refetched, has no key with the token's `kid`
 * - `jwks-unavailable`: the JWKS could not be fetched and no key is cached
 * - `algorithm-not-allowed`: `alg` is not in the allow-list (`none`, `HS256`, ...)
 * - `authorized-party-not-allowed`: `azp` is missing or not one of `authorizedParties`
 * - `issuer-not-allowed`: `iss` is not an https URL, or not the expected issuer
 * - `wrong-token-kind`: a valid JWT of another kind (an M2M or OAuth JWT, a JWT template)
 * - `malformed`: not a compact JWS, too large, critical header parameters (`crit`), or claims of the wrong shape
 *
 * @since 0.1.0
 * @category models
 */
export const TokenErrorReason = Schema.Literal(
  "expired",
  "not-active-yet",
  "issued-in-future",
  "invalid-signature",
  "unknown-kid",
  "jwks-unavailable",
  "algorithm-not-allowed",
  "authorized-party-not-allowed",
  "issuer-not-allowed",
  "wrong-token-kind",
  "malformed"
)

/**
 * @since 0.1.0
 * @category models
 */
export type TokenErrorReason = typeof TokenErrorReason.Type

/**
 * A session token (or a machine JWT) was rejected. `message` never contains the token.
 *
 * @since 0.1.0
 * @category errors
 */
export class TokenVerificationError extends Schema.TaggedError<TokenVerificationError>(
  "@effect-clerk/auth/TokenVerificationError"
)("TokenVerificationError", {
  reason: TokenErrorReason,
  message: Schema.String
}) {}
