/**
 * Every Clerk service at once, over undici (see `NodeClerkClient`).
 *
 * This module reaches every API group. A program that uses only some groups provides their layers
 * (`ActorTokens.layer`, ...) over `NodeClerkClient.layer` / `NodeClerkClient.layerConfig` instead,
 * and loads and bundles only those groups.
 *
 * @since 0.1.0
 */
import * as Clerk from "@effect-clerk/backend/Clerk"
import type * as ClerkClient from "@effect-clerk/backend/ClerkClient"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as NodeClerkClient from "./NodeClerkClient.js"

/**
 * Every service and the `ClerkClient`, over undici.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: ClerkClient.Options
): Layer.Layer<Clerk.Services | ClerkClient.ClerkClient, ConfigError.ConfigError> =>
  Clerk.layer.pipe(Layer.provideMerge(NodeClerkClient.layer(options)))

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
  Clerk.layer.pipe(Layer.provideMerge(NodeClerkClient.layerConfig(options)))
