/**
 * The one configured HttpClient every Clerk service sends through: base URL, bearer secret key,
 * API version, User-Agent and `Accept: application/json`, applied to every request.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as FiberRef from "effect/FiberRef"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as ClerkTransport from "./ClerkTransport.js"
import * as Configure from "./internal/configure.js"
import * as RateLimit from "./internal/rateLimit.js"
import * as RuntimeFlags from "./internal/runtimeFlags.js"
import * as Validate from "./internal/validate.js"
import { VERSION } from "./internal/version.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL = "https://api.clerk.com/v1"

/**
 * The Backend API version this SDK was generated from, sent as `Clerk-API-Version`.
 *
 * @since 0.1.0
 * @category constants
 */
export const API_VERSION = "2026-05-12"

/**
 * @since 0.1.0
 * @category constants
 */
export const USER_AGENT = `@effect-clerk/backend/${VERSION}`

/**
 * How failed attempts are retried. Every field has a default; `retry: false` turns retries off.
 *
 * - `429 Too Many Requests` is retried for every method (Clerk refused the request before running
 *   it): after `Retry-After` when it is at most `maxRetryAfter`, else the call fails at once with
 *   `TooManyRequests` carrying `retryAfter`. Without `Retry-After`, after the backoff delay.
 * - A 5xx, a reset connection or a timeout is retried only for idempotent methods (GET, HEAD, PUT,
 *   DELETE), with exponential backoff and jitter: a POST or PATCH that may have reached the server is
 *   never sent twice. A 501 or 505 is never retried (the server does not implement the method or
 *   the HTTP version: it answers the same every time). A refused connection or a failed DNS lookup
 *   (nothing was sent) is retried for every method.
 * - At most `maxAttempts` attempts, and no new attempt after `budget` since the call started.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 4. */
  readonly maxAttempts?: number | undefined
  /** The first backoff delay. Default 500 ms (the spec's `x-speakeasy-retries`). */
  readonly initialDelay?: Duration.DurationInput | undefined
  /** Each backoff delay is the previous one times this. Default 1.5. */
  readonly factor?: number | undefined
  /** The longest backoff delay. Default 10 s. */
  readonly maxDelay?: Duration.DurationInput | undefined
  /** The longest `Retry-After` worth waiting for; beyond it a 429 fails at once. Default 30 s. */
  readonly maxRetryAfter?: Duration.DurationInput | undefined
  /** No retry starts (waits included) later than this after the call started. Default 60 s. */
  readonly budget?: Duration.DurationInput | undefined
}

/**
 * What can be set for the whole client (`ClerkClient.layer({ ... })`) and changed for one call or
 * one region of a program (`ClerkClient.withRequestOptions`, `withTimeout`, `withRetry`).
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestOptions {
  /**
   * The longest one attempt may take, from sending the request to the last byte of the body.
   * Beyond it the connection is closed and the attempt fails with a `TransportError` of reason
   * `"Timeout"` (retried like any transport error). Default 30 s.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /** How failed attempts are retried, or `false` for a single attempt. On by default. */
  readonly retry?: RetryOptions | false | undefined
  /**
   * The largest success body read, in bytes. A larger one is an `UnexpectedResponse` with reason
   * `"TooLarge"`, read no further. Default 32 MiB. (Error bodies are read up to 64 KiB, always.)
   */
  readonly maxResponseBytes?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends RequestOptions {
  /**
   * The instance's secret key (`sk_test_...` or `sk_live_...`), or a machine's secret key (`ak_...`,
   * `Machines.getSecretKey`) for a client of the M2M operations that require one
   * (`M2MTokens.createToken`; listing, revoking and verifying take either).
   */
  readonly secretKey: Redacted.Redacted<string>
  /** Defaults to `https://api.clerk.com/v1`. */
  readonly baseUrl?: string | undefined
  /**
   * Send W3C / B3 trace headers to Clerk. Off by default: Clerk is a third party and does not
   * join your traces. Spans are recorded locally either way.
   */
  readonly tracerPropagation?: boolean | undefined
  /**
   * A last change to the configured client (a proxy, extra headers). Retries, timeouts and body
   * limits are built in: see `RequestOptions`.
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ClerkClient extends Context.Tag("@effect-clerk/backend/ClerkClient")<ClerkClient, ClerkClient.Service>() {}

/**
 * @since 0.1.0
 */
export declare namespace ClerkClient {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /** Sends a request relative to the base URL, with every Clerk header set. */
    readonly httpClient: HttpClient.HttpClient
    readonly baseUrl: string
    /** Reads upload files given as a path; present when a `FileSystem` was in context. */
    readonly fileSystem: Option.Option<FileSystem.FileSystem>
    /** The client's timeout, retries and body limit; per-call `RequestOptions` apply over them. */
    readonly requestOptions?: RequestOptions | undefined
  }
}

/**
 * An alias of `ClerkTransport.CurrentAttemptSignal`, kept for one release.
 *
 * @deprecated Use `ClerkTransport.CurrentAttemptSignal`.
 * @since 0.2.0
 * @category transport
 */
export const CurrentAttemptSignal: FiberRef.FiberRef<AbortSignal | undefined> = ClerkTransport.CurrentAttemptSignal

/**
 * An alias of `ClerkTransport.signalAware`, kept for one release.
 *
 * @deprecated Use `ClerkTransport.signalAware`.
 * @since 0.2.0
 * @category transport
 */
export const signalAware: <Client extends HttpClient.HttpClient>(client: Client) => Client = ClerkTransport.signalAware

/**
 * The `RequestOptions` of the current call or region, over the client's. Empty by default; set it
 * with `withRequestOptions` (or `Effect.provideService`).
 *
 * @since 0.1.0
 * @category tags
 */
export class CurrentRequestOptions extends Context.Reference<CurrentRequestOptions>()(
  "@effect-clerk/backend/CurrentRequestOptions",
  { defaultValue: (): RequestOptions => ({}) }
) {}

/**
 * Two layers of options: `self`'s, overridden by `that`'s (`retry` field by field).
 *
 * @since 0.1.0
 * @category utils
 */
export const mergeRequestOptions = (self: RequestOptions, that: RequestOptions): RequestOptions => ({
  timeout: that.timeout ?? self.timeout,
  maxResponseBytes: that.maxResponseBytes ?? self.maxResponseBytes,
  retry:
    that.retry === undefined
      ? self.retry
      : that.retry === false
        ? false
        : { ...(self.retry === false ? {} : self.retry), ...that.retry }
})

/**
 * Runs `self` (one call, or a region of a program) with these options over the client's, and over
 * any set by an enclosing `withRequestOptions`: `timeout`, `retry` (or `false`), `maxResponseBytes`.
 *
 * @example
 * import { ClerkClient, Users } from "@effect-clerk/backend"
 *
 * // one call: a longer time limit, a larger body, two attempts at most
 * const all = Users.list({ limit: 500 }).pipe(
 *   ClerkClient.withRequestOptions({
 *     timeout: "1 minute",
 *     maxResponseBytes: 64 * 1024 * 1024,
 *     retry: { maxAttempts: 2 }
 *   })
 * )
 * // the options are read when the call runs: building the effect sends nothing
 * console.log(typeof all.pipe)
 *
 * @since 0.1.0
 * @category combinators
 */
export const withRequestOptions: {
  (options: RequestOptions): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, options: RequestOptions): Effect.Effect<A, E, R>
} = dual(2, <A, E, R>(self: Effect.Effect<A, E, R>, options: RequestOptions): Effect.Effect<A, E, R> =>
  Effect.flatMap(CurrentRequestOptions, (outer) =>
    Effect.provideService(self, CurrentRequestOptions, mergeRequestOptions(outer, options))
  )
)

/**
 * Runs `self` with this time limit per attempt (`RequestOptions.timeout`).
 *
 * @example
 * import { ClerkClient, Users } from "@effect-clerk/backend"
 *
 * // an interactive call: answer within 2 seconds or fail with TransportError (reason "Timeout")
 * const user = Users.get("user_123").pipe(ClerkClient.withTimeout("2 seconds"))
 * console.log(typeof user.pipe)
 *
 * @since 0.1.0
 * @category combinators
 */
export const withTimeout: {
  (timeout: Duration.DurationInput): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, timeout: Duration.DurationInput): Effect.Effect<A, E, R>
} = dual(2, <A, E, R>(self: Effect.Effect<A, E, R>, timeout: Duration.DurationInput): Effect.Effect<A, E, R> =>
  withRequestOptions(self, { timeout })
)

/**
 * Runs `self` with these retry options (over the client's, field by field), or with none (`false`).
 *
 * @example
 * import { ClerkClient, ClerkError, ClerkTest, Users } from "@effect-clerk/backend"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 *
 * // Clerk answers 503: the client retries a GET (3 attempts); this call makes one
 * const TestClerk = Users.layer.pipe(
 *   Layer.provideMerge(
 *     ClerkTest.layer(() => ClerkTest.clerkError(503, "service_unavailable", "try later"), {
 *       retry: { maxAttempts: 3, initialDelay: "1 millis" }
 *     })
 *   )
 * )
 * const once = Users.get("user_123").pipe(ClerkClient.withRetry(false), Effect.flip, Effect.provide(TestClerk))
 * Effect.runPromise(once).then((error) => {
 *   assert.ok(error instanceof ClerkError.ServerError)
 *   assert.strictEqual(error.attempts, 1)
 * })
 *
 * @since 0.1.0
 * @category combinators
 */
export const withRetry: {
  (retry: RetryOptions | false): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, retry: RetryOptions | false): Effect.Effect<A, E, R>
} = dual(2, <A, E, R>(self: Effect.Effect<A, E, R>, retry: RetryOptions | false): Effect.Effect<A, E, R> =>
  withRequestOptions(self, { retry })
)

/**
 * Builds the service over the `HttpClient` in context. Fails with a `ConfigError` naming the
 * option when the key does not look like a secret key or the base URL is not an http(s) URL.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<ClerkClient.Service, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const { secretKey, baseUrl, requestOptions } = yield* Validate.clientOptions(options, DEFAULT_BASE_URL)
    const { httpClient, flags } = Configure.configure(yield* HttpClient.HttpClient, {
      baseUrl,
      headers: {
        authorization: `Bearer ${Redacted.value(secretKey)}`,
        "clerk-api-version": API_VERSION,
        "user-agent": USER_AGENT,
        accept: "application/json"
      },
      tracerPropagation: options.tracerPropagation,
      transformClient: options.transformClient
    })
    const fileSystem = yield* Effect.serviceOption(FileSystem.FileSystem)
    const pacing = yield* RateLimit.pacingFor(secretKey) // a `ClerkRateLimit` layer in context, if any
    return RuntimeFlags.attach(
      ClerkClient.of({
        httpClient,
        baseUrl,
        fileSystem,
        requestOptions: {
          timeout: requestOptions.timeout,
          retry: requestOptions.retry,
          maxResponseBytes: requestOptions.maxResponseBytes
        }
      }),
      { ...flags, pacing }
    )
  })

/**
 * The `ClerkClient` from explicit options, over the `HttpClient` in context. Provide the layers of
 * the groups a program uses over it (or `Clerk.layer` for every group). On Node,
 * `@effect-clerk/platform-node`'s `NodeClerkClient.layer(options)` is this over undici.
 *
 * @example
 * import { ClerkClient, Users } from "@effect-clerk/backend"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import * as Redacted from "effect/Redacted"
 *
 * const ClerkLive = ClerkClient.layer({
 *   secretKey: Redacted.make("sk_test_..."), // or ClerkClient.layerConfig() for CLERK_SECRET_KEY
 *   timeout: "10 seconds", // per attempt (default 30 s)
 *   retry: { maxAttempts: 3 } // 429, and 5xx or broken connections of idempotent calls
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * const program = Effect.gen(function* () {
 *   const users = yield* Users.list({ limit: 10 })
 *   return users.map((user) => user.id)
 * })
 * // every dependency is provided: what is left to do is running it
 * const runnable: Effect.Effect<ReadonlyArray<string>, unknown> = program.pipe(
 *   Effect.provide(Users.layer.pipe(Layer.provide(ClerkLive)))
 * )
 * console.log(Effect.isEffect(runnable))
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<ClerkClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(ClerkClient, make(options))

/**
 * The configs `layerConfig` reads; each one has a default.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfigOptions extends RequestOptions {
  /** Defaults to `Config.redacted("CLERK_SECRET_KEY")`. */
  readonly secretKey?: Config.Config<Redacted.Redacted<string>> | undefined
  /**
   * Defaults to `CLERK_API_URL`, else `https://api.clerk.com/v1`. `CLERK_API_URL` is read as Clerk's
   * SDKs read it: an origin alone (`https://api.clerk.com`) gets `/v1`; a URL with a path is used as
   * given. A `Config` given here is used as given.
   */
  readonly baseUrl?: Config.Config<string> | undefined
  readonly tracerPropagation?: boolean | undefined
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * `CLERK_SECRET_KEY` (required) and `CLERK_API_URL` (optional; an origin alone gets `/v1`, as
 * Clerk's SDKs read it), validated by the config system: a missing key is a `ConfigError` naming
 * `CLERK_SECRET_KEY`; a key that starts with neither `sk_` nor `ak_` is one too, without echoing it.
 *
 * @since 0.1.0
 * @category configs
 */
export const config = (
  options: ConfigOptions = {}
): Config.Config<{ readonly secretKey: Redacted.Redacted<string>; readonly baseUrl: string }> =>
  Validate.clientConfig(options, DEFAULT_BASE_URL)

/**
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: ConfigOptions = {}
): Layer.Layer<ClerkClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(
    ClerkClient,
    Effect.flatMap(config(options), (values) => make({ ...options, ...values }))
  )
