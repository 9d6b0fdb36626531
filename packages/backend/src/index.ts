/**
 * @effect-clerk/backend: the Clerk Backend API as Effect services.
 *
 * @since 0.1.0
 */

/**
 * Every API group of the spec (generated): `ActorTokens`, `Users`, `Organizations`, ...
 *
 * @since 0.1.0
 */
export * from "./generated/index.js"

/**
 * Every service at once, and fetch-based layers for runtimes without Node.
 *
 * @since 0.1.0
 */
export * as Clerk from "./Clerk.js"

/**
 * The configured HttpClient every service sends through, and its layers.
 *
 * @since 0.1.0
 */
export * as ClerkClient from "./ClerkClient.js"

/**
 * The contract between the runtime and an HttpClient that keeps time limits by signal.
 *
 * @since 0.2.0
 */
export * as ClerkTransport from "./ClerkTransport.js"

/**
 * One error class per HTTP status, plus the errors of transport, input and unexpected answers.
 *
 * @since 0.1.0
 */
export * as ClerkError from "./ClerkError.js"

/**
 * Test layers: a ClerkClient over a mocked HttpClient that records every request.
 *
 * @since 0.1.0
 */
export * as ClerkTest from "./ClerkTest.js"

/**
 * The file input of upload operations.
 *
 * @since 0.1.0
 */
export * as ClerkFile from "./ClerkFile.js"

/**
 * The operations of the API as data: the entry type of each group's `operations` table, and the
 * types a server reads a request and an answer by.
 *
 * @since 0.2.0
 */
export * as ClerkOperation from "./ClerkOperation.js"

/**
 * Clerk's rate limit on the client's side: the pause after a 429, and an opt-in budget in memory or
 * shared by a fleet (a `Store`; Redis in `@effect-clerk/redis`).
 *
 * @since 0.2.0
 */
export * as ClerkRateLimit from "./ClerkRateLimit.js"

/**
 * `Users.get` and `Organizations.get` batched into list calls with the id filter.
 *
 * @since 0.2.0
 */
export * as ClerkBatching from "./ClerkBatching.js"

/**
 * The metrics every call records: calls by outcome, their time, attempts and 429s, per operation.
 *
 * @since 0.2.0
 */
export * as ClerkMetrics from "./ClerkMetrics.js"
