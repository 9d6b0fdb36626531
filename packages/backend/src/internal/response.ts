/**
 * A response as the call's outcome: a 2xx body read within `maxResponseBytes` and decoded by the
 * operation's schema (decode.ts), any other status read within 64 KiB and turned into its typed
 * error: the class of a status the operation documents (`ClerkError.statusClasses`), else
 * `Unauthorized`, `TooManyRequests`, `ServerError` or `UnexpectedResponse`.
 *
 * @internal
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import type * as Tracer from "effect/Tracer"
import * as ClerkError from "../ClerkError.js"
import * as Body from "./body.js"
import { parseRetryAfter } from "./retry.js"

const BODY_SNIPPET = 4096
/** Error bodies, and the bodies of operations without content, are read up to this, then dropped. */
const ERROR_BODY_CAP = 64 * 1024

export type Decoder = (input: unknown) => Either.Either<any, ParseResult.ParseIssue>

/** What reading the responses of an operation needs, compiled once per operation. */
export interface ResponsePlan {
  readonly name: string
  /** The error statuses the operation documents besides 401, 429 and 5xx (`ClerkError.statusClasses`). */
  readonly errors: ReadonlyArray<number>
  /** The 2xx body's decoder; none for an operation without content. */
  readonly decodeSuccess: Decoder | undefined
  /** The 2xx body's decoder under `paginated: true` (the envelope `{ data, total_count }`). */
  readonly decodePaginated: Decoder | undefined
}

/** What reading one response needs of its call. */
export interface Reading {
  readonly decode: Decoder | undefined
  readonly settings: { readonly maxResponseBytes: number }
  readonly span: Tracer.Span
}

/** The decoder of a call's 2xx body: the envelope's when its query asks for `paginated: true`. */
export const decoderFor = (plan: ResponsePlan, query: unknown): Decoder | undefined =>
  plan.decodePaginated && (query as { paginated?: unknown } | undefined)?.paginated === true
    ? plan.decodePaginated
    : plan.decodeSuccess

/** The outcome of one attempt that got a response. */
export const read = (
  plan: ResponsePlan,
  response: HttpClientResponse.HttpClientResponse,
  { decode, settings, span }: Reading,
  attempt: number
): Effect.Effect<unknown, ClerkError.ClerkError> => {
  const status = response.status
  const maxResponseBytes = settings.maxResponseBytes
  span.attribute("http.response.status_code", status)
  if (status >= 200 && status < 300) {
    // No content documented (or HTML, for getPublicInterstitial): read a little and drop it, so
    // the connection goes back to the pool; a failure to read it does not undo the status.
    if (decode === undefined) return Effect.ignore(Body.readCapped(plan.name, response, ERROR_BODY_CAP, attempt))
    return Effect.flatMap(Body.readCapped(plan.name, response, maxResponseBytes, attempt), (body) =>
      body.complete
        ? decodeBody(plan.name, body.text, status, decode, attempt)
        : Effect.fail(
            new ClerkError.UnexpectedResponse({
              operation: plan.name,
              status,
              reason: "TooLarge",
              description: `the body is larger than maxResponseBytes (${maxResponseBytes} bytes); it was read no further`,
              errors: [],
              attempts: attempt
            })
          )
    )
  }
  return Effect.flatMap(Body.readCapped(plan.name, response, ERROR_BODY_CAP, attempt), (body) =>
    Effect.fail(statusError(plan, response, body.text, attempt))
  )
}

const decodeBody = (
  operation: string,
  text: string,
  status: number,
  decode: Decoder,
  attempts: number
): Effect.Effect<unknown, ClerkError.UnexpectedResponse> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    return Effect.fail(
      new ClerkError.UnexpectedResponse({
        operation,
        status,
        reason: "InvalidJson",
        description: `the body is not JSON (${String((cause as Error).message ?? cause)})`,
        errors: [],
        attempts,
        body: text.slice(0, BODY_SNIPPET)
      })
    )
  }
  const decoded = decode(json)
  return Either.isRight(decoded)
    ? Effect.succeed(decoded.right)
    : Effect.fail(
        new ClerkError.UnexpectedResponse({
          operation,
          status,
          reason: "SchemaMismatch",
          description: ParseResult.TreeFormatter.formatIssueSync(decoded.left),
          errors: [],
          attempts,
          body: text.slice(0, BODY_SNIPPET)
        })
      )
}

/** The typed error of a status other than 2xx. */
const statusError = (
  plan: ResponsePlan,
  response: HttpClientResponse.HttpClientResponse,
  text: string,
  attempts: number
): ClerkError.ClerkError => {
  const status = response.status
  const clerk = parseClerkErrors(text)
  const details = {
    operation: plan.name,
    attempts,
    ...(clerk
      ? { errors: clerk.errors, clerk_trace_id: clerk.clerk_trace_id }
      : { errors: [], body: text.slice(0, BODY_SNIPPET) })
  }
  // the one place a status meets the operation's documented errors
  if (plan.errors.includes(status)) {
    const Documented = ClerkError.statusClasses[status as keyof typeof ClerkError.statusClasses]
    // (`as never`: the class is the one of this very status, whose `status` field is its literal)
    return new Documented({ status, ...details } as never, true)
  }
  if (status === 401) return new ClerkError.Unauthorized({ status, ...details }, true)
  if (status === 429) {
    return new ClerkError.TooManyRequests(
      { status, ...details, retryAfter: parseRetryAfter(response.headers["retry-after"]) },
      true
    )
  }
  if (status >= 500 && status < 600) return new ClerkError.ServerError({ status, ...details }, true)
  const location = status >= 300 && status < 400 ? response.headers["location"] : undefined
  return new ClerkError.UnexpectedResponse({
    status,
    reason: "UnexpectedStatus",
    ...details,
    ...(location !== undefined ? { location } : {})
  })
}

const decodeClerkErrors = ParseResult.decodeUnknownOption(ClerkError.ClerkErrorBody)

const parseClerkErrors = (text: string): ClerkError.ClerkErrorBody | undefined => {
  if (text.length === 0) return undefined
  try {
    const decoded = decodeClerkErrors(JSON.parse(text))
    return decoded._tag === "Some" ? decoded.value : undefined
  } catch {
    return undefined
  }
}
