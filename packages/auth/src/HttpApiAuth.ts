/**
 * `HttpApiMiddleware`s for `@effect/platform`'s `HttpApi`: `Authentication` provides the caller's
 * `Auth` (signed in, machine or signed out) to every handler; `RequireSignedIn` provides the
 * `SignedIn` session and answers `401 Unauthorized` to anyone else.
 *
 * @since 0.1.0
 */
import * as HttpApiError from "@effect/platform/HttpApiError"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { type Auth, Authenticator, CurrentAuth, CurrentUser, SignedIn, SignedOut, sessionCookie } from "./Auth.js"

/**
 * The two ways a Clerk token arrives, as `HttpApiSecurity` (they also document the API in its
 * OpenAPI description): `Authorization: Bearer <token>`, or the `__session` cookie.
 *
 * @since 0.1.0
 * @category security
 */
export const security = {
  bearer: HttpApiSecurity.bearer,
  cookie: HttpApiSecurity.apiKey({ in: "cookie", key: "__session" })
} as const

/**
 * Provides `CurrentAuth` and never fails: handlers decide what a `Machine` or `SignedOut` may do.
 *
 * @since 0.1.0
 * @category middleware
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("@effect-clerk/auth/Authentication", {
  provides: CurrentAuth,
  security
}) {}

/**
 * Provides `CurrentUser` (a `SignedIn`) or fails with `HttpApiError.Unauthorized` (401).
 *
 * @since 0.1.0
 * @category middleware
 */
export class RequireSignedIn extends HttpApiMiddleware.Tag<RequireSignedIn>()("@effect-clerk/auth/RequireSignedIn", {
  failure: HttpApiError.Unauthorized,
  provides: CurrentUser,
  security
}) {}

// The bearer handler runs first; when it fails (no bearer token, or for RequireSignedIn not signed
// in), HttpApiBuilder tries the cookie handler. Tokens are read from the request itself so that
// a non-Bearer Authorization scheme is not taken for a token and the cookie's origin is checked.
const fromBearer = (authenticator: Authenticator.Service) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    request.headers["authorization"] === undefined
      ? Effect.fail(new SignedOut({ reason: "no-token", message: "no Authorization header" }))
      : authenticator.authenticate(request)
  )

const fromCookie = (authenticator: Authenticator.Service) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request): Effect.Effect<Auth> => {
    const cookie = sessionCookie(request)
    if (cookie === undefined) {
      return Effect.succeed(new SignedOut({ reason: "no-token", message: "no session token in the request" }))
    }
    if (!cookie.sameOrigin) {
      return Effect.succeed(
        new SignedOut({ reason: "cross-origin-cookie", message: "a __session cookie on a cross-origin request" })
      )
    }
    return authenticator.authenticateToken(cookie.token, "cookie")
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layerAuthentication: Layer.Layer<Authentication, never, Authenticator> = Layer.effect(
  Authentication,
  Effect.map(Authenticator, (authenticator) =>
    Authentication.of({
      // Never fails, so it decides alone: header token first, else the same-origin cookie.
      bearer: (_token: Redacted.Redacted) =>
        Effect.flatMap(HttpServerRequest.HttpServerRequest, authenticator.authenticate),
      cookie: (_token: Redacted.Redacted) => fromCookie(authenticator)
    })
  )
)

const requireSignedIn = (auth: Effect.Effect<Auth, SignedOut, HttpServerRequest.HttpServerRequest>) =>
  auth.pipe(
    Effect.flatMap((a) => (a instanceof SignedIn ? Effect.succeed(a) : Effect.fail(new HttpApiError.Unauthorized()))),
    Effect.catchTag("SignedOut", () => Effect.fail(new HttpApiError.Unauthorized()))
  )

/**
 * @since 0.1.0
 * @category layers
 */
export const layerRequireSignedIn: Layer.Layer<RequireSignedIn, never, Authenticator> = Layer.effect(
  RequireSignedIn,
  Effect.map(Authenticator, (authenticator) =>
    RequireSignedIn.of({
      bearer: (_token: Redacted.Redacted) => requireSignedIn(fromBearer(authenticator)),
      // Reached when the bearer handler failed. With an Authorization header its verdict is final,
      // as in Clerk's authenticateRequest: a rejected header token is not rescued by a cookie.
      cookie: (_token: Redacted.Redacted) =>
        Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
          request.headers["authorization"] !== undefined
            ? Effect.fail(new HttpApiError.Unauthorized())
            : requireSignedIn(fromCookie(authenticator))
        )
    })
  )
)
