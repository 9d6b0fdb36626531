/**
 * Every service at once, and fetch-based layers for runtimes without Node (Deno, Bun, workers,
 * browsers for tooling). On Node, `@effect-clerk/platform-node` gives the same over undici.
 *
 * A program that uses only some groups can provide only their layers
 * (`ActorTokens.layer`, ...) over a `ClerkClient` layer instead.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as ClerkClient from "./ClerkClient.js"
import * as Generated from "./generated/services.js"

/**
 * An alias of `ClerkClient.withRequestOptions`, kept for one release: this module loads every API group.
 *
 * @deprecated Use `ClerkClient.withRequestOptions`.
 * @since 0.1.0
 * @category combinators
 */
export const withRequestOptions: typeof ClerkClient.withRequestOptions = ClerkClient.withRequestOptions

/**
 * An alias of `ClerkClient.withTimeout`, kept for one release: this module loads every API group.
 *
 * @deprecated Use `ClerkClient.withTimeout`.
 * @since 0.1.0
 * @category combinators
 */
export const withTimeout: typeof ClerkClient.withTimeout = ClerkClient.withTimeout

/**
 * An alias of `ClerkClient.withRetry`, kept for one release: this module loads every API group.
 *
 * @deprecated Use `ClerkClient.withRetry`.
 * @since 0.1.0
 * @category combinators
 */
export const withRetry: typeof ClerkClient.withRetry = ClerkClient.withRetry

/**
 * The services of every API group.
 *
 * @since 0.1.0
 * @category models
 */
export type Services = Generated.Services

/**
 * Every service, over the `ClerkClient` in context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Services, never, ClerkClient.ClerkClient> = Generated.layer

/**
 * Every service and the `ClerkClient`, over the platform's `fetch`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFetch = (
  options: ClerkClient.Options
): Layer.Layer<Services | ClerkClient.ClerkClient, ConfigError.ConfigError> =>
  layer.pipe(Layer.provideMerge(ClerkClient.layer(options)), Layer.provide(FetchHttpClient.layer))

/**
 * Like `layerFetch`, configured from `CLERK_SECRET_KEY` / `CLERK_API_URL` by default.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFetchConfig = (
  options?: ClerkClient.ConfigOptions
): Layer.Layer<Services | ClerkClient.ClerkClient, ConfigError.ConfigError> =>
  layer.pipe(Layer.provideMerge(ClerkClient.layerConfig(options)), Layer.provide(FetchHttpClient.layer))
