/**
 * Impersonation with actor tokens, end to end:
 *
 * 1. create a user to impersonate and an admin (the actor), both deleted again at the end;
 * 2. create an actor token for the admin and print its id, status and url;
 * 3. revoke it;
 * 4. revoke it again, and show the typed error Clerk answers with.
 *
 * Without `CLERK_SECRET_KEY` it runs against the embedded emulator (nothing leaves the process).
 * With it, against the real Backend API (or `CLERK_API_URL`), through Node's undici client.
 *
 *   pnpm example
 *   CLERK_SECRET_KEY=sk_test_... pnpm example
 */
import { ActorTokens, Clerk, ClerkClient, Users } from "@effect-clerk/backend"
import { Emulator } from "@effect-clerk/emulator"
import * as NodeClerk from "@effect-clerk/platform-node/NodeClerk"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/** A user that exists for the lifetime of the surrounding scope. */
const scopedUser = (label: string, suffix: string) =>
  Effect.acquireRelease(
    Users.create({
      email_address: [`effect-clerk-example+${label}-${suffix}@example.com`],
      first_name: label === "admin" ? "Example" : "Impersonated",
      last_name: label === "admin" ? "Admin" : "User",
      skip_password_requirement: true
    }),
    (user) => Effect.ignore(Users.delete(user.id))
  )

const program = Effect.gen(function* () {
  const suffix = Date.now().toString(36)
  const user = yield* scopedUser("target", suffix)
  const admin = yield* scopedUser("admin", suffix)
  yield* Console.log(`created user ${user.id} and admin ${admin.id}`)

  const token = yield* ActorTokens.create({
    user_id: user.id,
    actor: { sub: admin.id },
    expires_in_seconds: 600
  })
  yield* Console.log(`actor token ${token.id}: status ${token.status}, url ${token.url}`)

  const revoked = yield* ActorTokens.revoke(token.id)
  yield* Console.log(`revoked ${revoked.id}: status ${revoked.status}`)

  // Revoking a token that is no longer pending is a 400: a typed BadRequest, not an exception.
  const again = yield* ActorTokens.revoke(token.id).pipe(
    Effect.as("unexpectedly succeeded"),
    Effect.catchTag("BadRequest", (error) =>
      Effect.succeed(`BadRequest (${error.status}) ${error.errors[0]?.code}: ${error.errors[0]?.long_message}`)
    )
  )
  yield* Console.log(`revoking again: ${again}`)
}).pipe(Effect.scoped)

/** The real API when CLERK_SECRET_KEY is set, else the embedded emulator. */
const ClerkLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const key = yield* Config.option(Config.string("CLERK_SECRET_KEY"))
    if (Option.isSome(key)) {
      // the base URL as the layer reads it (CLERK_API_URL, an origin alone + /v1); never the key
      const { baseUrl } = yield* ClerkClient.config()
      yield* Console.log(`Running against the Clerk Backend API at ${baseUrl} (CLERK_SECRET_KEY is set)`)
      return NodeClerk.layerConfig()
    }
    yield* Console.log("Running against the embedded Clerk emulator (CLERK_SECRET_KEY is not set)")
    return Clerk.layer.pipe(
      Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_embedded_emulator") })),
      Layer.provide(Emulator.layer())
    )
  })
)

program.pipe(Effect.provide(ClerkLive), NodeRuntime.runMain)
