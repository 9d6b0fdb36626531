/**
 * The model of a webhook delivery (its errors, what a verifier answers, the de-duplication options),
 * apart from \`Webhook\` so that the modules that read and answer deliveries can use it without
 * importing \`Webhook\`, which imports them. \`Webhook\` re-exports every name.
 *
 * @internal
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as Events from "../generated/WebhookEvents.js"

/**
 * Why a webhook was rejected.
 *
 * - `missing-headers`: no `svix-id` / `svix-timestamp` / `svix-signature` (nor `webhook-*`)
 * - `invalid-timestamp`: the timestamp header is not a number of seconds
 * - `timestamp-too-old`, `timestamp-too-new`: outside the `tolerance` (5 minutes by default), each way
 * - `invalid-signature`: no signature in the header matches the body with the secret (a tampered or
 *   re-serialized body, another secret, malformed base64)
 * - `invalid-body`: the body could not be read, or is not UTF-8 (or, for `verify`, not JSON)
 * - `body-too-large`: the body is larger than the limit (1 MiB by default)
 * - `invalid-event`: (`verify` only) the body is signed and JSON, but not an event of its type's
 *   shape; the message names the first failing path and what was expected there
 *
 * @since 0.1.0
 * @category errors
 */
export class WebhookVerificationError extends Schema.TaggedError<WebhookVerificationError>(
  "@effect-clerk/auth/WebhookVerificationError"
)("WebhookVerificationError", {
  reason: Schema.Literal(
    "missing-headers",
    "invalid-timestamp",
    "timestamp-too-old",
    "timestamp-too-new",
    "invalid-signature",
    "invalid-body",
    "body-too-large",
    "invalid-event"
  ),
  message: Schema.String
}) {}

/**
 * The signing secret is not a `whsec_` secret (a configuration error, raised when the verifier is made).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidSecret extends Schema.TaggedError<InvalidSecret>("@effect-clerk/auth/InvalidSecret")(
  "InvalidSecret",
  { message: Schema.String }
) {}

/**
 * One delivery: its id and when Clerk signed it.
 *
 * @since 0.2.0
 * @category models
 */
export interface DeliveryInfo {
  /** The delivery id (`svix-id`): the same for every retry of one delivery. */
  readonly id: string
  /** When Clerk signed this attempt. */
  readonly timestamp: Date
}

/**
 * @since 0.1.0
 * @category models
 */
export interface VerifiedEvent extends DeliveryInfo {
  readonly event: Events.WebhookEvent
}

/**
 * A signed delivery whose payload is not an event of its type's shape (Clerk sent a field this
 * version's schema does not expect, or left one out), kept as sent: its signature is valid, so it
 * is Clerk's, and it is never dropped. Its own `type` is `"undecodable"`.
 *
 * @since 0.2.0
 * @category models
 */
export interface UndecodableEvent {
  readonly type: "undecodable"
  /** The payload's `type`, when it has a string one. */
  readonly eventType: string | undefined
  /** The payload as sent: the parsed JSON, or the raw text when it is not JSON. */
  readonly payload: unknown
  /** Why it did not decode. */
  readonly issue: ParseResult.ParseIssue
  /** The first failing path and what was expected there (`at data.has_image: missing (expected boolean)`). */
  readonly message: string
}

/**
 * A delivery whose signature is valid: its event decoded, or not.
 *
 * @since 0.2.0
 * @category models
 */
export interface SignedEvent extends DeliveryInfo {
  readonly event: Events.WebhookEvent | UndecodableEvent
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Verifier {
  /**
   * Verifies `body` (the raw bytes, or the raw text, exactly as received) against the headers and
   * decodes the event; an event that does not decode fails with `invalid-event`.
   */
  readonly verify: (
    body: Uint8Array | string,
    headers: Readonly<Record<string, string | undefined>>
  ) => Effect.Effect<VerifiedEvent, WebhookVerificationError>
  /**
   * Verifies the signature only: an event that does not decode is an `UndecodableEvent`, not a failure.
   *
   * @since 0.2.0
   */
  readonly verifySigned: (
    body: Uint8Array | string,
    headers: Readonly<Record<string, string | undefined>>
  ) => Effect.Effect<SignedEvent, WebhookVerificationError>
}

/**
 * De-duplication of `handler` (on by default): see `WebhookDeduplication`.
 *
 * @since 0.2.0
 * @category models
 */
export interface DeduplicationOptions {
  /** How long a handled id is remembered. Default 24 hours; never less than twice the `tolerance`. */
  readonly ttl?: Duration.DurationInput | undefined
  /** How long a claim holds while the handler runs (a dead process frees its ids after it). Default 1 minute. */
  readonly lease?: Duration.DurationInput | undefined
  /** The longest wait for the store; past it the delivery is answered 503. Default 2 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
}
