/**
 * Session tokens signed by the emulator: what a Clerk Frontend API hands a signed-in browser, so
 * that a backend's token verification (networkless with `CLERK_JWT_KEY`, or through `GET /v1/jwks`)
 * can be tested offline.
 *
 * Reach it as `emulator.sessionTokens` (from Effect code: `(yield* Emulator.Emulator).sessionTokens`).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as ApiError from "./ApiError.js"
import type * as Resource from "./Resource.js"
import * as SessionToken from "./internal/sessionToken.js"
import * as Sessions from "./resources/Sessions.js"
import * as Users from "./resources/Users.js"

/**
 * Where an emulator serves {@link SessionTokens.jwks} without authentication, as Clerk's Frontend API does
 * (`https://<frontend api>/.well-known/jwks.json`); `GET /v1/jwks` needs the secret key.
 *
 * @since 0.1.0
 * @category constants
 */
export const wellKnownJwksPath = "/.well-known/jwks.json"

/**
 * Options of {@link SessionTokens.mint}.
 *
 * @since 0.1.0
 * @category models
 */
export interface MintOptions {
  readonly userId: string
  /** Adds the `o` claim (`id`, `slg`, `rol`, `per`) when the user is a member of this organization. */
  readonly organizationId?: string | undefined
  /** Adds the `act` claim (an impersonation session) and stores it as the session's `actor`. */
  readonly actor?: { readonly sub: string; readonly [key: string]: unknown } | undefined
  /** The `azp` claim: the origin the token was minted for. Omitted when not given. */
  readonly authorizedParty?: string | undefined
  /** Lifetime of the token; default 60 (Clerk's default session token lifetime). */
  readonly expiresInSeconds?: number | undefined
  /** Extra claims, or claims overriding the defaults (to test expired or forged tokens). */
  readonly claims?: Record<string, unknown> | undefined
}

/**
 * A minted token and the session it belongs to.
 *
 * @since 0.1.0
 * @category models
 */
export interface Minted {
  readonly token: string
  readonly sessionId: string
}

/**
 * The session-token side of one emulator instance.
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionTokens {
  /** The instance's RSA public key as PEM: what CLERK_JWT_KEY holds for networkless verification. */
  readonly publicKeyPem: string
  /** What `GET /v1/jwks` answers (the spec's JWKS shape): one RS256 key, `kid`, `use: "sig"`. */
  readonly jwks: { readonly keys: ReadonlyArray<Record<string, unknown>> }
  /** The `iss` of minted tokens: the emulator's frontendApiUrl, e.g. https://emulator.clerk.invalid */
  readonly issuer: string
  /**
   * Creates an active session for the user (stored like any Session: `Sessions.get/list/revoke` see
   * it) and signs a Clerk session token (v2 claims) with RS256 and the `kid` of {@link jwks}.
   * Fails with a 404 `resource_not_found` {@link ApiError.ApiError} for an unknown user or organization.
   */
  readonly mint: (options: MintOptions) => Effect.Effect<Minted, ApiError.ApiError>
}

/**
 * Builds the session-token side of an emulator from its context. The key pair is made on first use.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (context: Resource.EmulatorContext): SessionTokens => ({
  get publicKeyPem() {
    return context.signingKey().publicKeyPem
  },
  get jwks() {
    return { keys: [{ ...context.signingKey().jwk }] }
  },
  issuer: context.frontendApiUrl,
  mint: (options) =>
    Effect.gen(function* () {
      const user = Users.find(context, options.userId)
      if (user === undefined) return yield* ApiError.notFound(`No user was found with id ${options.userId}.`)
      const o =
        options.organizationId === undefined
          ? undefined
          : yield* SessionToken.orgClaim(context, options.organizationId, options.userId)
      const session = Sessions.create(context, {
        userId: options.userId,
        actor: options.actor,
        organizationId: o?.id
      })
      const token = yield* SessionToken.sign(context, {
        userId: options.userId,
        sessionId: session.id,
        o,
        actor: options.actor,
        authorizedParty: options.authorizedParty,
        expiresInSeconds: options.expiresInSeconds,
        claims: options.claims
      })
      return { token, sessionId: session.id }
    })
})
