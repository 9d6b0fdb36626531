/**
 * Clerk layers for Node.js, over `NodeHttpClient` (undici, with its connection pooling), with
 * Node's file system for uploads given as a path (`{ file: { path: "./logo.png" } }`).
 *
 * @since 0.1.0
 */
import { Clerk, ClerkClient } from "@effect-clerk/backend"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"

/**
 * The `ClerkClient` alone over undici, to compose with the layers of the groups a program uses.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClient = (
  options: ClerkClient.Options
): Layer.Layer<ClerkClient.ClerkClient, ConfigError.ConfigError> =>
  ClerkClient.layer(options).pipe(Layer.provide(NodeHttpClient.layerUndici), Layer.provide(NodeFileSystem.layer))

/**
 * The `ClerkClient` alone over undici, from `CLERK_SECRET_KEY` / `CLERK_API_URL` by default.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClientConfig = (
  options?: ClerkClient.ConfigOptions
): Layer.Layer<ClerkClient.ClerkClient, ConfigError.ConfigError> =>
  ClerkClient.layerConfig(options).pipe(Layer.provide(NodeHttpClient.layerUndici), Layer.provide(NodeFileSystem.layer))

/**
 * Every service and the `ClerkClient`, over undici.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: ClerkClient.Options
): Layer.Layer<Clerk.Services | ClerkClient.ClerkClient, ConfigError.ConfigError> =>
  Clerk.layer.pipe(Layer.provideMerge(layerClient(options)))

/**
 * Every service and the `ClerkClient`, over undici, from `CLERK_SECRET_KEY` / `CLERK_API_URL`
 * by default.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options?: ClerkClient.ConfigOptions
): Layer.Layer<Clerk.Services | ClerkClient.ClerkClient, ConfigError.ConfigError> =>
  Clerk.layer.pipe(Layer.provideMerge(layerClientConfig(options)))
