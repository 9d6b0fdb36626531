/**
 * @effect-clerk/platform-node: Clerk layers over Node's undici-based HttpClient.
 *
 * Two modules, so that a program that uses one API group loads only that group:
 * `NodeClerkClient` gives the `ClerkClient` alone (provide it under the groups' layers);
 * `NodeClerk` gives every service at once.
 *
 * @since 0.1.0
 */

/**
 * The `ClerkClient` over undici: `NodeClerkClient.layer(options)`, `NodeClerkClient.layerConfig()`.
 *
 * @since 0.1.0
 */
export * as NodeClerkClient from "./NodeClerkClient.js"

/**
 * Every service and the `ClerkClient` over undici: `NodeClerk.layer(options)`, `NodeClerk.layerConfig()`.
 *
 * @since 0.1.0
 */
export * as NodeClerk from "./NodeClerk.js"
