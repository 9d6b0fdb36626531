/**
 * The building block of the emulator: a resource is a named list of routes.
 *
 * Adding an emulated resource means writing one module under `src/resources/` that exports a
 * {@link Resource} (plus its own {@link Store.Table} keys and test helpers) and registering it in
 * `src/resources/all.ts`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as ApiError from "./ApiError.js"
import type { SigningKey } from "./internal/keys.js"
import type * as Store from "./Store.js"

/**
 * What every route handler may use from its emulator instance.
 *
 * @since 0.1.0
 * @category models
 */
export interface EmulatorContext {
  /** The in-memory state. */
  readonly store: Store.Store
  /** The clock, in milliseconds since the epoch. */
  readonly now: () => number
  /** Makes a Clerk-looking id: `prefix` followed by 27 base62 characters (e.g. `user_…`). */
  readonly generateId: (prefix: string) => string
  /** Makes an opaque secret token (e.g. an actor token's `token`). */
  readonly generateToken: () => string
  /** Base URL of the emulated Frontend API, used for links such as an actor token's `url`. */
  readonly frontendApiUrl: string
  /** The instance's RS256 signing key (made on first use). */
  readonly signingKey: () => SigningKey
}

/**
 * The HTTP methods a route can answer.
 *
 * @since 0.1.0
 * @category models
 */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/**
 * Everything a route handler receives for one request.
 *
 * @since 0.1.0
 * @category models
 */
export interface RouteContext {
  readonly emulator: EmulatorContext
  readonly request: Request
  readonly url: URL
  /** Decoded path parameters (`:user_id` in the route path becomes `params.user_id`). */
  readonly params: Readonly<Record<string, string>>
  /** The parsed JSON body, or `undefined` when the request has no body. */
  readonly body: unknown
}

/**
 * One emulated operation. `path` is relative to `/v1`, with `:name` parameters
 * (e.g. `/users/:user_id`). The handler's success value is sent as a 200 JSON body.
 *
 * @since 0.1.0
 * @category models
 */
export interface Route {
  readonly method: Method
  readonly path: string
  readonly handler: (context: RouteContext) => Effect.Effect<unknown, ApiError.ApiError>
}

/**
 * A named group of routes (one Clerk resource, e.g. Users or Actor Tokens).
 *
 * @since 0.1.0
 * @category models
 */
export interface Resource {
  readonly name: string
  readonly routes: ReadonlyArray<Route>
}

/**
 * Declares a route.
 *
 * @since 0.1.0
 * @category constructors
 */
export const route = (method: Method, path: string, handler: Route["handler"]): Route => ({ method, path, handler })

/**
 * Declares a resource.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (name: string, routes: ReadonlyArray<Route>): Resource => ({ name, routes })

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const paramName = (path: ReadonlyArray<PropertyKey>): string => path.map(String).join(".")

/**
 * Maps a Schema parse error to Clerk's 422 error items: a missing key is `form_param_missing`, a key
 * the schema does not declare is `form_param_unknown`, anything else is `form_param_format_invalid`.
 * Each item carries `meta.param_name` (nested keys are joined with `.`).
 *
 * @since 0.1.0
 * @category validation
 */
export const fromParseError = (error: ParseResult.ParseError): ApiError.ApiError => {
  const seen = new Set<string>()
  const items: Array<ApiError.ClerkErrorItem> = []
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const name = paramName(issue.path) || "body"
    const item =
      issue._tag === "Missing"
        ? ApiError.paramMissingItem(name)
        : issue._tag === "Unexpected"
          ? ApiError.paramUnknownItem(name)
          : ApiError.paramFormatInvalidItem(name)
    const key = `${item.code}:${name}`
    if (!seen.has(key)) {
      seen.add(key)
      items.push(item)
    }
  }
  return ApiError.unprocessable(...items)
}

/**
 * Decodes the JSON body with `schema`, rejecting keys the schema does not declare. A missing body is
 * decoded as `{}`; a body that is not a JSON object is a 400 `malformed_request_body`.
 *
 * @since 0.1.0
 * @category validation
 */
export const decodeBody =
  <A, I>(schema: Schema.Schema<A, I, never>) =>
  (context: RouteContext): Effect.Effect<A, ApiError.ApiError> => {
    const body = context.body === undefined ? {} : context.body
    if (!isPlainObject(body)) {
      return Effect.fail(ApiError.malformedBody("The request body must be a JSON object."))
    }
    return Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "error" })(body).pipe(
      Effect.mapError(fromParseError)
    )
  }

/**
 * Reads an integer query-string parameter within `[min, max]`, with a default when absent.
 * Anything else is a 422 `form_param_format_invalid`.
 *
 * @since 0.1.0
 * @category validation
 */
export const queryInteger = (
  context: RouteContext,
  name: string,
  options: { readonly default: number; readonly min: number; readonly max?: number }
): Effect.Effect<number, ApiError.ApiError> => {
  const raw = context.url.searchParams.get(name)
  if (raw === null || raw === "") return Effect.succeed(options.default)
  const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN
  const max = options.max ?? Number.MAX_SAFE_INTEGER
  if (!Number.isSafeInteger(value) || value < options.min || value > max) {
    const range = options.max === undefined ? `>= ${options.min}` : `between ${options.min} and ${options.max}`
    return Effect.fail(ApiError.paramFormatInvalid(name, `${name} must be an integer ${range}.`))
  }
  return Effect.succeed(value)
}
