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
import type * as ClerkOperation from "@effect-clerk/backend/ClerkOperation"
import * as ApiError from "./ApiError.js"
import * as Control from "./Control.js"
import * as Body from "./internal/body.js"
import { randomBase62, toBase62 } from "./internal/ids.js"
import { lazy, makeSigningKey } from "./internal/keys.js"
import * as Operations from "./internal/operations.js"
import * as RateLimit from "./internal/rateLimit.js"
import * as Reply from "./internal/response.js"
import * as Router from "./internal/router.js"
import type * as Resource from "./Resource.js"
import { all } from "./resources/all.js"
import * as Faults from "./Faults.js"
import type * as RateLimits from "./RateLimits.js"
import * as Seed from "./Seed.js"
import * as Webhooks from "./Webhooks.js"
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
  /**
   * Plain data the emulator starts with (and returns to on `reset()`): users, organizations with
   * their members, invitations, allow/block lists. Validated like the requests that would create it.
   */
  readonly seed?: Seed.Seed
  /** Faults to inject (latency, 429, 5xx, resets), see {@link Faults.Fault}. Change them later with `emulator.faults`. */
  readonly faults?: ReadonlyArray<Faults.Fault>
  /** Webhook delivery: secret, URLs to POST to, an in-process handler, event filter. */
  readonly webhooks?: Webhooks.Options
  /** Random numbers in [0, 1) for fault rates (default `Math.random`). */
  readonly random?: () => number
  /** The emulated resources. Default: every registered resource (`src/resources/all.ts`). */
  readonly resources?: ReadonlyArray<Resource.Resource>
  /**
   * The status of the `not_emulated` answer to an operation of the API that no resource emulates,
   * 400..599. Default 400, which no Clerk SDK retries; with 501 ("Not Implemented") Clerk's
   * Speakeasy-generated SDKs retry for up to an hour (see `ApiError.notEmulated`).
   */
  readonly notEmulatedStatus?: number
  /**
   * Rate limits, counted per secret key: `"dev"` or `"prod"` (Clerk's documented limits of a
   * development or production instance, and its endpoints' lower ones) or one `{ limit, window }`
   * for every request; over a limit, a 429 `too_many_requests` with `Retry-After`. Off by default.
   * See {@link RateLimits}.
   */
  readonly rateLimit?: RateLimits.RateLimit | undefined
  /**
   * The largest request body accepted, in bytes; default {@link defaultMaxBodyBytes} (12 MiB).
   * A larger one is answered `413 request_body_too_large` as soon as its declared length or the
   * bytes read so far pass the cap: it is never held whole.
   */
  readonly maxBodyBytes?: number
  /**
   * The control API under `/__emulator` (see {@link Control}): on by default, guarded by the secret
   * key unless `key` is given; `false` turns it off.
   */
  readonly control?: Control.Options | false
}

/**
 * The default of `maxBodyBytes`: 12 MiB, above the largest body Clerk documents (an image upload of
 * up to 10 MB), so no request Clerk accepts is refused.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxBodyBytes: number = Body.DEFAULT_MAX_BODY_BYTES

/**
 * One emulator instance.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClerkEmulator {
  /** Answers one Backend API request. Never rejects: an internal failure is a Clerk-shaped 500. */
  readonly handle: (request: Request) => Promise<Response>
  /**
   * `fetch`-compatible entry point: `(input, init) => handle(new Request(input, init))`, except that
   * a `reset` fault rejects, as `fetch` does for a reset connection.
   */
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>
  /** Like `handle`, but answers `"reset"` when a reset fault applies (the server then closes the socket). */
  readonly respond: (request: Request) => Promise<Response | "reset">
  /** The fault rules and the record of injected faults. */
  readonly faults: Faults.Faults
  /** The webhook secret and the record of emitted events and deliveries. */
  readonly webhooks: Webhooks.Webhooks
  /** The state and generators shared by every resource (use with `Users.seed`, `ActorTokens.accept`…). */
  readonly context: Resource.EmulatorContext
  /** Goes back to the state right after `make` (the seed, if any), rate-limit counters empty. */
  readonly reset: () => void
  /**
   * Adds a seed to the current state (as `Options.seed` does at creation: validated, no webhooks)
   * and returns the ids it created. All or nothing: an invalid entry throws and leaves the state as
   * it was. `reset()` still goes back to the state right after `make`.
   */
  readonly seed: (seed: Seed.Seed) => Seed.Seeded
  /** A copy of the whole state, cheap enough to take before each test. */
  readonly snapshot: () => Store.Snapshot
  /** Puts the state back to a snapshot (which stays usable for further restores). */
  readonly restore: (snapshot: Store.Snapshot) => void
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

/**
 * The operations emulated by `resources` (default: every registered resource): entries of the
 * backend's operation tables, in the order of docs/operations.md.
 *
 * @since 0.1.0
 * @category introspection
 */
export const emulatedOperations = (
  resources: ReadonlyArray<Resource.Resource> = all
): ReadonlyArray<ClerkOperation.Any> => {
  const routes = Router.routes(resources)
  return Operations.all.filter((o) => routes.has(o.name))
}

// whether the fetch arguments make a Request once the method is a plain GET
const canCarry = (input: string | URL | Request, init: RequestInit): boolean => {
  try {
    new Request(input, { ...init, method: "GET", body: null })
    return true
  } catch {
    return false
  }
}

/**
 * Creates an emulator with empty state.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): ClerkEmulator => {
  const store = Store.make()
  let seeding = false
  const webhooks = Webhooks.make(() => context, options.webhooks)
  // a key given in options is checked now (a bad PEM throws here); a generated one is made on first use
  const givenKey = options.signingKey === undefined ? undefined : makeSigningKey(options.signingKey)
  const generateId = options.generateId ?? ((prefix: string) => prefix + randomBase62(27))
  const context: Resource.EmulatorContext = {
    store,
    now: options.now ?? Date.now,
    generateId,
    generateToken: options.generateToken ?? (() => randomBase62(48)),
    frontendApiUrl: (options.frontendApiUrl ?? "https://emulator.clerk.invalid").replace(/\/+$/, ""),
    signingKey: givenKey === undefined ? lazy(() => makeSigningKey()) : () => givenKey,
    emit: (type, data) => {
      if (!seeding) webhooks.emit(type, data)
    }
  }
  const faults = Faults.make(options.faults ?? [], options.random ?? Math.random)
  const notEmulatedStatus = options.notEmulatedStatus ?? 400
  if (!Number.isInteger(notEmulatedStatus) || notEmulatedStatus < 400 || notEmulatedStatus > 599) {
    throw new RangeError(`notEmulatedStatus must be an HTTP error status, 400..599: ${notEmulatedStatus}`)
  }
  const rateLimit = options.rateLimit === undefined ? undefined : RateLimit.make(options.rateLimit, context.now)
  const router = Router.make({
    resources: options.resources ?? all,
    emulator: context,
    secretKey: options.secretKey,
    notEmulatedStatus,
    rateLimit
  })
  const maxBodyBytes = options.maxBodyBytes ?? Body.DEFAULT_MAX_BODY_BYTES
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) throw new Error("maxBodyBytes must be a whole number")
  const seed = (input: Seed.Seed): Seed.Seeded => {
    const before = seeding ? undefined : store.snapshot()
    seeding = true
    try {
      return Seed.apply(context, input)
    } catch (error) {
      if (before !== undefined) store.restore(before)
      throw error
    } finally {
      seeding = false
    }
  }
  if (options.seed !== undefined) seed(options.seed)
  const initial = store.snapshot()

  const answer = async (request: Request): Promise<Response> => {
    try {
      const exit = await Effect.runPromiseExit(router.serve(request))
      if (Exit.isSuccess(exit)) {
        const { status, body } = exit.value
        return body === undefined ? new Response(null, { status }) : Reply.json(status, body)
      }
      const failure = Cause.failureOption(exit.cause)
      return Reply.error(Option.isSome(failure) ? failure.value : ApiError.internal())
    } catch {
      return Reply.error(ApiError.internal())
    }
  }

  // Before the router: the public JWKS, the body cap, the control API; then faults, then the API.
  // `resets: false` (the web-standard `handle`) answers instead of a reset fault.
  const serve = async (incoming: Request, resets: boolean): Promise<Response | "reset"> => {
    let url: URL
    let method: string
    try {
      url = new URL(incoming.url)
      method = incoming.method.toUpperCase()
    } catch {
      return Reply.error(ApiError.internal())
    }
    if (url.pathname === SessionTokens.wellKnownJwksPath && (method === "GET" || method === "HEAD")) {
      return Reply.json(200, emulator.sessionTokens.jwks)
    }
    const request = await Body.limit(incoming, maxBodyBytes)
    if (request instanceof ApiError.ApiError) {
      const response = Reply.error(request)
      // the rest of an oversized body is not read: a server closes the connection after answering
      if (request.status === 413) response.headers.set("connection", "close")
      return response
    }
    if (control !== undefined && Control.owns(url.pathname)) return control(request, url)
    let decision: ReturnType<typeof faults.decide>
    try {
      decision = faults.decide(router.match(method, url.pathname)?.operation.name, method, url.pathname)
    } catch {
      return Reply.error(ApiError.internal())
    }
    if (decision === undefined) return answer(request)
    if (decision.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.latencyMs))
    if (decision.reset && resets) return "reset"
    if (decision.status !== undefined) return Reply.error(Faults.toError(decision.status, decision.retryAfter))
    return answer(request)
  }

  const respond = (request: Request): Promise<Response | "reset"> => serve(request, true)

  const handle = (request: Request): Promise<Response> => serve(request, false) as Promise<Response>

  const emulator: ClerkEmulator = {
    handle,
    fetch: async (input, init) => {
      let request: Request
      try {
        request = new Request(input, init)
      } catch {
        // a method a Request cannot carry (TRACE): the same answer as the server's, not a 500
        if (init?.method !== undefined && canCarry(input, init)) return Reply.unroutable(init.method, String(input))
        return Reply.error(ApiError.internal("The emulator could not build a Request from the fetch arguments."))
      }
      const response = await respond(request)
      if (response === "reset") {
        // what undici's fetch rejects with when the peer resets the connection
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })
        })
      }
      return response
    },
    respond,
    faults,
    webhooks,
    context,
    reset: () => {
      store.restore(initial)
      rateLimit?.reset()
    },
    seed,
    snapshot: () => store.snapshot(),
    restore: (snapshot) => store.restore(snapshot),
    sessionTokens: SessionTokens.make(context)
  }
  const control =
    options.control === false
      ? undefined
      : Control.make(emulator, {
          authorize: Control.authorizer(options.control?.key ?? options.secretKey),
          initialFaults: options.faults ?? []
        })
  return emulator
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
