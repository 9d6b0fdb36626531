/**
 * Middleware for `HttpRouter` / `HttpApp` servers (without `HttpApi`): `withAuth` provides the
 * caller's `Auth`; `requireSignedIn` also provides the `SignedIn` session and answers 401 to
 * anyone else.
 *
 * @since 0.1.0
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { Authenticator, CurrentAuth, CurrentUser, SignedIn } from "./Auth.js"

/**
 * Authenticates the request and runs `app` with `CurrentAuth` provided.
 *
 * @since 0.1.0
 * @category middleware
 */
export const withAuth = <E, R>(
  app: HttpApp.Default<E, R>
): HttpApp.Default<E, Exclude<R, CurrentAuth> | Authenticator | HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const authenticator = yield* Authenticator
    const auth = yield* authenticator.authenticate(request)
    return yield* Effect.provideService(app, CurrentAuth, auth)
  })

/**
 * Runs `app` only for a signed-in session (with `CurrentAuth` and `CurrentUser` provided); anyone
 * else gets `401` with a JSON body `{ "error": "unauthorized", "reason": <SignedOutReason | "machine"> }`.
 * The body names the category of failure, never the token or key.
 *
 * @since 0.1.0
 * @category middleware
 */
export const requireSignedIn = <E, R>(
  app: HttpApp.Default<E, R>
): HttpApp.Default<E, Exclude<R, CurrentAuth | CurrentUser> | Authenticator | HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const authenticator = yield* Authenticator
    const auth = yield* authenticator.authenticate(request)
    if (!(auth instanceof SignedIn)) {
      return yield* HttpServerResponse.json(
        { error: "unauthorized", reason: auth._tag === "Machine" ? "machine" : auth.reason },
        { status: 401, headers: { "www-authenticate": "Bearer" } }
      ).pipe(Effect.orDie)
    }
    return yield* Effect.provide(app, Context.make(CurrentAuth, auth).pipe(Context.add(CurrentUser, auth)))
  })
