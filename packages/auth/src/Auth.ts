/**
 * Who is calling: `SignedIn` (a session), `Machine` (an API key, M2M or OAuth token) or `SignedOut`
 * (with the reason), and the `Authenticator` that tells them apart on an incoming request.
 *
 * @since 0.1.0
 */
import { APIKeys, M2MTokens, OAuthAccessTokens } from "@effect-clerk/backend"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Permissions from "./internal/permissions.js"
import * as Request from "./internal/request.js"
import { Keys } from "./Keys.js"
import * as MachineToken from "./MachineToken.js"
import * as SessionToken from "./SessionToken.js"
import type { TokenVerificationError } from "./TokenError.js"

/**
 * What `has` checks; several keys must all hold. Names follow Clerk's `has()`: roles and
 * permissions with or without their `org:` prefix, features and plans with an optional `o:` / `u:`
 * scope (`"o:sso"`, `"u:pro"`).
 *
 * @since 0.1.0
 * @category models
 */
export type HasCheck =
  | { readonly role: string; readonly permission?: string | undefined }
  | { readonly permission: string; readonly role?: string | undefined }
  | { readonly feature: string; readonly plan?: string | undefined }
  | { readonly plan: string; readonly feature?: string | undefined }

/**
 * A verified session.
 *
 * @since 0.1.0
 * @category models
 */
export class SignedIn extends Data.TaggedClass("SignedIn")<{
  readonly userId: string
  readonly sessionId: string
  /** `active` or `pending` (pending sessions are SignedOut unless `treatPendingAsSignedOut: false`). */
  readonly sessionStatus: string | null
  readonly orgId: string | null
  /** With its `org:` prefix (`org:admin`), as Clerk's `orgRole`. */
  readonly orgRole: string | null
  readonly orgSlug: string | null
  /** `org:feature:permission` for v2 tokens (from `fea`, `o.per`, `o.fpm`), `org_permissions` for v1. */
  readonly orgPermissions: ReadonlyArray<string>
  /**
   * Set when the session is an impersonation (an actor token, `ActorTokens.create`): `actor.sub` is
   * who acts, `userId` is who they act as.
   */
  readonly actor: SessionToken.ActorClaim | null
  /** Minutes since the first and second factor verification, `-1` when never; null when absent. */
  readonly factorVerificationAge: readonly [number, number] | null
  readonly features: string | null
  readonly plans: string | null
  /** Every claim of the token, custom ones included. */
  readonly claims: SessionToken.SessionClaims
  /** Where the token came from. */
  readonly source: "header" | "cookie"
}> {
  /**
   * Whether the session is an impersonation.
   *
   * @since 0.1.0
   */
  get isImpersonated(): boolean {
    return this.actor !== null
  }

  /**
   * Clerk's `has()`: organization role or permission, billing feature or plan. Fails closed:
   * missing data or an empty check is `false`.
   *
   * @since 0.1.0
   */
  has(check: HasCheck): boolean {
    return Permissions.has(check, this)
  }
}

/**
 * A verified machine token.
 *
 * @since 0.1.0
 * @category models
 */
export class Machine extends Data.TaggedClass("Machine")<{
  readonly identity: MachineToken.MachineIdentity
}> {
  /**
   * @since 0.1.0
   */
  get tokenType(): MachineToken.MachineTokenType {
    return this.identity.tokenType
  }
  /**
   * @since 0.1.0
   */
  get subject(): string {
    return this.identity.subject
  }
  /**
   * @since 0.1.0
   */
  hasScope(scope: string): boolean {
    return this.identity.scopes.includes(scope)
  }
}

/**
 * Why a request is not authenticated.
 *
 * - `no-token`: no `Authorization: Bearer` header and no `__session` cookie
 * - `cross-origin-cookie`: only a `__session` cookie, on a cross-origin request (`Origin` is another
 *   host): Clerk's SDK would start the browser handshake, which a server-only SDK does not do
 * - `token-type-not-accepted`: a valid-looking token of a type not in `acceptsToken`
 * - `session-token-invalid`: verification failed; `error` says why (`expired`, `invalid-signature`, ...)
 * - `session-pending`: the session has pending tasks (`sts: pending`) and `treatPendingAsSignedOut` is on
 * - `machine-token-invalid`: verification failed; `error` says why
 *
 * @since 0.1.0
 * @category models
 */
export type SignedOutReason =
  | "no-token"
  | "cross-origin-cookie"
  | "token-type-not-accepted"
  | "session-token-invalid"
  | "session-pending"
  | "machine-token-invalid"

/**
 * @since 0.1.0
 * @category models
 */
export class SignedOut extends Data.TaggedClass("SignedOut")<{
  readonly reason: SignedOutReason
  readonly message: string
  readonly error?: TokenVerificationError | MachineToken.MachineTokenError | undefined
}> {}

/**
 * @since 0.1.0
 * @category models
 */
export type Auth = SignedIn | Machine | SignedOut

/**
 * The `Auth` of the current request, provided by the middlewares.
 *
 * @since 0.1.0
 * @category tags
 */
export class CurrentAuth extends Context.Tag("@effect-clerk/auth/CurrentAuth")<CurrentAuth, Auth>() {}

/**
 * The signed-in session of the current request, provided by the middlewares that require one.
 *
 * @since 0.1.0
 * @category tags
 */
export class CurrentUser extends Context.Tag("@effect-clerk/auth/CurrentUser")<CurrentUser, SignedIn>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends SessionToken.VerifyOptions {
  /** Which tokens this server accepts. Default `"session_token"`, as Clerk's `authenticateRequest`. */
  readonly acceptsToken?: MachineToken.AcceptsToken | undefined
  /** Sessions with `sts: pending` are SignedOut. Default true, as Clerk's SDK. */
  readonly treatPendingAsSignedOut?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Authenticator extends Context.Tag("@effect-clerk/auth/Authenticator")<
  Authenticator,
  Authenticator.Service
>() {}

/**
 * @since 0.1.0
 */
export declare namespace Authenticator {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /** Reads the token from the request (header, else same-origin cookie) and authenticates it. */
    readonly authenticate: (request: HttpServerRequest.HttpServerRequest) => Effect.Effect<Auth>
    /** Authenticates a token taken from elsewhere (a WebSocket message, a queue). */
    readonly authenticateToken: (token: string, source?: "header" | "cookie") => Effect.Effect<Auth>
  }
}

/**
 * The `Authorization: Bearer` token, if the header has that scheme.
 *
 * @since 0.1.0
 */
export const bearerToken: (request: HttpServerRequest.HttpServerRequest) => string | undefined = Request.bearerToken

/**
 * The `__session` cookie and whether the request is same-origin (no `Origin` header, or one whose
 * host is the request's `Host` / `X-Forwarded-Host`).
 *
 * @since 0.1.0
 */
export const sessionCookie: (
  request: HttpServerRequest.HttpServerRequest
) => { readonly token: string; readonly sameOrigin: boolean } | undefined = Request.sessionCookie

/**
 * The authenticator over explicit verifiers. Clerk's `authenticateRequest` (clerk/javascript
 * packages/backend/src/tokens/request.ts) branches covered: header token (session or machine),
 * same-origin `__session` cookie, `acceptsToken`, pending sessions. Not covered (each a `SignedOut`
 * with its reason, never a `SignedIn`): the browser handshake, satellite domains, dev-browser tokens.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  verifiers: { readonly keys: Keys.Service; readonly machine?: MachineToken.Verifiers | undefined },
  options: Options = {}
): Authenticator.Service => {
  const accepts = options.acceptsToken ?? "session_token"
  const treatPending = options.treatPendingAsSignedOut ?? true
  const skew = options.clockSkew ?? Duration.seconds(5)

  const authenticateToken = (token: string, source: "header" | "cookie" = "header"): Effect.Effect<Auth> => {
    const machineType = MachineToken.machineTokenType(token)
    if (machineType !== undefined) {
      // Clerk reads machine tokens from the Authorization header only.
      if (!MachineToken.isAccepted(machineType, accepts) || source !== "header" || verifiers.machine === undefined) {
        return Effect.succeed(
          new SignedOut({ reason: "token-type-not-accepted", message: `a ${machineType} is not accepted here` })
        )
      }
      return MachineToken.verifyWith(verifiers.machine, token, { acceptsToken: accepts, clockSkew: skew }).pipe(
        Effect.match({
          onFailure: (error) => new SignedOut({ reason: "machine-token-invalid", message: error.message, error }),
          onSuccess: (identity) => new Machine({ identity })
        })
      )
    }
    if (!MachineToken.isAccepted("session_token", accepts)) {
      return Effect.succeed(
        new SignedOut({ reason: "token-type-not-accepted", message: "session tokens are not accepted here" })
      )
    }
    return SessionToken.verifyWith(verifiers.keys, token, options).pipe(
      Effect.match({
        onFailure: (error): Auth => new SignedOut({ reason: "session-token-invalid", message: error.message, error }),
        onSuccess: (claims): Auth =>
          treatPending && claims.sts === "pending"
            ? new SignedOut({ reason: "session-pending", message: "the session has pending tasks" })
            : signedIn(claims, source)
      })
    )
  }

  const authenticate = (request: HttpServerRequest.HttpServerRequest): Effect.Effect<Auth> => {
    const bearer = bearerToken(request)
    if (bearer !== undefined) return authenticateToken(bearer, "header")
    const cookie = sessionCookie(request)
    if (cookie === undefined) {
      return Effect.succeed(new SignedOut({ reason: "no-token", message: "no session token in the request" }))
    }
    if (!cookie.sameOrigin) {
      return Effect.succeed(
        new SignedOut({
          reason: "cross-origin-cookie",
          message: "a __session cookie on a cross-origin request is not trusted (send an Authorization header)"
        })
      )
    }
    return authenticateToken(cookie.token, "cookie")
  }

  return Authenticator.of({ authenticate, authenticateToken })
}

/**
 * Session tokens and machine tokens (for what `acceptsToken` allows): needs the `Keys` and the
 * Backend API's `APIKeys`, `M2MTokens`, `OAuthAccessTokens` services (`*.layer` over a `ClerkClient`).
 * With `Keys.layerJwks`, keys come from the instance's JWKS: one fetch in flight at a time, shared by
 * every request that needs it, and no request waits longer than that fetch's `fetchTimeout`.
 *
 * @example
 * ```ts
 * import { Auth, Keys } from "@effect-clerk/auth"
 * import { APIKeys, ClerkClient, JWKS, M2MTokens, OAuthAccessTokens } from "@effect-clerk/backend"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 *
 * const Backend = Layer.mergeAll(JWKS.layer, APIKeys.layer, M2MTokens.layer, OAuthAccessTokens.layer).pipe(
 *   Layer.provideMerge(ClerkClient.layerConfig()), // CLERK_SECRET_KEY
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * export const AuthLive = Auth.layer({ acceptsToken: ["session_token", "m2m_token"] }).pipe(
 *   Layer.provide(Keys.layerJwks({ fetchTimeout: "3 seconds" })),
 *   Layer.provide(Backend)
 * )
 * // SignedIn, Machine or SignedOut (with the reason)
 * export const caller = Effect.flatMap(HttpServerRequest.HttpServerRequest, Auth.authenticateRequest)
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<
  Authenticator,
  never,
  Keys | APIKeys.APIKeys | M2MTokens.M2MTokens | OAuthAccessTokens.OAuthAccessTokens
> =>
  Layer.effect(
    Authenticator,
    Effect.gen(function* () {
      const keys = yield* Keys
      const machine: MachineToken.Verifiers = {
        keys,
        apiKeys: yield* APIKeys.APIKeys,
        m2mTokens: yield* M2MTokens.M2MTokens,
        oauthAccessTokens: yield* OAuthAccessTokens.OAuthAccessTokens
      }
      return make({ keys, machine }, options)
    })
  )

/**
 * Session tokens only (machine tokens are `SignedOut` with `token-type-not-accepted`): needs only
 * the `Keys`, so `Keys.layerPem` makes it fully networkless.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSession = (options: Omit<Options, "acceptsToken"> = {}): Layer.Layer<Authenticator, never, Keys> =>
  Layer.effect(
    Authenticator,
    Effect.map(Keys, (keys) => make({ keys }, { ...options, acceptsToken: "session_token" }))
  )

/**
 * @since 0.1.0
 * @category accessors
 */
export const authenticateRequest = (
  request: HttpServerRequest.HttpServerRequest
): Effect.Effect<Auth, never, Authenticator> => Effect.flatMap(Authenticator, (a) => a.authenticate(request))

/**
 * A `SignedIn` from verified claims, v2 or v1, as Clerk's
 * `__experimental_JWTPayloadToAuthObjectProperties` (clerk/javascript packages/shared/src/jwtPayloadParser.ts).
 *
 * @since 0.1.0
 * @category constructors
 */
export const signedIn = (claims: SessionToken.SessionClaims, source: "header" | "cookie"): SignedIn => {
  const org =
    claims.v === 2
      ? claims.o === undefined
        ? { orgId: null, orgRole: null, orgSlug: null, orgPermissions: [] as ReadonlyArray<string> }
        : {
            orgId: claims.o.id,
            orgRole: claims.o.rol !== undefined ? `org:${claims.o.rol}` : null,
            orgSlug: claims.o.slg ?? null,
            orgPermissions: Permissions.orgPermissions(claims.fea, claims.o.per, claims.o.fpm)
          }
      : {
          orgId: claims.org_id ?? null,
          orgRole: claims.org_role ?? null,
          orgSlug: claims.org_slug ?? null,
          orgPermissions: claims.org_permissions ?? []
        }
  return new SignedIn({
    userId: claims.sub,
    sessionId: claims.sid,
    sessionStatus: claims.sts ?? null,
    ...org,
    actor: claims.act ?? null,
    factorVerificationAge: claims.fva ?? null,
    features: claims.fea ?? null,
    plans: claims.pla ?? null,
    claims,
    source
  })
}
