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
import type * as SchemaAST from "effect/SchemaAST"
import * as ApiError from "./ApiError.js"
import type { SigningKey } from "./internal/keys.js"
import type { OperationSpec } from "./OperationSpec.js"
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
  /** Records a webhook event (`user.created`, ...) for what just changed; delivered by the emulator. */
  readonly emit: (type: string, data: unknown) => void
}

/**
 * Everything an operation handler receives for one request. `body` and `query` are already
 * validated with the backend's generated request schemas (decoded values).
 *
 * @since 0.1.0
 * @category models
 */
export interface RouteContext<Body = unknown, Query = unknown> {
  readonly emulator: EmulatorContext
  readonly request: Request
  readonly url: URL
  /** The operation matched (from the generated table). */
  readonly operation: OperationSpec
  /** Decoded path parameters, by the spec's names (`{user_id}` becomes `params.user_id`). */
  readonly params: Readonly<Record<string, string>>
  /** The decoded body, or `undefined` when the operation has none (or it was omitted and optional). */
  readonly body: Body
  /** The decoded query (`{}` when the operation has no query parameters). */
  readonly query: Query
}

/**
 * The emulation of one operation, named as in docs/operations.md (`Users.updateMetadata`). The
 * handler's success value is sent as a 200 JSON body.
 *
 * @since 0.1.0
 * @category models
 */
export interface Route {
  readonly operation: string
  readonly handler: (context: RouteContext<any, any>) => Effect.Effect<unknown, ApiError.ApiError>
}

/**
 * A named group of emulated operations (one Clerk resource, e.g. Users or Actor Tokens).
 *
 * @since 0.1.0
 * @category models
 */
export interface Resource {
  readonly name: string
  readonly routes: ReadonlyArray<Route>
}

/**
 * Emulates one operation of the generated table. `Body` and `Query` are the backend's generated
 * types for it (`Users.CreateBody`, `Users.ListParams`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const operation = <Body = unknown, Query = unknown>(
  name: string,
  handler: (context: RouteContext<Body, Query>) => Effect.Effect<unknown, ApiError.ApiError>
): Route => ({ operation: name, handler })

/**
 * Declares a resource.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (name: string, routes: ReadonlyArray<Route>): Resource => ({ name, routes })

// bulk operations (`Invitations.bulkCreate`) take a JSON array
const acceptsArray = (ast: SchemaAST.AST): boolean =>
  ast._tag === "TupleType" ||
  ((ast._tag === "Refinement" || ast._tag === "Transformation") && acceptsArray(ast.from)) ||
  (ast._tag === "Suspend" && acceptsArray(ast.f()))

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
 * Validates a JSON body with `schema`, rejecting keys the schema does not declare. A body that is
 * not a JSON object is a 400 `malformed_request_body`; a body that breaks the schema is a 422 with
 * one item per problem (see {@link fromParseError}).
 *
 * @since 0.1.0
 * @category validation
 */
export const validateBody = <A, I>(
  schema: Schema.Schema<A, I, never>,
  body: unknown
): Effect.Effect<A, ApiError.ApiError> => {
  if (!isPlainObject(body) && !(Array.isArray(body) && acceptsArray(schema.ast))) {
    return Effect.fail(ApiError.malformedBody("The request body must be a JSON object."))
  }
  return Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "error" })(body).pipe(
    Effect.mapError(fromParseError)
  )
}

/**
 * Validates already-shaped query values with `schema` (unknown keys were dropped before).
 *
 * @since 0.1.0
 * @category validation
 */
export const validateQuery = <A, I>(
  schema: Schema.Schema<A, I, never>,
  query: unknown
): Effect.Effect<A, ApiError.ApiError> =>
  Schema.decodeUnknown(schema, { errors: "all" })(query).pipe(Effect.mapError(fromParseError))

/**
 * Runs a synchronous emulator effect for a test helper (`Resources.Users.seed`, ...): its value, or
 * the {@link ApiError.ApiError} itself thrown (not wrapped in a FiberFailure), so that a test can
 * match its `status` and `errors`.
 *
 * @since 0.1.0
 * @category testing
 */
export const runOrThrow = <A>(effect: Effect.Effect<A, ApiError.ApiError>): A => {
  const exit = Effect.runSyncExit(effect)
  if (exit._tag === "Success") return exit.value
  if (exit.cause._tag === "Fail") throw exit.cause.error
  throw ApiError.internal()
}
