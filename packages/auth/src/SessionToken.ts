/**
 * Clerk session tokens: their claims (v2 and v1) as a Schema, and their verification.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Jwt from "./internal/jwt.js"
import { Keys } from "./Keys.js"
import { TokenVerificationError } from "./TokenError.js"

/**
 * The `act` claim: the session is an impersonation, `sub` is the actor (the admin or agent) and the
 * token's own `sub` is the impersonated user. Clerk sets it for sessions created from an actor
 * token (`ActorTokens.create`); `type: "agent"` marks an agent.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ActorClaim = Schema.Struct(
  { sub: Schema.String, type: Schema.optional(Schema.String) },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)

/**
 * @since 0.1.0
 * @category models
 */
export type ActorClaim = typeof ActorClaim.Type

/**
 * The v2 organization claim `o`: `id`, `slg` (slug), `rol` (role without its `org:` prefix),
 * `per` (permission names, comma-separated) and `fpm` (per feature, a decimal bitmask over `per`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const OrganizationClaim = Schema.Struct({
  id: Schema.String,
  slg: Schema.optional(Schema.String),
  rol: Schema.optional(Schema.String),
  per: Schema.optional(Schema.String),
  fpm: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type OrganizationClaim = typeof OrganizationClaim.Type

/**
 * The claims of a Clerk session token, v2 (`v: 2`, organization in `o`, `fea`, `pla`) or v1
 * (no `v`, organization in `org_id`, `org_slug`, `org_role`, `org_permissions`). Custom claims of the
 * instance's session token template are kept. Follows `JwtPayload` in clerk/javascript
 * packages/shared/src/types/jwtv2.ts.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SessionClaims = Schema.Struct(
  {
    iss: Schema.String,
    sub: Schema.String,
    sid: Schema.String,
    exp: Schema.Number,
    iat: Schema.Number,
    nbf: Schema.optional(Schema.Number),
    azp: Schema.optional(Schema.String),
    /** Session status: `active` or `pending` (absent for instances that have not opted in). */
    sts: Schema.optional(Schema.String),
    v: Schema.optional(Schema.Number),
    /** Minutes since the first and second factor were verified (-1: never). */
    fva: Schema.optional(Schema.Tuple(Schema.Number, Schema.Number)),
    act: Schema.optional(ActorClaim),
    o: Schema.optional(OrganizationClaim),
    /** Features, scoped: `o:feature` (organization), `u:feature` (user). */
    fea: Schema.optional(Schema.String),
    /** Plans, scoped like `fea`. */
    pla: Schema.optional(Schema.String),
    org_id: Schema.optional(Schema.String),
    org_slug: Schema.optional(Schema.String),
    org_role: Schema.optional(Schema.String),
    org_permissions: Schema.optional(Schema.Array(Schema.String))
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)

/**
 * @since 0.1.0
 * @category models
 */
export type SessionClaims = typeof SessionClaims.Type

/**
 * @since 0.1.0
 * @category models
 */
export interface VerifyOptions {
  /** Origins allowed in `azp` (e.g. `["https://app.example.com"]`). When given, `azp` is required. */
  readonly authorizedParties?: ReadonlyArray<string> | undefined
  /** Clock skew tolerated on `exp`, `nbf`, `iat`. Default 5 seconds, as Clerk's SDK. */
  readonly clockSkew?: Duration.DurationInput | undefined
  /** The allowed `alg` values. Default and recommended: `["RS256"]`, the only one Clerk uses. */
  readonly algorithms?: ReadonlyArray<"RS256" | "RS384" | "RS512"> | undefined
  /**
   * The expected issuer (your Frontend API URL, e.g. `https://clerk.example.com`), or a predicate.
   * Without it, `iss` must still be an `https:` URL (`http:` only for localhost).
   */
  readonly issuer?: string | ((iss: string) => boolean) | undefined
}

/**
 * JWT categories in the protected header (`cat`) that mark a token as something other than a
 * session token, from clerk/javascript packages/backend/src/tokens/jwtCategories.ts. An absent
 * `cat` is accepted, as Clerk does, for tokens minted before the categories.
 */
const SESSION_CATEGORIES = new Set(["cl_B7d4PD111AAA", "cl_I7d4PD111III"])

const decodeClaims = Schema.decodeUnknownEither(SessionClaims, { onExcessProperty: "preserve" })

/**
 * Verifies a Clerk session token with the `Keys` in context (`Keys.layerPem` or `Keys.layerJwks`)
 * and returns its claims. Checks, in Clerk's order: shape, `alg` allow-list, signature, then the
 * claims' shape, `exp` / `nbf` / `iat` with the skew, `azp`, `iss`.
 *
 * @since 0.1.0
 * @category verification
 */
export const verify = (
  token: string,
  options: VerifyOptions = {}
): Effect.Effect<SessionClaims, TokenVerificationError, Keys> =>
  Effect.flatMap(Keys, (keys) => verifyWith(keys, token, options))

/**
 * `verify` with the keys given instead of taken from the context.
 *
 * @since 0.1.0
 * @category verification
 */
export const verifyWith = (
  keys: Keys.Service,
  token: string,
  options: VerifyOptions = {}
): Effect.Effect<SessionClaims, TokenVerificationError> =>
  Jwt.verify(keys, token, {
    algorithms: options.algorithms ?? RS256,
    clockSkew: options.clockSkew === undefined ? FIVE_SECONDS : Duration.decode(options.clockSkew),
    checkHeader,
    decode,
    checkClaims: (claims) =>
      Jwt.authorizedPartyError(claims.azp, options.authorizedParties) ?? issuerError(claims.iss, options.issuer)
  })

const RS256 = ["RS256"] as const
const FIVE_SECONDS = Duration.seconds(5)

const checkHeader = (header: Jwt.Header): TokenVerificationError | undefined => {
  if (header.cat !== undefined && !SESSION_CATEGORIES.has(header.cat)) {
    return new TokenVerificationError({
      reason: "wrong-token-kind",
      message: "the JWT's category (cat) is not a session token's"
    })
  }
  if (header.typ !== undefined && header.typ !== "JWT") {
    return new TokenVerificationError({
      reason: "wrong-token-kind",
      message: "the JWT's type (typ) is not a session token's"
    })
  }
  return undefined
}

const decode = (payload: Record<string, unknown>): SessionClaims | TokenVerificationError => {
  const result = decodeClaims(payload)
  return Either.isRight(result)
    ? result.right
    : new TokenVerificationError({
        reason: "malformed",
        message: `the session token's claims do not have Clerk's shape: ${ParseResult.TreeFormatter.formatErrorSync(result.left).slice(0, 500)}`
      })
}

const issuerError = (
  iss: string,
  expected: string | ((iss: string) => boolean) | undefined
): TokenVerificationError | undefined => {
  const error = () =>
    new TokenVerificationError({
      reason: "issuer-not-allowed",
      message: `the JWT issuer (iss) ${JSON.stringify(iss.slice(0, 200))} is not allowed`
    })
  if (typeof expected === "string") return iss === expected ? undefined : error()
  if (typeof expected === "function") return expected(iss) ? undefined : error()
  // The shape only: an https URL (http for localhost). Parsed with URL only when the fast check fails.
  if (iss.startsWith("https://") && URL.canParse(iss)) return undefined
  let url: URL
  try {
    url = new URL(iss)
  } catch {
    return error()
  }
  const local = url.hostname === "localhost" || url.hostname === "127.0.0.1"
  return url.protocol === "https:" || (url.protocol === "http:" && local) ? undefined : error()
}
