/**
 * An in-memory, stateful emulator of (a subset of) the Clerk Backend API.
 *
 * - {@link make} builds an instance exposing a web-standard `handle(request): Promise<Response>`.
 * - {@link layer} / {@link layerWith} provide an `HttpClient.HttpClient` that routes every request
 *   through `handle` without sockets, plus the {@link Emulator} service to reach the instance in tests.
 * - The socket server lives in the separate `@effect-clerk/emulator/EmulatorServer` module.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ApiError from "./ApiError.js"
import { randomBase62, toBase62 } from "./internal/ids.js"
import { lazy, makeSigningKey } from "./internal/keys.js"
import * as Router from "./internal/router.js"
import type * as Resource from "./Resource.js"
import { all } from "./resources/all.js"
import * as SessionTokens from "./SessionTokens.js"
import * as Store from "./Store.js"

/**
 * Options of {@link make}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Clock in milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number
  /**
   * Id generator: `prefix` (e.g. `"user_"`) followed by 27 base62 characters.
   * Default: random; see {@link sequentialIds} for deterministic ids.
   */
  readonly generateId?: (prefix: string) => string
  /** Generator of opaque tokens (actor token `token`). Default: 48 random base62 characters. */
  readonly generateToken?: () => string
  /** When set, only `Authorization: Bearer <secretKey>` is accepted; otherwise any `sk_…` key is. */
  readonly secretKey?: string
  /** Base URL of the (fictional) Frontend API used in links. Default `https://emulator.clerk.invalid`. */
  readonly frontendApiUrl?: string
  /**
   * The RSA private key (PEM, PKCS#8 or PKCS#1) that signs session tokens and whose public half
   * `GET /v1/jwks` serves. Default: a fresh 2048-bit key per instance, made on first use. Give one
   * to keep the same key (and `kid`) across runs.
   */
  readonly signingKey?: string
  /** The emulated resources. Default: every registered resource (`src/resources/all.ts`). */
  readonly resources?: ReadonlyArray<Resource.Resource>
}

/**
 * One emulator instance.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClerkEmulator {
  /** Answers one Backend API request. Never rejects: an internal failure is a Clerk-shaped 500. */
  readonly handle: (request: Request) => Promise<Response>
  /** `fetch`-compatible entry point: `(input, init) => handle(new Request(input, init))`. */
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>
  /** The state and generators shared by every resource (use with `Users.seed`, `ActorTokens.accept`…). */
  readonly context: Resource.EmulatorContext
  /** Forgets every stored object. */
  readonly reset: () => void
  /** The instance's session tokens: signing key, JWKS, issuer, and `mint` (which creates a Session). */
  readonly sessionTokens: SessionTokens.SessionTokens
}

/**
 * The emulator instance behind {@link layer} / {@link layerWith}.
 *
 * @since 0.1.0
 * @category tags
 */
export class Emulator extends Context.Tag("@effect-clerk/emulator/Emulator")<Emulator, ClerkEmulator>() {}

/**
 * A deterministic id generator: per prefix, `prefix` + a counter in base62 padded to 27 characters
 * (`user_000000000000000000000000001`, `user_000000000000000000000000002`, …).
 *
 * @since 0.1.0
 * @category ids
 */
export const sequentialIds = (): ((prefix: string) => string) => {
  const counters = new Map<string, number>()
  return (prefix) => {
    const next = (counters.get(prefix) ?? 0) + 1
    counters.set(prefix, next)
    return prefix + toBase62(next, 27)
  }
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

const errorResponse = (error: ApiError.ApiError): Response => json(error.status, error.toBody())

const BEARER = /^Bearer\s+(\S+)\s*$/i

const authenticate = (request: Request, secretKey: string | undefined): Effect.Effect<void, ApiError.ApiError> => {
  const header = request.headers.get("authorization")
  if (header === null) {
    return Effect.fail(
      ApiError.authenticationInvalid(
        "The request is missing the Authorization header; send `Authorization: Bearer <secret key>`."
      )
    )
  }
  const key = BEARER.exec(header)?.[1]
  const valid = key !== undefined && key.startsWith("sk_") && (secretKey === undefined || key === secretKey)
  return valid
    ? Effect.void
    : Effect.fail(ApiError.authenticationInvalid("The provided secret key is invalid. Check your Clerk secret key."))
}

const readBody = (request: Request): Effect.Effect<unknown, ApiError.ApiError> =>
  Effect.tryPromise({
    try: () => request.text(),
    catch: () => ApiError.malformedBody("The request body could not be read.")
  }).pipe(
    Effect.flatMap((text) =>
      text.trim() === ""
        ? Effect.succeed(undefined)
        : Effect.try({
            try: (): unknown => JSON.parse(text),
            catch: () => ApiError.malformedBody("The request body is not valid JSON.")
          })
    )
  )

/**
 * Creates an emulator with empty state.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): ClerkEmulator => {
  const store = Store.make()
  const generateId = options.generateId ?? ((prefix: string) => prefix + randomBase62(27))
  const context: Resource.EmulatorContext = {
    store,
    now: options.now ?? Date.now,
    generateId,
    generateToken: options.generateToken ?? (() => randomBase62(48)),
    frontendApiUrl: (options.frontendApiUrl ?? "https://emulator.clerk.invalid").replace(/\/+$/, ""),
    // a key given in options is checked now (a bad PEM throws here); a generated one is made on first use
    signingKey:
      options.signingKey === undefined
        ? lazy(() => makeSigningKey())
        : (
            (key) => () =>
              key
          )(makeSigningKey(options.signingKey))
  }
  const router = Router.make(options.resources ?? all)

  const program = (request: Request): Effect.Effect<unknown, ApiError.ApiError> =>
    Effect.gen(function* () {
      yield* authenticate(request, options.secretKey)
      const url = new URL(request.url)
      const match = router.match(request.method.toUpperCase(), url.pathname)
      if (match === undefined) return yield* ApiError.notFound()
      const body = yield* readBody(request)
      return yield* match.route.handler({ emulator: context, request, url, params: match.params, body })
    })

  const handle = async (request: Request): Promise<Response> => {
    try {
      const exit = await Effect.runPromiseExit(program(request))
      if (Exit.isSuccess(exit)) return json(200, exit.value)
      const failure = Cause.failureOption(exit.cause)
      return errorResponse(Option.isSome(failure) ? failure.value : ApiError.internal())
    } catch {
      return errorResponse(ApiError.internal())
    }
  }

  return {
    handle,
    fetch: async (input, init) => {
      let request: Request
      try {
        request = new Request(input, init)
      } catch {
        return errorResponse(ApiError.internal("The emulator could not build a Request from the fetch arguments."))
      }
      return handle(request)
    },
    context,
    reset: () => store.clear(),
    sessionTokens: SessionTokens.make(context)
  }
}

/**
 * An `HttpClient.HttpClient` (plus the {@link Emulator} service) backed by an existing emulator:
 * `FetchHttpClient.layer` with its `Fetch` routed to `emulator.handle`, no sockets involved.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (emulator: ClerkEmulator): Layer.Layer<HttpClient.HttpClient | Emulator> =>
  Layer.merge(
    FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, emulator.fetch))),
    Layer.succeed(Emulator, emulator)
  )

/**
 * An `HttpClient.HttpClient` (plus the {@link Emulator} service) backed by a fresh emulator created
 * each time the layer is built.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<HttpClient.HttpClient | Emulator> =>
  Layer.unwrapEffect(Effect.sync(() => layerWith(make(options))))
