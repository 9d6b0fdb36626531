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
 * Runs an effect (one call or a whole region of a program) with these request options over the
 * client's: `timeout`, `retry` (or `false`), `maxResponseBytes`.
 *
 * ```ts
 * Users.list({ limit: 500 }).pipe(Clerk.withRequestOptions({ timeout: "5 seconds", retry: { maxAttempts: 2 } }))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withRequestOptions = ClerkClient.withRequestOptions

/**
 * Runs an effect with this timeout per attempt: `Users.get(id).pipe(Clerk.withTimeout("2 seconds"))`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withTimeout = ClerkClient.withTimeout

/**
 * Runs an effect with these retry options, or with none: `ActorTokens.create(body).pipe(Clerk.withRetry(false))`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withRetry = ClerkClient.withRetry

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
