/**
 * The web-standard request handler `pnpm test:runtimes` serves on each runtime, inside that
 * runtime's own server: a Worker's `fetch`, `Bun.serve`, `Deno.serve`, Node's `http` server. The
 * driver (scripts/test-runtimes.mjs) calls it over 127.0.0.1 and checks each JSON answer:
 *
 * - `POST /smoke`: the smoke program (smoke.ts) over `Clerk.layerFetchConfig()`;
 * - `GET /session`: the bearer session token verified networkless with the PEM key
 *   (`Keys.layerPemConfig()`) and through the instance's JWKS fetched over `fetch` (`Keys.layerJwks()`);
 * - `POST /webhook`: a delivery verified from its raw body and `svix-*` headers;
 * - `GET /call?target=…&method=get|post&timeout=ms&retry=none|fast`: one call to the URL in the
 *   config `target` names, with its own time limit; answers the outcome (time limits, refused
 *   connections);
 * - `GET /config-default`: `Clerk.layerFetchConfig()` built with the runtime's default config
 *   provider, to show where it finds `CLERK_SECRET_KEY` and where it does not.
 *
 * Configuration is read through effect's `Config`, from the provider the entry gives (a Worker's
 * `env` through `ConfigProvider.fromJson`) or from the default one (the process environment).
 */
import { Keys, SessionToken, Webhook } from "@effect-clerk/auth"
import { Clerk, ClerkClient, Users } from "@effect-clerk/backend"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import type * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import { smoke } from "./smoke.js"

export interface HandlerOptions {
  /** Where `Config` reads from; the runtime's default provider when absent. */
  readonly configProvider?: ConfigProvider.ConfigProvider | undefined
}

/** The configs a `/call` may target: nothing a request sends becomes a URL. */
const TARGETS = new Set(["CLERK_API_URL", "STALL_URL", "CLOSED_URL", "RESET_URL"])

/** Short retries, so that a refused connection's attempts are counted in milliseconds. */
const FAST_RETRY = { maxAttempts: 3, initialDelay: "20 millis", factor: 1, maxDelay: "20 millis" } as const

const json = (body: unknown, status = 200): Response => Response.json(body, { status })

/** The messages of an error and of its causes, outermost first (what each runtime reports). */
const causeChain = (error: unknown): Array<string> => {
  const chain: Array<string> = []
  let current = error
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error || typeof current === "object") {
      const { name, message, code } = current as { name?: unknown; message?: unknown; code?: unknown }
      chain.push(
        `${String(name ?? "Object")}: ${String(message ?? "")}${code === undefined ? "" : ` [${String(code)}]`}`
      )
      current = (current as { cause?: unknown }).cause
    } else {
      chain.push(String(current))
      break
    }
  }
  return chain
}

/** A typed failure as the driver reads it. */
const describeFailure = (error: unknown): Record<string, unknown> => {
  const fields = error as { _tag?: unknown; reason?: unknown; attempts?: unknown; message?: unknown; cause?: unknown }
  return {
    outcome: "error",
    tag: fields._tag,
    reason: fields.reason,
    attempts: fields.attempts,
    message: fields.message,
    causes: causeChain(fields.cause)
  }
}

/** Runs `effect`: its value as JSON, a typed failure as 422 JSON, a defect as 500. */
const answer = <A, E>(exit: Exit.Exit<A, E>): Response =>
  Exit.match(exit, {
    onSuccess: (value) => (value instanceof Response ? value : json(value)),
    onFailure: (cause) => {
      const failure = Cause.failureOption(cause)
      return Option.isSome(failure)
        ? json(describeFailure(failure.value), 422)
        : json({ outcome: "defect", cause: Cause.pretty(cause) }, 500)
    }
  })

/**
 * The handler. One `ManagedRuntime` holds the Clerk client for every request (as an app keeps it
 * for the life of its process or isolate); a call to another URL gets its own client.
 */
export const makeHandler = (options: HandlerOptions = {}): ((request: Request) => Promise<Response>) => {
  const provider = options.configProvider
  const configured = <A, E, R>(layer: Layer.Layer<A, E, R>): Layer.Layer<A, E, R> =>
    provider === undefined ? layer : layer.pipe(Layer.provide(Layer.setConfigProvider(provider)))
  const withConfig = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    provider === undefined ? effect : Effect.withConfigProvider(effect, provider)
  const runtime = ManagedRuntime.make(configured(Clerk.layerFetchConfig()))

  const session = (request: Request) =>
    Effect.gen(function* () {
      const token = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? ""
      // each way on its own: a defect in one does not hide the other's outcome
      const verify = <E, R>(keys: Layer.Layer<Keys.Keys, E, R>) =>
        SessionToken.verify(token).pipe(
          Effect.provide(keys),
          Effect.exit,
          Effect.map(
            Exit.match({
              onSuccess: (claims) => ({ ok: true, sub: claims.sub, sid: claims.sid }),
              onFailure: (cause) => {
                const failure = Cause.failureOption(cause)
                return Option.isSome(failure)
                  ? { ok: false, error: (failure.value as { reason?: unknown }).reason ?? String(failure.value) }
                  : { ok: false, error: `defect: ${Cause.pretty(cause).split("\n")[0]}` }
              }
            })
          )
        )
      return {
        pem: yield* verify(configured(Keys.layerPemConfig())),
        jwks: yield* verify(Keys.layerJwks())
      }
    })

  const webhook = (request: Request) =>
    Effect.gen(function* () {
      const verifier = yield* withConfig(Webhook.makeConfig())
      const body = new Uint8Array(yield* Effect.promise(() => request.arrayBuffer()))
      const verified = yield* Effect.either(verifier.verify(body, Object.fromEntries(request.headers)))
      if (verified._tag === "Left") return json({ ok: false, reason: verified.left.reason }, 400)
      const event = verified.right.event as { readonly type: string; readonly data?: { readonly id?: unknown } }
      return json({ ok: true, id: verified.right.id, type: event.type, dataId: event.data?.id })
    })

  const call = (url: URL) =>
    Effect.gen(function* () {
      const target = url.searchParams.get("target") ?? ""
      if (!TARGETS.has(target)) return json({ outcome: "bad-request", target }, 400)
      const timeout = Number(url.searchParams.get("timeout") ?? "30000")
      const client = Users.layer.pipe(
        Layer.provide(configured(ClerkClient.layerConfig({ baseUrl: Config.string(target) }))),
        Layer.provide(FetchHttpClient.layer)
      )
      const request: Effect.Effect<unknown, Users.CreateError | Users.ListError, Users.Users> =
        url.searchParams.get("method") === "post"
          ? Users.create({ email_address: [`call-${Date.now()}@example.com`] })
          : Users.list({ limit: 1 })
      return yield* request.pipe(
        Effect.as(json({ outcome: "ok" })),
        Clerk.withTimeout(`${timeout} millis`),
        Clerk.withRetry(url.searchParams.get("retry") === "fast" ? FAST_RETRY : false),
        Effect.provide(client)
      )
    })

  const configDefault = Effect.gen(function* () {
    const built = yield* Effect.exit(Effect.scoped(Layer.build(Clerk.layerFetchConfig())))
    return Exit.isSuccess(built) ? { ok: true } : { ok: false, causes: [Cause.pretty(built.cause).split("\n")[0]] }
  })

  return async (request) => {
    const url = new URL(request.url)
    const route = `${request.method} ${url.pathname}`
    switch (route) {
      case "POST /smoke":
        return answer(await runtime.runPromiseExit(smoke))
      case "GET /session":
        return answer(await runtime.runPromiseExit(session(request)))
      case "POST /webhook":
        return answer(await runtime.runPromiseExit(webhook(request)))
      case "GET /call":
        return answer(await Effect.runPromiseExit(call(url)))
      case "GET /config-default":
        return answer(await Effect.runPromiseExit(configDefault))
      default:
        return json({ outcome: "not-found", route }, 404)
    }
  }
}
