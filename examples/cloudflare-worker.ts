/**
 * A Cloudflare Worker: who is calling (a Clerk session token, verified networkless with the
 * instance's PEM public key) and their profile from the Backend API (`Users.get`, over `fetch`).
 *
 * A Worker has no process environment (without the `nodejs_compat` flag): its configuration is the
 * `env` that `fetch` receives, the `vars` and secrets of its wrangler configuration.
 * `ConfigProvider.fromJson(env)` hands that object to effect's `Config`, so that
 * `Clerk.layerFetchConfig()` and `Keys.layerPemConfig()` read `CLERK_SECRET_KEY`, `CLERK_API_URL` and
 * `CLERK_JWT_KEY` from it, as they read `process.env` on Node, Bun and Deno. The runtime (and with it
 * the Clerk client) is made on the first request and kept for the isolate's life.
 *
 * Bundle it as a Worker (wrangler, or esbuild with the `workerd` / `worker` / `browser` conditions):
 * it imports no Node built-in. `pnpm test:runtimes` runs it in workerd against the emulator;
 * examples/test/cloudflare-worker.test.ts calls its `fetch` in Node.
 *
 *   GET /   Authorization: Bearer <session token>
 *   → 200 { "id": "user_…", "email": "…", "session": "sess_…" }
 *   → 401 { "error": "signed-out" | <TokenVerificationError reason> }
 *   → 404 { "error": "user-not-found" }, 502 { "error": "clerk-unavailable" }
 */
import { Keys, SessionToken } from "@effect-clerk/auth"
import { Clerk, Users } from "@effect-clerk/backend"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"

/** The Worker's bindings (wrangler `vars` and secrets). */
export interface Env {
  readonly CLERK_SECRET_KEY: string
  /** Dashboard → API keys → "PEM public key". */
  readonly CLERK_JWT_KEY: string
  /** Optional: defaults to https://api.clerk.com/v1. */
  readonly CLERK_API_URL?: string
}

const makeRuntime = (env: Env) =>
  ManagedRuntime.make(
    Layer.mergeAll(Clerk.layerFetchConfig(), Keys.layerPemConfig()).pipe(
      Layer.provide(Layer.setConfigProvider(ConfigProvider.fromJson(env)))
    )
  )

const whoIsCalling = (request: Request) =>
  Effect.gen(function* () {
    const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1]
    if (token === undefined) return Response.json({ error: "signed-out" }, { status: 401 })
    const claims = yield* SessionToken.verify(token)
    const user = yield* Users.get(claims.sub)
    return Response.json({ id: user.id, email: user.email_addresses[0]?.email_address ?? null, session: claims.sid })
  }).pipe(
    Effect.catchTags({
      TokenVerificationError: (error) => Effect.succeed(Response.json({ error: error.reason }, { status: 401 })),
      NotFound: () => Effect.succeed(Response.json({ error: "user-not-found" }, { status: 404 }))
    }),
    Effect.catchAll((error) =>
      Effect.as(
        Effect.logError("Clerk call failed", error),
        Response.json({ error: "clerk-unavailable" }, { status: 502 })
      )
    )
  )

let runtime: ReturnType<typeof makeRuntime> | undefined

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    runtime ??= makeRuntime(env)
    return runtime.runPromise(whoIsCalling(request))
  }
}
