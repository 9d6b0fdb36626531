/**
 * @effect-clerk/platform-node: Clerk layers over Node's undici-based HttpClient.
 *
 * The entry holds only `NodeClerkClient`, the `ClerkClient` over undici, to provide under the
 * layers of the groups a program uses: importing it loads no API group. Every service at once is
 * its own subpath, `@effect-clerk/platform-node/NodeClerk`, because it reaches all of them.
 *
 * @since 0.1.0
 */

/**
 * The `ClerkClient` over undici: `NodeClerkClient.layer(options)`, `NodeClerkClient.layerConfig()`.
 *
 * @since 0.1.0
 */
export * as NodeClerkClient from "./NodeClerkClient.js"
