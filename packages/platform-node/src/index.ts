/**
 * @effect-clerk/platform-node: Clerk layers over Node's undici-based HttpClient.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as NodeClerk from "./NodeClerk.js"
