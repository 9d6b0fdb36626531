/**
 * The one configured HttpClient every Clerk service sends through: base URL, bearer secret key,
 * API version, User-Agent and `Accept: application/json`, applied to every request.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { flow } from "effect/Function"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
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
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The instance's secret key (`sk_test_...` or `sk_live_...`). */
  readonly secretKey: Redacted.Redacted<string>
  /** Defaults to `https://api.clerk.com/v1`. */
  readonly baseUrl?: string | undefined
  /**
   * Send W3C / B3 trace headers to Clerk. Off by default: Clerk is a third party and does not
   * join your traces. Spans are recorded locally either way.
   */
  readonly tracerPropagation?: boolean | undefined
  /** A last change to the configured client, for example `HttpClient.retryTransient(...)`. */
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
  }
}

const validateSecretKey = (key: Redacted.Redacted<string>): Either.Either<Redacted.Redacted<string>, string> =>
  Redacted.value(key).startsWith("sk_")
    ? Either.right(key)
    : Either.left("must be a Clerk secret key starting with sk_ (the value is not shown)")

const validateBaseUrl = (url: string): Either.Either<string, string> => {
  try {
    const parsed = new URL(url)
    return parsed.protocol === "https:" || parsed.protocol === "http:"
      ? Either.right(url.replace(/\/+$/, ""))
      : Either.left(`must be an http(s) URL, got ${url}`)
  } catch {
    return Either.left(`must be an absolute URL, got ${url}`)
  }
}

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
    const configured = (yield* HttpClient.HttpClient).pipe(
      HttpClient.mapRequest(
        flow(
          HttpClientRequest.prependUrl(baseUrl),
          HttpClientRequest.bearerToken(secretKey),
          HttpClientRequest.setHeaders({
            "Clerk-API-Version": API_VERSION,
            "User-Agent": USER_AGENT
          }),
          HttpClientRequest.acceptJson
        )
      ),
      HttpClient.withTracerPropagation(options.tracerPropagation ?? false)
    )
    const httpClient = options.transformClient ? options.transformClient(configured) : configured
    const fileSystem = yield* Effect.serviceOption(FileSystem.FileSystem)
    return ClerkClient.of({ httpClient, baseUrl, fileSystem })
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
export interface ConfigOptions {
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
    secretKey: (options.secretKey ?? Config.redacted("CLERK_SECRET_KEY")).pipe(
      Config.mapOrFail((key) =>
        Either.mapLeft(validateSecretKey(key), (message) =>
          ConfigError.InvalidData([options.secretKey ? "secretKey" : "CLERK_SECRET_KEY"], message)
        )
      )
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
    Effect.flatMap(config(options), (values) =>
      make({ ...values, tracerPropagation: options.tracerPropagation, transformClient: options.transformClient })
    )
  )
