/**
 * `@effect-clerk/emulator`: an in-memory emulator of the Clerk Backend API.
 *
 * The socket server is not re-exported here (it needs `@effect/platform-node`, an optional peer):
 * import it from `@effect-clerk/emulator/EmulatorServer`.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as ApiError from "./ApiError.js"

/**
 * @since 0.1.0
 */
export * as Emulator from "./Emulator.js"

/**
 * @since 0.1.0
 */
export * as Resource from "./Resource.js"

/**
 * @since 0.1.0
 */
export * as SessionTokens from "./SessionTokens.js"

/**
 * @since 0.1.0
 */
export * as Store from "./Store.js"

/**
 * @since 0.1.0
 */
export * as Resources from "./Resources.js"

/**
 * @since 0.1.0
 */
export * as Seed from "./Seed.js"

/**
 * @since 0.1.0
 */
export * as Faults from "./Faults.js"

/**
 * @since 0.1.0
 */
export * as Webhooks from "./Webhooks.js"

/**
 * @since 0.1.0
 */
export * as Control from "./Control.js"

/**
 * @since 0.1.0
 */
export * as RateLimits from "./RateLimits.js"
