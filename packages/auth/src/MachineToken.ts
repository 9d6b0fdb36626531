/**
 * Machine tokens: API keys (`ak_`), M2M tokens (`mt_`, or a JWT whose `sub` starts with `mch_`) and
 * OAuth access tokens (`oat_`, or a JWT with `typ: at+jwt`). Opaque tokens are verified by the
 * Backend API's verify operations; JWTs are verified networkless with the instance's keys.
 * Token kinds and their detection follow clerk/javascript packages/backend/src/tokens/machine.ts.
 *
 * @since 0.1.0
 */
import { APIKeys, type ClerkError, M2MTokens, OAuthAccessTokens } from "@effect-clerk/backend"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Jwt from "./internal/jwt.js"
import { Keys } from "./Keys.js"
import { TokenVerificationError } from "./TokenError.js"

/**
 * The token types of Clerk's `acceptsToken`.
 *
 * @since 0.1.0
 * @category models
 */
export type TokenType = "session_token" | MachineTokenType

/**
 * @since 0.1.0
 * @category models
 */
export type MachineTokenType = "api_key" | "m2m_token" | "oauth_token"

/**
 * What a caller accepts: one type, several, or `"any"` (Clerk's `acceptsToken`).
 *
 * @since 0.1.0
 * @category models
 */
export type AcceptsToken = TokenType | ReadonlyArray<TokenType> | "any"

/**
 * @since 0.1.0
 */
export const isAccepted = (type: TokenType, accepts: AcceptsToken): boolean =>
  accepts === "any" || (typeof accepts === "string" ? accepts === type : accepts.includes(type))

/**
 * A verified machine: who (`subject`: a user `user_`, an organization `org_` or a machine `mch_`),
 * through which token (`tokenType`, `id`), with what `scopes` and custom `claims`.
 *
 * @since 0.1.0
 * @category models
 */
export interface MachineIdentity {
  readonly tokenType: MachineTokenType
  /** The token's id (`ak_...`, `mt_...`, `oat_...`, or the JWT's `jti`). */
  readonly id: string
  readonly subject: string
  readonly scopes: ReadonlyArray<string>
  readonly claims: Readonly<Record<string, unknown>> | null
  /** API keys: the key's name. */
  readonly name?: string | undefined
  /** OAuth tokens: the OAuth application's client id. */
  readonly clientId?: string | undefined
  /** Expiration in milliseconds since the epoch, when the token has one. */
  readonly expiresAt: number | null
  /** Whether the token was verified by the Backend API or networkless as a JWT. */
  readonly format: "opaque" | "jwt"
}

/**
 * Why a machine token was rejected.
 *
 * - `not-a-machine-token`: no known prefix and not a machine JWT
 * - `token-type-not-accepted`: a machine token of a type the caller does not accept
 * - `invalid`: Clerk does not know it (404/400 from verify), or the JWT failed verification (`cause`)
 * - `revoked`, `expired`: Clerk knows it but it is no longer valid
 * - `unavailable`: Clerk could not be asked (transport, 5xx, 429, bad secret key): not the caller's fault
 *
 * @since 0.1.0
 * @category errors
 */
export class MachineTokenError extends Schema.TaggedError<MachineTokenError>("@effect-clerk/auth/MachineTokenError")(
  "MachineTokenError",
  {
    reason: Schema.Literal(
      "not-a-machine-token",
      "token-type-not-accepted",
      "invalid",
      "revoked",
      "expired",
      "unavailable"
    ),
    tokenType: Schema.optional(Schema.Literal("api_key", "m2m_token", "oauth_token")),
    message: Schema.String,
    cause: Schema.optional(Schema.Unknown)
  }
) {}

const M2M_SUBJECT_PREFIX = "mch_"
/** RFC 9068 access token types, as Clerk's OAUTH_ACCESS_TOKEN_TYPES. */
const OAUTH_JWT_TYPES = new Set(["at+jwt", "application/at+jwt"])
/** The M2M category in the JWT header (clerk/javascript packages/backend/src/tokens/jwtCategories.ts). */
const M2M_CATEGORY = "cl_B7d4PD333AAA"

/**
 * The machine token type of a token, from its prefix or (for JWTs) its header and `sub`, without
 * verifying anything. `undefined` for anything else (a session token, garbage).
 *
 * @since 0.1.0
 */
export const machineTokenType = (token: string): MachineTokenType | undefined => {
  if (token.startsWith("mt_")) return "m2m_token"
  if (token.startsWith("oat_")) return "oauth_token"
  if (token.startsWith("ak_")) return "api_key"
  return jwtKind(token)
}

const jwtKind = (token: string): MachineTokenType | undefined => {
  const header = Jwt.parseHeader(token)
  if (header instanceof TokenVerificationError) return undefined
  // Clerk's order (getMachineTokenType): M2M by `sub`, then OAuth by `typ`.
  const payload = Jwt.peekPayload(token)
  if (typeof payload?.["sub"] === "string" && payload["sub"].startsWith(M2M_SUBJECT_PREFIX)) return "m2m_token"
  if (header.typ !== undefined && OAUTH_JWT_TYPES.has(header.typ)) return "oauth_token"
  return undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface VerifyOptions {
  /** Default `["api_key", "m2m_token", "oauth_token"]`. */
  readonly acceptsToken?: AcceptsToken | undefined
  /** Clock skew for JWT-format tokens. Default 5 seconds. */
  readonly clockSkew?: Duration.DurationInput | undefined
}

/**
 * What machine verification needs: the three Backend API services for opaque tokens and the keys
 * for JWT-format tokens.
 *
 * @since 0.1.0
 * @category models
 */
export interface Verifiers {
  readonly apiKeys: APIKeys.APIKeys.Service
  readonly m2mTokens: M2MTokens.M2MTokens.Service
  readonly oauthAccessTokens: OAuthAccessTokens.OAuthAccessTokens.Service
  readonly keys: Keys.Service
}

/**
 * Verifies a machine token of an accepted type.
 *
 * @since 0.1.0
 * @category verification
 */
export const verify = (
  token: string,
  options: VerifyOptions = {}
): Effect.Effect<
  MachineIdentity,
  MachineTokenError,
  APIKeys.APIKeys | M2MTokens.M2MTokens | OAuthAccessTokens.OAuthAccessTokens | Keys
> =>
  Effect.gen(function* () {
    const verifiers: Verifiers = {
      apiKeys: yield* APIKeys.APIKeys,
      m2mTokens: yield* M2MTokens.M2MTokens,
      oauthAccessTokens: yield* OAuthAccessTokens.OAuthAccessTokens,
      keys: yield* Keys
    }
    return yield* verifyWith(verifiers, token, options)
  })

/**
 * `verify` with the verifiers given instead of taken from the context.
 *
 * @since 0.1.0
 * @category verification
 */
export const verifyWith = (
  verifiers: Verifiers,
  token: string,
  options: VerifyOptions = {}
): Effect.Effect<MachineIdentity, MachineTokenError> => {
  const type = machineTokenType(token)
  if (type === undefined) {
    return Effect.fail(new MachineTokenError({ reason: "not-a-machine-token", message: "not a Clerk machine token" }))
  }
  if (!isAccepted(type, options.acceptsToken ?? ["api_key", "m2m_token", "oauth_token"])) {
    return Effect.fail(
      new MachineTokenError({
        reason: "token-type-not-accepted",
        tokenType: type,
        message: `a token of type ${type} is not accepted here`
      })
    )
  }
  const skew = Duration.decode(options.clockSkew ?? Duration.seconds(5))
  if (Jwt.isCompactJws(token)) return verifyJwt(verifiers.keys, token, type, skew)
  switch (type) {
    case "api_key":
      return verifiers.apiKeys.verify({ secret: token }).pipe(
        Effect.mapError(fromClerkError(type)),
        Effect.flatMap((r) =>
          checkStatus(type, r, {
            tokenType: type,
            id: r.id,
            subject: r.subject,
            scopes: r.scopes,
            claims: asClaims(r.claims),
            name: r.name,
            expiresAt: r.expiration,
            format: "opaque"
          })
        )
      )
    case "m2m_token":
      return verifiers.m2mTokens.verifyToken({ token }).pipe(
        Effect.mapError(fromClerkError(type)),
        Effect.flatMap((r) =>
          checkStatus(type, r, {
            tokenType: type,
            id: r.id,
            subject: r.subject,
            scopes: r.scopes ?? [],
            claims: asClaims(r.claims),
            expiresAt: r.expiration,
            format: "opaque"
          })
        )
      )
    case "oauth_token":
      return verifiers.oauthAccessTokens.verify({ access_token: token }).pipe(
        Effect.mapError(fromClerkError(type)),
        Effect.flatMap((r) =>
          "subject" in r
            ? checkStatus(type, r, {
                tokenType: type,
                id: r.id,
                subject: r.subject,
                scopes: r.scopes,
                claims: null,
                clientId: r.client_id,
                expiresAt: r.expiration,
                format: "opaque"
              })
            : // `{ active: false }`: a JWT access token that is no longer active
              Effect.fail(
                new MachineTokenError({
                  reason: "expired",
                  tokenType: type,
                  message: "the OAuth access token is not active"
                })
              )
        )
      )
  }
}

const asClaims = (claims: unknown): Readonly<Record<string, unknown>> | null =>
  typeof claims === "object" && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : null

const checkStatus = (
  type: MachineTokenType,
  status: { readonly revoked: boolean; readonly expired: boolean },
  identity: MachineIdentity
): Effect.Effect<MachineIdentity, MachineTokenError> =>
  status.revoked
    ? Effect.fail(new MachineTokenError({ reason: "revoked", tokenType: type, message: `the ${type} is revoked` }))
    : status.expired
      ? Effect.fail(new MachineTokenError({ reason: "expired", tokenType: type, message: `the ${type} is expired` }))
      : Effect.succeed(identity)

const fromClerkError =
  (type: MachineTokenType) =>
  (
    error: ClerkError.BadRequest | ClerkError.NotFound | ClerkError.InvalidInput | ClerkError.Always
  ): MachineTokenError => {
    switch (error._tag) {
      case "NotFound":
      case "BadRequest":
      case "InvalidInput":
        return new MachineTokenError({
          reason: "invalid",
          tokenType: type,
          message: `Clerk does not recognize this ${type}`,
          cause: error
        })
      default:
        return new MachineTokenError({
          reason: "unavailable",
          tokenType: type,
          message: `the ${type} could not be verified: Clerk answered ${error._tag}`,
          cause: error
        })
    }
  }

const JwtMachineClaims = Schema.Struct(
  {
    sub: Schema.String,
    exp: Schema.Number,
    iat: Schema.Number,
    nbf: Schema.optional(Schema.Number),
    jti: Schema.optional(Schema.String),
    scopes: Schema.optional(Schema.String),
    scope: Schema.optional(Schema.String),
    scp: Schema.optional(Schema.Array(Schema.String)),
    aud: Schema.optional(Schema.Union(Schema.String, Schema.Array(Schema.String))),
    client_id: Schema.optional(Schema.String)
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)
const decodeMachineClaims = Schema.decodeUnknownEither(JwtMachineClaims, { onExcessProperty: "preserve" })

const STANDARD_CLAIMS = new Set([
  "iss",
  "sub",
  "aud",
  "exp",
  "iat",
  "nbf",
  "jti",
  "scopes",
  "scope",
  "scp",
  "client_id",
  "azp"
])

/**
 * M2M JWTs (sub `mch_`, `cat` the M2M category when present) and OAuth JWTs (`typ: at+jwt`), as
 * clerk/javascript packages/backend/src/jwt/verifyMachineJwt.ts: same signature and time checks as
 * session tokens; scopes from `scopes` (space-separated) or `aud` for M2M, `scp` or `scope` for OAuth.
 */
const verifyJwt = (
  keys: Keys.Service,
  token: string,
  type: MachineTokenType,
  clockSkew: Duration.Duration
): Effect.Effect<MachineIdentity, MachineTokenError> =>
  Jwt.verify(keys, token, {
    algorithms: ["RS256"],
    clockSkew,
    checkHeader: (header) =>
      type === "m2m_token" && header.cat !== undefined && header.cat !== M2M_CATEGORY
        ? new TokenVerificationError({ reason: "wrong-token-kind", message: "invalid M2M JWT category" })
        : type === "oauth_token" && (header.typ === undefined || !OAUTH_JWT_TYPES.has(header.typ))
          ? new TokenVerificationError({ reason: "wrong-token-kind", message: "not an OAuth access token JWT" })
          : undefined,
    decode: (payload) => {
      const result = decodeMachineClaims(payload)
      return Either.isRight(result)
        ? result.right
        : new TokenVerificationError({
            reason: "malformed",
            message: "the machine JWT's claims do not have Clerk's shape"
          })
    }
  }).pipe(
    Effect.map((claims): MachineIdentity => {
      const custom: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(claims)) if (!STANDARD_CLAIMS.has(key)) custom[key] = value
      const aud = claims.aud === undefined ? [] : typeof claims.aud === "string" ? [claims.aud] : claims.aud
      const scopes =
        type === "m2m_token"
          ? (claims.scopes?.split(" ").filter((s) => s !== "") ?? aud)
          : (claims.scp ?? claims.scope?.split(" ").filter((s) => s !== "") ?? [])
      return {
        tokenType: type,
        id: claims.jti ?? "",
        subject: claims.sub,
        scopes,
        claims: Object.keys(custom).length > 0 ? custom : null,
        ...(claims.client_id !== undefined ? { clientId: claims.client_id } : {}),
        expiresAt: claims.exp * 1000,
        format: "jwt"
      }
    }),
    Effect.mapError(
      (cause) =>
        new MachineTokenError({
          reason:
            cause.reason === "expired" ? "expired" : cause.reason === "jwks-unavailable" ? "unavailable" : "invalid",
          tokenType: type,
          message: `the ${type} JWT was rejected: ${cause.message}`,
          cause
        })
    )
  )
