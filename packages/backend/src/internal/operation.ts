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
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import type { ClerkClient } from "../ClerkClient.js"
import * as ClerkError from "../ClerkError.js"
import * as Decode from "./decode.js"

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
  /** Checks of path parameters beyond "a non-empty string" (enums, patterns). */
  readonly pathSchema?: Schema.Schema<any, any>
  /** Encodes to an object of `QueryValue`s. */
  readonly query?: Schema.Schema<Query, any>
  /** Array query parameters sent comma-separated (`style: form`, `explode: false`). */
  readonly queryCsv?: ReadonlyArray<string>
  readonly body?: Schema.Schema<Body, any>
  /** Send the body as `multipart/form-data` instead of JSON. */
  readonly multipart?: boolean
  /** The body may be left out (then nothing is sent); otherwise a missing body is `InvalidInput`. */
  readonly optionalBody?: boolean
  /** The 2xx body's schema; `undefined` for operations that answer with no content. */
  readonly success: Schema.Schema<A, any> | undefined
  /** The 2xx body's schema when the query has `paginated: true` (the envelope `{ data, total_count }`). */
  readonly paginated?: Schema.Schema<any, any>
  /** The documented statuses other than 401, 429 and 5xx, each with its class. */
  readonly errors: Errors
}

export interface Input<Path extends string, Query, Body> {
  readonly path?: { readonly [K in Path]: string }
  readonly query?: Query | undefined
  readonly body?: Body | undefined
}

/** What a run can fail with: `InvalidInput` only when the operation takes input. */
export type Failure<E, Path extends string = string, Query = unknown, Body = unknown> =
  E | ClerkError.Always | ([Path, Query, Body] extends [never, never, never] ? never : ClerkError.InvalidInput)

/** A run of one operation: input in, typed success or typed error out. */
export type Run<A, E, Path extends string, Query, Body> = (
  input: Input<Path, Query, Body>
) => Effect.Effect<A, Failure<E, Path, Query, Body>>

const BODY_SNIPPET = 4096

/** Inputs reject keys the spec does not declare. */
const encodeOptions = { errors: "all", onExcessProperty: "error" } as const

/**
 * Prepares one operation for a client: compiles its schemas once, splits its path template once.
 */
export const make = <A, const Errors extends ErrorTable, Path extends string = never, Query = never, Body = never>(
  client: ClerkClient.Service,
  spec: Spec<A, Errors, Path, Query, Body>
): Run<A, ErrorOf<Errors>, Path, Query, Body> => {
  type E = ErrorOf<Errors>
  const pathParts = spec.path.split(/\{([^}]+)\}/)
  const encodeQuery = spec.query ? ParseResult.encodeUnknownEither(spec.query, encodeOptions) : undefined
  const encodePath = spec.pathSchema ? ParseResult.encodeUnknownEither(spec.pathSchema, encodeOptions) : undefined
  const encodeBody = spec.body ? ParseResult.encodeUnknownEither(spec.body, encodeOptions) : undefined
  // Responses keep fields the spec does not declare; a valid body is returned as parsed (decode.ts).
  const decodeSuccess = spec.success ? Decode.decoder(spec.success) : undefined
  const decodePaginated = spec.paginated ? Decode.decoder(spec.paginated) : undefined
  const spanOptions = {
    kind: "client",
    // A stack trace per call costs tens of µs; the span's name and attributes locate the call.
    captureStackTrace: false,
    attributes: { "clerk.operation_id": spec.operationId, "http.request.method": spec.method, "http.route": spec.path }
  } as const

  const invalid = (location: "body" | "query" | "path", description: string) =>
    new ClerkError.InvalidInput({ operation: spec.name, location, description })

  const queryCsv = new Set(spec.queryCsv ?? [])

  const buildRequest = (
    input: Input<Path, Query, Body>
  ): Effect.Effect<HttpClientRequest.HttpClientRequest, ClerkError.InvalidInput> => {
    let url = pathParts[0]!
    for (let i = 1; i < pathParts.length; i += 2) {
      const name = pathParts[i]!
      const value: unknown = (input.path as Record<string, unknown> | undefined)?.[name]
      if (typeof value !== "string" || value.length === 0) {
        return Either.left(invalid("path", `${name} must be a non-empty string`))
      }
      url += encodeURIComponent(value) + pathParts[i + 1]!
    }
    if (encodePath) {
      const checked = encodePath(input.path)
      if (Either.isLeft(checked)) {
        return Either.left(invalid("path", ParseResult.TreeFormatter.formatIssueSync(checked.left)))
      }
    }
    let request = HttpClientRequest.make(spec.method)(url)
    if (encodeQuery && input.query !== undefined) {
      const encoded = encodeQuery(input.query)
      if (Either.isLeft(encoded)) {
        return Either.left(invalid("query", ParseResult.TreeFormatter.formatIssueSync(encoded.left)))
      }
      request = HttpClientRequest.setUrlParams(
        request,
        queryParams(encoded.right as Record<string, QueryValue>, queryCsv)
      )
    }
    if (encodeBody && !(input.body === undefined && spec.optionalBody)) {
      const encoded = encodeBody(input.body)
      if (Either.isLeft(encoded)) {
        return Either.left(invalid("body", ParseResult.TreeFormatter.formatIssueSync(encoded.left)))
      }
      if (spec.multipart) {
        const withBody = request
        return Effect.map(formData(client, spec.name, encoded.right), (form) =>
          HttpClientRequest.bodyUint8Array(withBody, form.bytes, form.contentType)
        )
      }
      request = HttpClientRequest.bodyUnsafeJson(request, encoded.right)
    }
    return Either.right(request)
  }

  const onResponse = (
    response: HttpClientResponse.HttpClientResponse,
    decode: typeof decodeSuccess
  ): Effect.Effect<A, Failure<E>> => {
    const status = response.status
    if (status >= 200 && status < 300) {
      if (decode === undefined) return Effect.void as Effect.Effect<A>
      return Effect.flatMap(readText(spec.name, response), (text) => decodeBody(text, status, decode))
    }
    return Effect.flatMap(readText(spec.name, response), (text) => Effect.fail(statusError(response, text)))
  }

  const decodeBody = (
    text: string,
    status: number,
    decode: NonNullable<typeof decodeSuccess>
  ): Effect.Effect<A, ClerkError.UnexpectedResponse> => {
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
    const decoded = decode(json)
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

  // InvalidInput only arises from a path parameter, a query or a body: an operation without
  // any has none of them, which `Failure` states at the type level.
  return (input) =>
    Effect.suspend(() => {
      return buildRequest(input).pipe(
        Effect.flatMap((request) => client.httpClient.execute(request)),
        Effect.catchTag("RequestError", "ResponseError", (error) => Effect.fail(transportError(spec.name, error))),
        Effect.flatMap((response) =>
          onResponse(
            response,
            decodePaginated && (input.query as { paginated?: unknown } | undefined)?.paginated === true
              ? decodePaginated
              : decodeSuccess
          )
        )
      )
    }).pipe(Effect.withSpan(spec.name, spanOptions)) as Effect.Effect<A, Failure<E, Path, Query, Body>>
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

const queryParams = (
  encoded: { readonly [key: string]: QueryValue },
  csv: ReadonlySet<string>
): Array<[string, string]> => {
  const params: Array<[string, string]> = []
  for (const key of Object.keys(encoded)) {
    const value = encoded[key]
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) {
      if (csv.has(key)) params.push([key, value.map(String).join(",")])
      else for (const item of value) params.push([key, String(item)])
    } else {
      params.push([key, String(value)])
    }
  }
  return params
}

const CONTENT_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml"
}

/**
 * A multipart form from an encoded body: files become Blobs, other values strings (objects JSON).
 * The form is serialized here (by the platform's own `Response`), so every HttpClient sends the same
 * bytes: undici 7 cannot send a `FormData` made by Node 20's built-in fetch.
 */
const formData = (
  client: ClerkClient.Service,
  operation: string,
  body: unknown
): Effect.Effect<{ readonly bytes: Uint8Array; readonly contentType: string }, ClerkError.InvalidInput> =>
  Effect.gen(function* () {
    const form = new FormData()
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (value === undefined || value === null) continue
      if (value instanceof Blob) form.append(key, value, value instanceof File ? value.name : key)
      else if (value instanceof Uint8Array) form.append(key, new Blob([value]), key)
      else if (typeof value === "object" && typeof (value as { path?: unknown }).path === "string") {
        const file = value as { readonly path: string; readonly type?: string | undefined }
        const bytes = yield* readPath(client, operation, file.path)
        const name = file.path.split(/[\\/]/).pop() ?? key
        const type =
          file.type ?? CONTENT_TYPES[name.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream"
        form.append(key, new Blob([bytes], { type }), name)
      } else if (Array.isArray(value)) for (const item of value) form.append(key, String(item))
      else form.append(key, typeof value === "object" ? JSON.stringify(value) : String(value))
    }
    const encoded = new Response(form)
    const bytes = yield* Effect.promise(() => encoded.arrayBuffer())
    return { bytes: new Uint8Array(bytes), contentType: encoded.headers.get("content-type")! }
  })

const readPath = (
  client: ClerkClient.Service,
  operation: string,
  path: string
): Effect.Effect<Uint8Array, ClerkError.InvalidInput> =>
  Option.match(client.fileSystem, {
    onNone: () =>
      Effect.fail(
        new ClerkError.InvalidInput({
          operation,
          location: "body",
          description: `reading ${path} needs a FileSystem in context (the Node layers provide one); pass a Blob or Uint8Array instead`
        })
      ),
    onSome: (fs) =>
      Effect.mapError(
        fs.readFile(path),
        (error) =>
          new ClerkError.InvalidInput({
            operation,
            location: "body",
            description: `cannot read ${path}: ${error.message}`
          })
      )
  })
