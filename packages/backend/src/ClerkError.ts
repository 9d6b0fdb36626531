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
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * One entry of Clerk's `errors` array (`ClerkError` in the spec).
 *
 * @since 0.1.0
 * @category schemas
 */
export interface ClerkErrorItem {
  readonly code: string
  readonly message: string
  readonly long_message?: string | undefined
  readonly meta?: { readonly [key: string]: unknown } | undefined
}

/**
 * @since 0.1.0
 * @category schemas
 */
export const ClerkErrorItem: Schema.Schema<ClerkErrorItem> = Schema.Struct({
  code: Schema.String,
  message: Schema.String,
  long_message: Schema.optional(Schema.String),
  meta: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})

/**
 * The body Clerk sends with an error status (`ClerkErrors` in the spec).
 *
 * @since 0.1.0
 * @category schemas
 */
export interface ClerkErrorBody {
  readonly errors: ReadonlyArray<ClerkErrorItem>
  readonly meta?: { readonly [key: string]: unknown } | undefined
  readonly clerk_trace_id?: string | undefined
}

/**
 * @since 0.1.0
 * @category schemas
 */
export const ClerkErrorBody: Schema.Schema<ClerkErrorBody> = Schema.Struct({
  errors: Schema.Array(ClerkErrorItem),
  meta: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  clerk_trace_id: Schema.optional(Schema.String)
})

const statusErrorFields = {
  /** Clerk's error list; empty when the body was not Clerk-shaped (then see `body`). */
  errors: Schema.Array(ClerkErrorItem),
  /** Clerk's trace id for the failed request, worth quoting to Clerk support. */
  clerk_trace_id: Schema.optional(Schema.String),
  /** The raw body (at most 4 KiB of it), kept only when it was not a Clerk error body. */
  body: Schema.optional(Schema.String),
  /**
   * The operation (`Users.get`) that met this status; set by the SDK.
   *
   * @since 0.1.0
   */
  operation: Schema.optional(Schema.String),
  /**
   * How many attempts the call made, retries included; set by the SDK.
   *
   * @since 0.1.0
   */
  attempts: Schema.optional(Schema.Number)
}

/** ` after 3 attempts`, or nothing for a single attempt. */
const afterAttempts = (attempts: number | undefined): string =>
  attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : ""

const describe = (self: {
  readonly _tag: string
  readonly status: number
  readonly errors: ReadonlyArray<ClerkErrorItem>
  readonly clerk_trace_id?: string | undefined
  readonly body?: string | undefined
  readonly operation?: string | undefined
  readonly attempts?: number | undefined
}): string => {
  const first = self.errors[0]
  const detail = first
    ? `${first.code}: ${first.long_message ?? first.message}` +
      (self.errors.length > 1 ? ` (+${self.errors.length - 1} more)` : "")
    : self.body !== undefined
      ? `non-Clerk body: ${self.body.slice(0, 200)}`
      : "no error details"
  const trace = self.clerk_trace_id ? ` [clerk_trace_id ${self.clerk_trace_id}]` : ""
  const where = self.operation ? ` in ${self.operation}` : ""
  return `${self._tag} (${self.status})${where}: ${detail}${trace}${afterAttempts(self.attempts)}`
}

/**
 * Builds the base class of one status error. Each status gets its own class (and `_tag`) so that
 * `catchTag` and exhaustive `catchTags` work, while the fields and the message are written once.
 */
type StatusFields<Status extends number> = {
  readonly status: Schema.Literal<[Status]>
} & typeof statusErrorFields

const StatusError =
  <Self>() =>
  <const Tag extends string, const Status extends number>(
    tag: Tag,
    status: Status
  ): Schema.TaggedErrorClass<Self, Tag, { readonly _tag: Schema.tag<Tag> } & StatusFields<Status>> => {
    // `Self` is still a type parameter here, which `Schema.TaggedError`'s "missing Self" guard cannot
    // resolve; the cast restores the exact class type the concrete subclass supplies.
    const Base: new (...args: Array<any>) => Parameters<typeof describe>[0] & globalThis.Error =
      Schema.TaggedError<any>(`@effect-clerk/backend/${tag}`)(tag, {
        status: Schema.Literal(status),
        ...statusErrorFields
      })
    return class extends Base {
      override get message(): string {
        return describe(this)
      }
    } as any
  }

/**
 * 400: the request was not successful (`ClerkErrors`).
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends StatusError<BadRequest>()("BadRequest", 400) {}

/**
 * 401: the secret key is missing, malformed or revoked. Any call can meet it.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends StatusError<Unauthorized>()("Unauthorized", 401) {}

/**
 * 402: the feature needs a paid plan.
 *
 * @since 0.1.0
 * @category errors
 */
export class PaymentRequired extends StatusError<PaymentRequired>()("PaymentRequired", 402) {}

/**
 * 403: the key may not do this.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends StatusError<Forbidden>()("Forbidden", 403) {}

/**
 * 404: the resource does not exist.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends StatusError<NotFound>()("NotFound", 404) {}

/**
 * 409: the request conflicts with the resource's state.
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends StatusError<Conflict>()("Conflict", 409) {}

/**
 * 410: the resource is gone.
 *
 * @since 0.1.0
 * @category errors
 */
export class Gone extends StatusError<Gone>()("Gone", 410) {}

/**
 * 413: the payload is too large.
 *
 * @since 0.1.0
 * @category errors
 */
export class PayloadTooLarge extends StatusError<PayloadTooLarge>()("PayloadTooLarge", 413) {}

/**
 * 422: invalid request parameters, as judged by the server.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnprocessableEntity extends StatusError<UnprocessableEntity>()("UnprocessableEntity", 422) {}

/**
 * 423: the resource (for example a user) is locked.
 *
 * @since 0.1.0
 * @category errors
 */
export class Locked extends StatusError<Locked>()("Locked", 423) {}

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
    const first = this.errors[0]
    const detail =
      this.description ??
      (first ? `${first.code}: ${first.long_message ?? first.message}` : (this.body?.slice(0, 200) ?? ""))
    const trace = this.clerk_trace_id ? ` [clerk_trace_id ${this.clerk_trace_id}]` : ""
    const location = this.location !== undefined ? ` (redirect to ${this.location}, not followed)` : ""
    return `UnexpectedResponse (${this.reason}, status ${this.status}) from ${this.operation}: ${detail}${location}${trace}${afterAttempts(this.attempts)}`
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
 * (429), a server failure (5xx), an answer the spec does not describe, and a failed connection.
 *
 * @since 0.1.0
 * @category errors
 */
export type Always = Unauthorized | TooManyRequests | ServerError | UnexpectedResponse | TransportError

/**
 * Any error of this SDK.
 *
 * @since 0.1.0
 * @category errors
 */
export type ClerkError = StatusError | UnexpectedResponse | TransportError | InvalidInput
