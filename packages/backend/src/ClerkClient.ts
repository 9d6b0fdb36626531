/**
 * The one configured HttpClient every Clerk service sends through: base URL, bearer secret key,
 * API version, User-Agent and `Accept: application/json`, applied to every request.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import { dual, identity } from "effect/Function"
import { globalValue } from "effect/GlobalValue"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
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
 *   never sent twice. A refused connection or a failed DNS lookup (nothing was sent) is retried for
 *   every method.
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
 * one region of a program (`Clerk.withRequestOptions`).
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
  /** The instance's secret key (`sk_test_...` or `sk_live_...`). */
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
    /**
     * `true` when `httpClient` keeps the `CurrentAttemptSignal` contract (see `signalAware`):
     * the runtime then keeps each attempt's time limit by aborting that signal.
     */
    readonly attemptSignal?: boolean | undefined
    /**
     * `false` when nothing `httpClient` runs reads the current span: a `signalAware` client with
     * no `transformClient` and no `tracerPropagation`. The runtime then does not make the
     * operation's span the current one inside the call (which copies the fiber's context: about
     * 35 µs of CPU a call in the benchmark's list(10)); the span is recorded all the same.
     */
    readonly readsSpan?: boolean | undefined
  }
}

/**
 * The `AbortSignal` of the attempt in flight, set by the runtime around each attempt when the
 * `ClerkClient`'s HttpClient is `signalAware`. Aborted when the attempt's time is up, or when it
 * fails or is interrupted.
 *
 * @since 0.2.0
 * @category transport
 */
export const CurrentAttemptSignal: FiberRef.FiberRef<AbortSignal | undefined> = globalValue(
  Symbol.for("@effect-clerk/backend/ClerkClient/CurrentAttemptSignal"),
  () => FiberRef.unsafeMake<AbortSignal | undefined>(undefined)
)

const signalAwareClients = globalValue(
  Symbol.for("@effect-clerk/backend/ClerkClient/signalAwareClients"),
  () => new WeakSet<HttpClient.HttpClient>()
)

/**
 * Declares that an HttpClient keeps the SDK's transport contract, so that the runtime can rely on
 * it instead of wrapping each request (the undici client of `@effect-clerk/platform-node` does):
 * - it aborts the request, and any read of its body, when `CurrentAttemptSignal` (read when the
 *   request is sent) aborts; the runtime aborts it when an attempt times out, fails or is
 *   interrupted (without that signal, the client aborts on interruption itself);
 * - the end of `response.stream` (complete or not) closes what is left of the body;
 * - it never follows a redirect;
 * - it records no span of its own.
 *
 * The runtime then keeps each attempt's time limit with that signal (one timer for every attempt
 * in flight), rather than on a forked fiber per attempt; `ClerkClient.make` adds no redirect or
 * tracer wrapper. Any other HttpClient, or any `transformClient` (which may add waits of its own),
 * gets the general path. Returns the same client.
 *
 * @since 0.2.0
 * @category transport
 */
export const signalAware = <Client extends HttpClient.HttpClient>(client: Client): Client => {
  signalAwareClients.add(client)
  return client
}

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
 * Runs `self` with these options over the client's (and over any set by an enclosing
 * `withRequestOptions`): `Users.list(params).pipe(ClerkClient.withRequestOptions({ timeout: "5 seconds" }))`.
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
 * Runs `self` with this timeout per attempt.
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
 * Runs `self` with these retry options, or none (`false`).
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

const checkRequestOptions = (options: RequestOptions): Either.Either<RequestOptions, [string, string]> => {
  const positive = (value: Duration.DurationInput | undefined) =>
    value === undefined ||
    Option.match(Duration.decodeUnknown(value), { onNone: () => false, onSome: Duration.isFinite })
  if (!positive(options.timeout)) return Either.left(["timeout", "must be a finite Duration"])
  if (
    options.maxResponseBytes !== undefined &&
    !(Number.isSafeInteger(options.maxResponseBytes) && options.maxResponseBytes > 0)
  ) {
    return Either.left(["maxResponseBytes", "must be a positive integer"])
  }
  const retry = options.retry
  if (retry) {
    if (retry.maxAttempts !== undefined && !(Number.isSafeInteger(retry.maxAttempts) && retry.maxAttempts >= 1)) {
      return Either.left(["retry.maxAttempts", "must be an integer of at least 1"])
    }
    if (retry.factor !== undefined && !(Number.isFinite(retry.factor) && retry.factor >= 1)) {
      return Either.left(["retry.factor", "must be a number of at least 1"])
    }
    for (const key of ["initialDelay", "maxDelay", "maxRetryAfter", "budget"] as const) {
      if (!positive(retry[key])) return Either.left([`retry.${key}`, "must be a finite Duration"])
    }
  }
  return Either.right(options)
}

/**
 * Trims the key (a key read from a file often ends in a newline) and checks that what is left can
 * go in a header: printable ASCII without spaces. The messages never show the value.
 */
const validateSecretKey = (key: Redacted.Redacted<string>): Either.Either<Redacted.Redacted<string>, string> => {
  const value = Redacted.value(key)
  const trimmed = value.trim()
  if (trimmed.length === 0) return Either.left("is empty")
  if (!/^[\x21-\x7e]+$/.test(trimmed)) {
    return Either.left(
      "holds a character that cannot be sent in a header (a space, a control character or a non-ASCII character); the value is not shown"
    )
  }
  if (!trimmed.startsWith("sk_")) {
    return Either.left("must be a Clerk secret key starting with sk_ (the value is not shown)")
  }
  return Either.right(trimmed === value ? key : Redacted.make(trimmed))
}

/** The message never shows the value: a swapped pair of variables would put the key there. */
const validateBaseUrl = (url: string): Either.Either<string, string> => {
  let parsed: URL
  try {
    parsed = new URL(url.trim())
  } catch {
    return Either.left("must be an absolute http(s) URL such as https://api.clerk.com/v1 (the value is not shown)")
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return Either.left("must be an http(s) URL such as https://api.clerk.com/v1 (the value is not shown)")
  }
  if (parsed.username !== "" || parsed.password !== "" || parsed.search !== "" || parsed.hash !== "") {
    return Either.left("must not hold credentials, a query or a fragment (the value is not shown)")
  }
  return Either.right(parsed.href.replace(/\/+$/, ""))
}

/** W3C and B3 headers of the current span (the operation's), for `tracerPropagation: true`. */
const propagateTrace = HttpClient.mapRequestEffect((request: HttpClientRequest.HttpClientRequest) =>
  Effect.map(Effect.option(Effect.currentSpan), (span) =>
    Option.isSome(span) ? HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(span.value)) : request
  )
)

/** The fetch layer follows redirects unless told not to; Clerk's API does not redirect. */
const noRedirects = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transform(client, (effect) =>
    Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
      Effect.provideService(effect, FetchHttpClient.RequestInit, {
        ...Option.getOrElse(init, () => ({})),
        redirect: "manual"
      })
    )
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
    const secretKey = yield* Either.mapLeft(validateSecretKey(options.secretKey), (message) =>
      ConfigError.InvalidData(["secretKey"], message)
    )
    const baseUrl = yield* Either.mapLeft(validateBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL), (message) =>
      ConfigError.InvalidData(["baseUrl"], message)
    )
    const requestOptions = yield* Either.mapLeft(checkRequestOptions(options), ([key, message]) =>
      ConfigError.InvalidData([key], message)
    )
    const base = yield* HttpClient.HttpClient
    const aware = signalAwareClients.has(base)
    // one header object for every request (the key in it is what `bearerToken` would set)
    const headers = {
      authorization: `Bearer ${Redacted.value(secretKey)}`,
      "clerk-api-version": API_VERSION,
      "user-agent": USER_AGENT,
      accept: "application/json"
    }
    const configured = base.pipe(
      aware ? identity : noRedirects,
      HttpClient.mapRequest((request) =>
        HttpClientRequest.setHeaders(HttpClientRequest.prependUrl(request, baseUrl), headers)
      ),
      // The operation's own span (`Users.get`) records the call. The platform's inner span would
      // record its failures with the request, headers included: the key would reach the tracer.
      aware ? identity : HttpClient.withTracerDisabledWhen(() => true),
      options.tracerPropagation ? propagateTrace : identity
    )
    const httpClient = options.transformClient ? options.transformClient(configured) : configured
    const fileSystem = yield* Effect.serviceOption(FileSystem.FileSystem)
    return ClerkClient.of({
      httpClient,
      baseUrl,
      fileSystem,
      requestOptions: {
        timeout: requestOptions.timeout,
        retry: requestOptions.retry,
        maxResponseBytes: requestOptions.maxResponseBytes
      },
      attemptSignal: aware && options.transformClient === undefined,
      readsSpan: !aware || options.transformClient !== undefined || options.tracerPropagation === true
    })
  })

/**
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
  /** Defaults to `CLERK_API_URL`, else `https://api.clerk.com/v1`. */
  readonly baseUrl?: Config.Config<string> | undefined
  readonly tracerPropagation?: boolean | undefined
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * `CLERK_SECRET_KEY` (required) and `CLERK_API_URL` (optional), validated by the config system:
 * a missing key is a `ConfigError` naming `CLERK_SECRET_KEY`; a key that does not start with `sk_`
 * is one too, without echoing the value.
 *
 * @since 0.1.0
 * @category configs
 */
export const config = (
  options: ConfigOptions = {}
): Config.Config<{ readonly secretKey: Redacted.Redacted<string>; readonly baseUrl: string }> =>
  Config.all({
    secretKey: Config.option(options.secretKey ?? Config.redacted("CLERK_SECRET_KEY")).pipe(
      Config.mapOrFail((key) => {
        const name = options.secretKey ? "secretKey" : "CLERK_SECRET_KEY"
        return Option.isNone(key)
          ? Either.left(
              ConfigError.MissingData(
                [name],
                `${name} is not set: set it to the instance's secret key (sk_test_... or sk_live_...) from the Clerk Dashboard's API keys page`
              )
            )
          : Either.mapLeft(validateSecretKey(key.value), (message) => ConfigError.InvalidData([name], message))
      })
    ),
    baseUrl: (options.baseUrl ?? Config.string("CLERK_API_URL").pipe(Config.withDefault(DEFAULT_BASE_URL))).pipe(
      Config.mapOrFail((url) =>
        Either.mapLeft(validateBaseUrl(url), (message) =>
          ConfigError.InvalidData([options.baseUrl ? "baseUrl" : "CLERK_API_URL"], message)
        )
      )
    )
  })

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
