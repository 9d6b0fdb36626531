/**
 * The `ClerkClient` over undici (a lean client made for the SDK's runtime: one `Effect.async` over
 * undici's `Dispatcher.request`, `ClerkTransport.signalAware`), with Node's file system for uploads
 * given as a path (`{ file: { path: "./logo.png" } }`): provide it under the layers of the groups a
 * program uses (`ActorTokens.layer`, ...), and the program loads only those groups.
 *
 * @since 0.1.0
 */
import * as ClerkClient from "@effect-clerk/backend/ClerkClient"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as UndiciClient from "./internal/undiciClient.js"

/**
 * The `ClerkClient` over undici, from explicit options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: ClerkClient.Options): Layer.Layer<ClerkClient.ClerkClient, ConfigError.ConfigError> =>
  ClerkClient.layer(options).pipe(Layer.provide(UndiciClient.layer), Layer.provide(NodeFileSystem.layer))

/**
 * The `ClerkClient` over undici, from `CLERK_SECRET_KEY` / `CLERK_API_URL` by default.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options?: ClerkClient.ConfigOptions
): Layer.Layer<ClerkClient.ClerkClient, ConfigError.ConfigError> =>
  ClerkClient.layerConfig(options).pipe(Layer.provide(UndiciClient.layer), Layer.provide(NodeFileSystem.layer))
