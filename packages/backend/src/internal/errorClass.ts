/**
 * The parts the error classes of `ClerkError.ts` are built from: Clerk's error body, the fields
 * every status error carries, the factory of the status classes and how each error's message reads.
 * The public module declares the classes; this one imports nothing of the SDK.
 *
 * @internal
 */
import * as Schema from "effect/Schema"

/**
 * One entry of Clerk's `errors` array (`ClerkError` in the spec).
 */
export interface ClerkErrorItem {
  readonly code: string
  readonly message: string
  readonly long_message?: string | undefined
  readonly meta?: { readonly [key: string]: unknown } | undefined
}

/** The schema of `ClerkErrorItem`. */
export const ClerkErrorItem: Schema.Schema<ClerkErrorItem> = Schema.Struct({
  code: Schema.String,
  message: Schema.String,
  long_message: Schema.optional(Schema.String),
  meta: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})

/**
 * The body Clerk sends with an error status (`ClerkErrors` in the spec).
 */
export interface ClerkErrorBody {
  readonly errors: ReadonlyArray<ClerkErrorItem>
  readonly meta?: { readonly [key: string]: unknown } | undefined
  readonly clerk_trace_id?: string | undefined
}

/** The schema of `ClerkErrorBody`. */
export const ClerkErrorBody: Schema.Schema<ClerkErrorBody> = Schema.Struct({
  errors: Schema.Array(ClerkErrorItem),
  meta: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  clerk_trace_id: Schema.optional(Schema.String)
})

/** The fields of every status error besides its `status`. */
export const statusErrorFields = {
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
export const afterAttempts = (attempts: number | undefined): string =>
  attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : ""

/** What the server answered, as an error's message reads it. */
interface Answer {
  readonly status: number
  readonly errors: ReadonlyArray<ClerkErrorItem>
  readonly clerk_trace_id?: string | undefined
  readonly body?: string | undefined
  readonly attempts?: number | undefined
}

/** A status error as its message reads it. */
export interface Described extends Answer {
  readonly _tag: string
  readonly operation?: string | undefined
}

/** `resource_not_found: the long message` of one Clerk error. */
const itemText = (item: ClerkErrorItem): string => `${item.code}: ${item.long_message ?? item.message}`

const traceText = (self: Answer): string => (self.clerk_trace_id ? ` [clerk_trace_id ${self.clerk_trace_id}]` : "")

/** `NotFound (404) in Users.get: resource_not_found: ... [clerk_trace_id ...] after 2 attempts`. */
export const describe = (self: Described): string => {
  const first = self.errors[0]
  const detail = first
    ? itemText(first) + (self.errors.length > 1 ? ` (+${self.errors.length - 1} more)` : "")
    : self.body !== undefined
      ? `non-Clerk body: ${self.body.slice(0, 200)}`
      : "no error details"
  const where = self.operation ? ` in ${self.operation}` : ""
  return `${self._tag} (${self.status})${where}: ${detail}${traceText(self)}${afterAttempts(self.attempts)}`
}

/** An `UnexpectedResponse` as its message reads it. */
export interface Unexpected extends Answer {
  readonly operation: string
  readonly reason: string
  readonly description?: string | undefined
  readonly location?: string | undefined
}

export const describeUnexpected = (self: Unexpected): string => {
  const first = self.errors[0]
  const detail = self.description ?? (first ? itemText(first) : (self.body?.slice(0, 200) ?? ""))
  const location = self.location !== undefined ? ` (redirect to ${self.location}, not followed)` : ""
  return `UnexpectedResponse (${self.reason}, status ${self.status}) from ${self.operation}: ${detail}${location}${traceText(self)}${afterAttempts(self.attempts)}`
}

/**
 * The fields of the status error of `Status`.
 */
export type StatusFields<Status extends number> = {
  readonly status: Schema.Literal<[Status]>
} & typeof statusErrorFields

/**
 * Builds the base class of one status error. Each status gets its own class (and `_tag`) so that
 * `catchTag` and exhaustive `catchTags` work, while the fields and the message are written once.
 */
export const StatusErrorBase =
  <Self>() =>
  <const Tag extends string, const Status extends number>(
    tag: Tag,
    status: Status
  ): Schema.TaggedErrorClass<Self, Tag, { readonly _tag: Schema.tag<Tag> } & StatusFields<Status>> => {
    // `Self` is still a type parameter here, which `Schema.TaggedError`'s "missing Self" guard cannot
    // resolve; the cast restores the exact class type the concrete subclass supplies.
    const Base: new (...args: Array<any>) => Described & globalThis.Error = Schema.TaggedError<any>(
      `@effect-clerk/backend/${tag}`
    )(tag, {
      status: Schema.Literal(status),
      ...statusErrorFields
    })
    return class extends Base {
      override get message(): string {
        return describe(this)
      }
    } as any
  }
