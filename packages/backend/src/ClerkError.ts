/**
 * Every error an operation of the SDK can fail with.
 *
 * - One class per HTTP status Clerk documents (`BadRequest` 400 ... `TooManyRequests` 429) and one
 *   for any 5xx (`ServerError`). They are shared by every operation, so `Effect.catchTag("NotFound", ...)`
 *   reads the same everywhere.
 * - `UnexpectedResponse`: the server did something the spec does not describe for this operation
 *   (an undocumented status, a 2xx body that is not JSON or does not decode).
 * - `TransportError`: the request never got a complete response (connection refused, reset, timeout);
 *   `reason` says which.
 * - `InvalidInput`: the input breaks the request schema; raised before anything is sent.
 *
 * None of them carries request headers, so the secret key can never reach a message, a log or a span.
 *
 * @example
 * ```ts
 * import { ClerkTest, Users } from "@effect-clerk/backend"
 * import { Effect, Layer } from "effect"
 *
 * const describeUser = (userId: string) =>
 *   Users.get(userId).pipe(
 *     Effect.map((user) => `found ${user.id}`),
 *     // each status has its own class and tag; what is not caught stays in the error type
 *     Effect.catchTags({
 *       NotFound: () => Effect.succeed("no such user"),
 *       // no complete answer: `reason` says why, and whether anything was sent
 *       TransportError: (error) => Effect.succeed(`no answer (${error.reason})`),
 *       // a status the operation does not document, or a body unlike the spec's
 *       UnexpectedResponse: (error) => Effect.succeed(`unexpected answer (${error.reason})`)
 *     })
 *   )
 *
 * // The handler answers for Clerk (no network); one that rejects is a failed connection.
 * const run = (handler: ClerkTest.Handler) =>
 *   describeUser("user_1").pipe(
 *     Effect.provide(Users.layer.pipe(Layer.provide(ClerkTest.layer(handler)))),
 *     Effect.runPromise
 *   )
 *
 * assert.strictEqual(await run(() => ClerkTest.clerkError(404, "resource_not_found", "no user")), "no such user")
 * assert.strictEqual(await run(() => new Response("<html>", { status: 200 })), "unexpected answer (InvalidJson)")
 * assert.strictEqual(await run(() => Promise.reject(new Error("socket hang up"))), "no answer (Other)")
 * ```
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import type { RateLimitStoreUnavailable } from "./internal/rateLimitError.js"
import {
  afterAttempts,
  ClerkErrorBody,
  ClerkErrorItem,
  describe,
  describeUnexpected,
  StatusErrorBase,
  statusErrorFields
} from "./internal/errorClass.js"

export {
  /**
   * The body Clerk sends with an error status (`ClerkErrors` in the spec): `errors`, `meta`,
   * `clerk_trace_id`.
   *
   * @since 0.1.0
   * @category schemas
   */
  ClerkErrorBody,
  /**
   * One entry of Clerk's `errors` array (`ClerkError` in the spec): `code`, `message`,
   * `long_message`, `meta`.
   *
   * @since 0.1.0
   * @category schemas
   */
  ClerkErrorItem
}

/**
 * 400: the request was not successful (`ClerkErrors`).
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends StatusErrorBase<BadRequest>()("BadRequest", 400) {}

/**
 * 401: the secret key is missing, malformed or revoked. Any call can meet it.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends StatusErrorBase<Unauthorized>()("Unauthorized", 401) {}

/**
 * 402: the feature needs a paid plan.
 *
 * @since 0.1.0
 * @category errors
 */
export class PaymentRequired extends StatusErrorBase<PaymentRequired>()("PaymentRequired", 402) {}

/**
 * 403: the key may not do this.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends StatusErrorBase<Forbidden>()("Forbidden", 403) {}

/**
 * 404: the resource does not exist.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends StatusErrorBase<NotFound>()("NotFound", 404) {}

/**
 * 409: the request conflicts with the resource's state.
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends StatusErrorBase<Conflict>()("Conflict", 409) {}

/**
 * 410: the resource is gone.
 *
 * @since 0.1.0
 * @category errors
 */
export class Gone extends StatusErrorBase<Gone>()("Gone", 410) {}

/**
 * 413: the payload is too large.
 *
 * @since 0.1.0
 * @category errors
 */
export class PayloadTooLarge extends StatusErrorBase<PayloadTooLarge>()("PayloadTooLarge", 413) {}

/**
 * 422: invalid request parameters, as judged by the server.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnprocessableEntity extends StatusErrorBase<UnprocessableEntity>()("UnprocessableEntity", 422) {}

/**
 * 423: the resource (for example a user) is locked.
 *
 * @since 0.1.0
 * @category errors
 */
export class Locked extends StatusErrorBase<Locked>()("Locked", 423) {}

/**
 * 429: rate limited. `retryAfter` holds the `Retry-After` header in seconds, when sent.
 * Any call can meet it.
 *
 * @since 0.1.0
 * @category errors
 */
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>("@effect-clerk/backend/TooManyRequests")(
  "TooManyRequests",
  {
    status: Schema.Literal(429),
    ...statusErrorFields,
    /** Seconds to wait before retrying, from the `Retry-After` header (delta-seconds or HTTP-date). */
    retryAfter: Schema.optional(Schema.Number)
  }
) {
  override get message(): string {
    const wait = this.retryAfter === undefined ? "" : ` (retry after ${this.retryAfter}s)`
    return describe({ ...this, _tag: this._tag, attempts: undefined }) + wait + afterAttempts(this.attempts)
  }
}

/**
 * Any 5xx. `status` keeps the exact code. Any call can meet it.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>("@effect-clerk/backend/ServerError")("ServerError", {
  status: Schema.Number,
  ...statusErrorFields
}) {
  override get message(): string {
    return describe(this)
  }
}

/**
 * The server answered in a way the spec does not describe for this operation: a status the
 * operation does not document (`reason: "UnexpectedStatus"`; a 3xx also keeps its `location`, and is
 * never followed), a success body that is not JSON (`"InvalidJson"`), that does not match the
 * response schema (`"SchemaMismatch"`), or that is larger than `maxResponseBytes` (`"TooLarge"`,
 * read no further).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>(
  "@effect-clerk/backend/UnexpectedResponse"
)("UnexpectedResponse", {
  operation: Schema.String,
  status: Schema.Number,
  reason: Schema.Literal("UnexpectedStatus", "InvalidJson", "SchemaMismatch", "TooLarge"),
  /** What did not match, for `InvalidJson` and `SchemaMismatch`. */
  description: Schema.optional(Schema.String),
  /** Clerk's error list, when the body of an undocumented status was Clerk-shaped. */
  errors: Schema.Array(ClerkErrorItem),
  clerk_trace_id: Schema.optional(Schema.String),
  /** At most 4 KiB of the raw body, when it was not a Clerk error body. */
  body: Schema.optional(Schema.String),
  /**
   * The `Location` header of a 3xx (not followed).
   *
   * @since 0.1.0
   */
  location: Schema.optional(Schema.String),
  /**
   * How many attempts the call made, retries included.
   *
   * @since 0.1.0
   */
  attempts: Schema.optional(Schema.Number)
}) {
  override get message(): string {
    return describeUnexpected(this)
  }
}

/**
 * Why a request got no complete response:
 *
 * - `ConnectionRefused`: nothing listens at the address (nothing was sent);
 * - `DnsFailure`: the host name did not resolve (nothing was sent);
 * - `ConnectionReset`: the connection closed before the response was complete;
 * - `Timeout`: no complete response within the `timeout` (the connection is closed);
 * - `InvalidRequest`: the HTTP stack refused to send the request (nothing was sent);
 * - `Other`: any other failure of the connection.
 *
 * @since 0.1.0
 * @category models
 */
export const TransportReason = Schema.Literal(
  "ConnectionRefused",
  "DnsFailure",
  "ConnectionReset",
  "Timeout",
  "InvalidRequest",
  "Other"
)

/**
 * @since 0.1.0
 * @category models
 */
export type TransportReason = typeof TransportReason.Type

/**
 * The request did not get a complete response: the connection was refused or reset, the host did
 * not resolve, the attempt timed out, or the request could not be sent (`reason` says which).
 * `cause` is the underlying error (never the request headers).
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>("@effect-clerk/backend/TransportError")(
  "TransportError",
  {
    operation: Schema.String,
    method: Schema.String,
    /** The URL without its query string. */
    url: Schema.String,
    /**
     * What happened, as a value to match on.
     *
     * @since 0.1.0
     */
    reason: TransportReason,
    description: Schema.String,
    cause: Schema.optional(Schema.Defect),
    /**
     * How many attempts the call made, retries included.
     *
     * @since 0.1.0
     */
    attempts: Schema.optional(Schema.Number)
  }
) {
  override get message(): string {
    return `TransportError (${this.reason}) in ${this.operation} (${this.method} ${this.url}): ${this.description}${afterAttempts(this.attempts)}`
  }
}

/**
 * The input breaks the operation's request schema (a missing required field, a wrong type, an
 * unknown body key, an empty path id). Raised before anything is sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>("@effect-clerk/backend/InvalidInput")(
  "InvalidInput",
  {
    operation: Schema.String,
    /** Which part of the request: `body`, `query` or `path`. */
    location: Schema.Literal("body", "query", "path"),
    /** The schema's explanation, as a tree of issues. */
    description: Schema.String
  }
) {
  override get message(): string {
    return `InvalidInput for ${this.operation} (${this.location}): ${this.description}`
  }
}

/**
 * The class of each 4xx status, by status: the runtime fails a call with `statusClasses[status]`
 * when the status is one its operation documents (or 401 and 429, which any call can meet), and the
 * generator names the same classes in each operation's error type. Any 5xx is a `ServerError`.
 *
 * @since 0.2.0
 * @category errors
 */
export const statusClasses = {
  400: BadRequest,
  401: Unauthorized,
  402: PaymentRequired,
  403: Forbidden,
  404: NotFound,
  409: Conflict,
  410: Gone,
  413: PayloadTooLarge,
  422: UnprocessableEntity,
  423: Locked,
  429: TooManyRequests
} as const

/**
 * The statuses of `Always` that have a class in `statusClasses`: any call can meet them (a revoked
 * key, rate limiting), so no operation lists them among its own errors.
 *
 * @since 0.2.0
 * @category errors
 */
export const alwaysStatuses: ReadonlyArray<401 | 429> = [401, 429]

/**
 * The error of a status of `statusClasses`: `ForStatus<404>` is `NotFound`; `never` for any other.
 *
 * @since 0.2.0
 * @category errors
 */
export type ForStatus<Status extends number> = Status extends keyof typeof statusClasses
  ? InstanceType<(typeof statusClasses)[Status]>
  : never

/**
 * The status errors, by status.
 *
 * @since 0.1.0
 * @category errors
 */
export type StatusError =
  | BadRequest
  | Unauthorized
  | PaymentRequired
  | Forbidden
  | NotFound
  | Conflict
  | Gone
  | PayloadTooLarge
  | UnprocessableEntity
  | Locked
  | TooManyRequests
  | ServerError

/**
 * What every operation can fail with, whatever its spec says: a revoked key (401), rate limiting
 * (429), a server failure (5xx), an answer the spec does not describe, a failed connection, and
 * an unreachable pacing store (only with `ClerkRateLimit`'s `onStoreUnavailable: "fail"`).
 *
 * @since 0.1.0
 * @category errors
 */
export type Always =
  Unauthorized | TooManyRequests | ServerError | UnexpectedResponse | TransportError | RateLimitStoreUnavailable

/**
 * Any error of this SDK.
 *
 * @since 0.1.0
 * @category errors
 */
export type ClerkError = StatusError | UnexpectedResponse | TransportError | InvalidInput | RateLimitStoreUnavailable
