/**
 * The runtime every generated operation calls: validate and encode the input, build the request,
 * send it through the configured client, and turn every possible answer into a typed value or a
 * typed error. Generated modules hold only data (path, schemas, documented statuses); the
 * behaviour lives here, once.
 *
 * @internal
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as HttpMethod from "@effect/platform/HttpMethod"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import type { ClerkClient } from "../ClerkClient.js"
import * as ClerkError from "../ClerkError.js"

/** The classes an operation documents besides the ones every call can meet (401, 429, 5xx). */
export type DocumentedError =
  | ClerkError.BadRequest
  | ClerkError.PaymentRequired
  | ClerkError.Forbidden
  | ClerkError.NotFound
  | ClerkError.Conflict
  | ClerkError.Gone
  | ClerkError.PayloadTooLarge
  | ClerkError.UnprocessableEntity
  | ClerkError.Locked

type StatusErrorClass<E> = new (
  props: {
    readonly status: any
    readonly errors: ReadonlyArray<ClerkError.ClerkErrorItem>
    readonly clerk_trace_id?: string | undefined
    readonly body?: string | undefined
  },
  disableValidation?: boolean
) => E

/** A query value as it goes on the URL; arrays repeat the key (`style: form`, `explode: true`). */
export type QueryValue = string | number | boolean | ReadonlyArray<string | number | boolean> | null | undefined

export type ErrorTable = { readonly [status: number]: StatusErrorClass<DocumentedError> }

/** The documented error classes of a table, as a union of instances. */
export type ErrorOf<Errors extends ErrorTable> = {
  [K in keyof Errors]: Errors[K] extends StatusErrorClass<infer E> ? E : never
}[keyof Errors]

export interface Spec<A, Errors extends ErrorTable, Path extends string, Query, Body> {
  /** `Service.method`: the span name and the `operation` of errors. */
  readonly name: string
  readonly operationId: string
  readonly method: HttpMethod.HttpMethod
  /** The spec's path template, e.g. `/actor_tokens/{actor_token_id}/revoke`. */
  readonly path: string
  readonly pathParams?: ReadonlyArray<Path>
  /** Encodes to an object of `QueryValue`s. */
  readonly query?: Schema.Schema<Query, any>
  readonly body?: Schema.Schema<Body, any>
  /** The 2xx body's schema; `undefined` for operations that answer with no content. */
  readonly success: Schema.Schema<A, any> | undefined
  /** The documented statuses other than 401, 429 and 5xx, each with its class. */
  readonly errors: Errors
}

export interface Input<Path extends string, Query, Body> {
  readonly path?: { readonly [K in Path]: string }
  readonly query?: Query | undefined
  readonly body?: Body
}

export type Failure<E> = E | ClerkError.Always | ClerkError.InvalidInput

/** A run of one operation: input in, typed success or typed error out. */
export type Run<A, E, Path extends string, Query, Body> = (
  input: Input<Path, Query, Body>
) => Effect.Effect<A, Failure<E>>

const BODY_SNIPPET = 4096

const parseOptions = { errors: "all", onExcessProperty: "preserve" } as const

/**
 * Prepares one operation for a client: compiles its schemas once, splits its path template once.
 */
export const make = <A, const Errors extends ErrorTable, Path extends string = never, Query = never, Body = never>(
  client: ClerkClient.Service,
  spec: Spec<A, Errors, Path, Query, Body>
): Run<A, ErrorOf<Errors>, Path, Query, Body> => {
  type E = ErrorOf<Errors>
  const pathParts = spec.path.split(/\{([^}]+)\}/)
  const encodeQuery = spec.query
    ? ParseResult.encodeUnknownEither(spec.query, { errors: "all", onExcessProperty: "error" })
    : undefined
  const encodeBody = spec.body
    ? ParseResult.encodeUnknownEither(spec.body, { errors: "all", onExcessProperty: "error" })
    : undefined
  const decodeSuccess = spec.success ? ParseResult.decodeUnknownEither(spec.success, parseOptions) : undefined
  const spanOptions = {
    kind: "client",
    attributes: { "clerk.operation_id": spec.operationId, "http.request.method": spec.method, "http.route": spec.path }
  } as const

  const invalid = (location: "body" | "query" | "path", description: string) =>
    new ClerkError.InvalidInput({ operation: spec.name, location, description })

  const buildRequest = (
    input: Input<Path, Query, Body>
  ): Either.Either<HttpClientRequest.HttpClientRequest, ClerkError.InvalidInput> => {
    let url = pathParts[0]!
    for (let i = 1; i < pathParts.length; i += 2) {
      const name = pathParts[i]!
      const value: unknown = (input.path as Record<string, unknown> | undefined)?.[name]
      if (typeof value !== "string" || value.length === 0) {
        return Either.left(invalid("path", `${name} must be a non-empty string`))
      }
      url += encodeURIComponent(value) + pathParts[i + 1]!
    }
    let request = HttpClientRequest.make(spec.method)(url)
    if (encodeQuery && input.query !== undefined) {
      const encoded = encodeQuery(input.query)
      if (Either.isLeft(encoded)) {
        return Either.left(invalid("query", ParseResult.TreeFormatter.formatIssueSync(encoded.left)))
      }
      request = HttpClientRequest.setUrlParams(request, queryParams(encoded.right as Record<string, QueryValue>))
    }
    if (encodeBody) {
      const encoded = encodeBody(input.body)
      if (Either.isLeft(encoded)) {
        return Either.left(invalid("body", ParseResult.TreeFormatter.formatIssueSync(encoded.left)))
      }
      request = HttpClientRequest.bodyUnsafeJson(request, encoded.right)
    }
    return Either.right(request)
  }

  const onResponse = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<A, Failure<E>> => {
    const status = response.status
    if (status >= 200 && status < 300) {
      if (decodeSuccess === undefined) return Effect.void as Effect.Effect<A>
      return Effect.flatMap(readText(spec.name, response), (text) => decodeBody(text, status))
    }
    return Effect.flatMap(readText(spec.name, response), (text) => Effect.fail(statusError(response, text)))
  }

  const decodeBody = (text: string, status: number): Effect.Effect<A, ClerkError.UnexpectedResponse> => {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (cause) {
      return Effect.fail(
        new ClerkError.UnexpectedResponse({
          operation: spec.name,
          status,
          reason: "InvalidJson",
          description: `the body is not JSON (${String((cause as Error).message ?? cause)})`,
          errors: [],
          body: text.slice(0, BODY_SNIPPET)
        })
      )
    }
    const decoded = decodeSuccess!(json)
    return Either.isRight(decoded)
      ? Effect.succeed(decoded.right)
      : Effect.fail(
          new ClerkError.UnexpectedResponse({
            operation: spec.name,
            status,
            reason: "SchemaMismatch",
            description: ParseResult.TreeFormatter.formatIssueSync(decoded.left),
            errors: [],
            body: text.slice(0, BODY_SNIPPET)
          })
        )
  }

  const statusError = (response: HttpClientResponse.HttpClientResponse, text: string): Failure<E> => {
    const status = response.status
    const clerk = parseClerkErrors(text)
    const details = clerk
      ? { errors: clerk.errors, clerk_trace_id: clerk.clerk_trace_id }
      : { errors: [], body: text.slice(0, BODY_SNIPPET) }
    const Documented = spec.errors[status]
    if (Documented) return new Documented({ status, ...details }, true) as E
    if (status === 401) return new ClerkError.Unauthorized({ status, ...details }, true)
    if (status === 429) {
      return new ClerkError.TooManyRequests(
        { status, ...details, retryAfter: parseRetryAfter(response.headers["retry-after"]) },
        true
      )
    }
    if (status >= 500 && status < 600) return new ClerkError.ServerError({ status, ...details }, true)
    return new ClerkError.UnexpectedResponse({ operation: spec.name, status, reason: "UnexpectedStatus", ...details })
  }

  return (input) =>
    Effect.suspend(() => {
      const request = buildRequest(input)
      if (Either.isLeft(request)) return Effect.fail(request.left)
      return client.httpClient.execute(request.right).pipe(
        Effect.catchAll((error) => Effect.fail(transportError(spec.name, error))),
        Effect.flatMap(onResponse)
      )
    }).pipe(Effect.withSpan(spec.name, spanOptions))
}

const readText = (
  operation: string,
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<string, ClerkError.TransportError> =>
  Effect.catchAll(response.text, (error) => Effect.fail(transportError(operation, error)))

const transportError = (operation: string, error: HttpClientError.HttpClientError): ClerkError.TransportError =>
  new ClerkError.TransportError({
    operation,
    method: error.request.method,
    url: error.request.url,
    description:
      error._tag === "RequestError"
        ? `${error.reason}${error.description ? `: ${error.description}` : ""}`
        : `reading the response body failed (${error.reason})`,
    cause: error.cause
  })

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

/** `Retry-After` is either delta-seconds or an HTTP-date; both become seconds from now. */
export const parseRetryAfter = (value: string | undefined, now: number = Date.now()): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000))
}

const queryParams = (encoded: { readonly [key: string]: QueryValue }): Array<[string, string]> => {
  const params: Array<[string, string]> = []
  for (const key of Object.keys(encoded)) {
    const value = encoded[key]
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) {
      for (const item of value) params.push([key, String(item)])
    } else {
      params.push([key, String(value)])
    }
  }
  return params
}
