/**
 * Protect an Effect `HttpApi` with Clerk session tokens, end to end:
 *
 * 1. serve an HttpApi on 127.0.0.1 whose `/me` endpoint requires a signed-in user
 *    (`HttpApiAuth.RequireSignedIn`), verifying tokens with the instance's JWKS (`GET /v1/jwks`,
 *    fetched once through the SDK and cached);
 * 2. create a user and an admin, and get session tokens for the user: a plain one and, offline, an
 *    impersonation (the admin acting as the user, Clerk's `act` claim);
 * 3. call `/me` without a token, with each token, and with a tampered token.
 *
 * Without `CLERK_SECRET_KEY` it runs against the embedded emulator, which mints the tokens. With it,
 * against your (development) instance: `Sessions.create` + `Sessions.createToken` make the token.
 *
 *   npx tsx examples/http-api-auth.ts
 */
import { Clerk, ClerkClient, Sessions, Users } from "@effect-clerk/backend"
import { Emulator } from "@effect-clerk/emulator"
import { Auth, HttpApiAuth, Keys } from "@effect-clerk/auth"
import * as NodeClerk from "@effect-clerk/platform-node/NodeClerk"
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { createServer } from "node:http"

// --- the API ---------------------------------------------------------------------------------

const Me = Schema.Struct({
  userId: Schema.String,
  sessionId: Schema.String,
  impersonatedBy: Schema.NullOr(Schema.String)
})

class Api extends HttpApi.make("example").add(
  HttpApiGroup.make("me").add(HttpApiEndpoint.get("me", "/me").addSuccess(Me)).middleware(HttpApiAuth.RequireSignedIn)
) {}

const MeLive = HttpApiBuilder.group(Api, "me", (handlers) =>
  handlers.handle("me", () =>
    Effect.map(Auth.CurrentUser, (user) => ({
      userId: user.userId,
      sessionId: user.sessionId,
      impersonatedBy: user.actor?.sub ?? null
    }))
  )
)

// --- where Clerk is --------------------------------------------------------------------------

interface Setup {
  /** Every Backend API service, and the ClerkClient. */
  readonly clerk: Layer.Layer<Clerk.Services | ClerkClient.ClerkClient, ConfigError.ConfigError>
  /** A session token for the user; with an actor, an impersonation (offline only). */
  readonly token: (userId: string, actorId?: string) => Effect.Effect<string | undefined, unknown, Clerk.Services>
}

const offline = (): Setup => {
  const emulator = Emulator.make()
  return {
    clerk: Clerk.layer.pipe(
      Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_embedded_emulator") })),
      Layer.provide(Emulator.layerWith(emulator))
    ),
    token: (userId, actorId) =>
      Effect.map(
        emulator.sessionTokens.mint({ userId, ...(actorId ? { actor: { sub: actorId } } : {}) }),
        (minted) => minted.token
      )
  }
}

const online: Setup = {
  clerk: NodeClerk.layerConfig(),
  token: (userId, actorId) =>
    actorId !== undefined
      ? Effect.succeed(undefined) // an impersonated session needs a browser (the actor token's URL)
      : Sessions.create({ user_id: userId }).pipe(
          Effect.flatMap((session) => Sessions.createToken(session.id)),
          Effect.map((token) => token.jwt)
        )
}

// --- the program -----------------------------------------------------------------------------

const scopedUser = (label: string, suffix: string) =>
  Effect.acquireRelease(
    Users.create({
      email_address: [`effect-clerk-example+${label}-${suffix}@example.com`],
      skip_password_requirement: true
    }),
    (user) => Effect.ignore(Users.delete(user.id))
  )

const call = (base: string, token?: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${base}/me`, token ? { headers: { authorization: `Bearer ${token}` } } : {})
    const text = await response.text()
    return `${response.status}${text ? ` ${text}` : ""}`
  })

const program = (setup: Setup) =>
  Effect.gen(function* () {
    yield* Console.log(
      setup === online
        ? "Running against the Clerk Backend API (CLERK_SECRET_KEY is set)"
        : "Running against the embedded Clerk emulator (CLERK_SECRET_KEY is not set)"
    )

    // Keys from the instance's JWKS, through the same ClerkClient; session tokens only.
    const authentication = Auth.layerSession().pipe(Layer.provide(Keys.layerJwks()))
    const server = HttpApiBuilder.serve().pipe(
      Layer.provide(HttpApiBuilder.api(Api).pipe(Layer.provide(MeLive))),
      Layer.provide(HttpApiAuth.layerRequireSignedIn),
      Layer.provide(authentication),
      Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
    )

    yield* Effect.gen(function* () {
      const address = (yield* HttpServer.HttpServer).address
      if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("expected a TCP address")
      const base = `http://127.0.0.1:${address.port}`
      yield* Console.log(`serving the API on ${base}`)

      const suffix = Date.now().toString(36)
      const user = yield* scopedUser("user", suffix)
      const admin = yield* scopedUser("admin", suffix)

      yield* Console.log(`GET /me without a token: ${yield* call(base)}`)
      const token = yield* setup.token(user.id)
      yield* Console.log(`GET /me with a session token: ${yield* call(base, token)}`)
      const impersonation = yield* setup.token(user.id, admin.id)
      yield* Console.log(
        impersonation === undefined
          ? "GET /me impersonated: skipped (needs a browser against a real instance)"
          : `GET /me impersonated by ${admin.id}: ${yield* call(base, impersonation)}`
      )
      const [header, , signature] = (token ?? "").split(".")
      const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: admin.id })).toString("base64url")}.${signature}`
      yield* Console.log(`GET /me with a tampered token: ${yield* call(base, tampered)}`)
    }).pipe(Effect.provide(server))
  }).pipe(Effect.scoped, Effect.provide(setup.clerk))

Config.option(Config.string("CLERK_SECRET_KEY")).pipe(
  Effect.flatMap((key) => program(Option.isSome(key) ? online : offline())),
  NodeRuntime.runMain
)
