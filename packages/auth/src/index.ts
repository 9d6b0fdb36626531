/**
 * @effect-clerk/auth: verify who calls your Effect server (Clerk session tokens, API keys, M2M and
 * OAuth tokens) and receive Clerk's webhooks.
 *
 * @since 0.1.0
 */

/**
 * `Auth` (`SignedIn` | `Machine` | `SignedOut`), the `Authenticator` service and its layers.
 *
 * @since 0.1.0
 */
export * as Auth from "./Auth.js"

/**
 * The `HttpApiMiddleware`s `Authentication` and `RequireSignedIn`.
 *
 * @since 0.1.0
 */
export * as HttpApiAuth from "./HttpApiAuth.js"

/**
 * Middleware for `HttpRouter` / `HttpApp` servers.
 *
 * @since 0.1.0
 */
export * as HttpAuth from "./HttpAuth.js"

/**
 * Verification keys: the PEM public key, or the JWKS with its cache.
 *
 * @since 0.1.0
 */
export * as Keys from "./Keys.js"

/**
 * API keys, M2M tokens and OAuth access tokens.
 *
 * @since 0.1.0
 */
export * as MachineToken from "./MachineToken.js"

/**
 * Session token claims and verification.
 *
 * @since 0.1.0
 */
export * as SessionToken from "./SessionToken.js"

/**
 * The token verification error and its reasons.
 *
 * @since 0.1.0
 */
export * as TokenError from "./TokenError.js"

/**
 * Webhook verification, decoding and handlers.
 *
 * @since 0.1.0
 */
export * as Webhook from "./Webhook.js"

/**
 * De-duplication of webhook deliveries on `svix-id`: the store interface and the in-memory store.
 *
 * @since 0.2.0
 */
export * as WebhookDeduplication from "./WebhookDeduplication.js"

/**
 * The generated webhook event schemas.
 *
 * @since 0.1.0
 */
export * as WebhookEvents from "./generated/WebhookEvents.js"
