/**
 * The operations of the Backend API as data. Each generated group exports its table as
 * `operations` (`Users.operations.get`): name, method, path template, the generated schemas, the
 * documented error statuses (as numbers), the success status and, for a list that pages, its
 * largest page. The group's `make` runs its entries (`Operation.make(client, operations.get)`) and
 * its `…Stream` functions read their page size from them; a server (the emulator) can route by the
 * same entries, typed by them.
 *
 * An entry is plain data: strings, numbers, flags, and the schemas the SDK encodes and decodes
 * with. Each table is declared `as const`, so an entry's type keeps its literal path parameters,
 * statuses and schemas, which the types below read.
 *
 * @example
 * ```ts
 * import type { ClerkOperation } from "@effect-clerk/backend"
 * import { Users } from "@effect-clerk/backend"
 *
 * // A route typed by its operation: the handler gets the path, query and body the SDK sends,
 * // and must answer what the SDK decodes.
 * const route = <O extends ClerkOperation.Any>(
 *   operation: O,
 *   handler: (input: ClerkOperation.Input<O>) => ClerkOperation.Success<O>
 * ) => ({ method: operation.method, path: operation.path, handler })
 *
 * const getUser = route(Users.operations.get, ({ path }) => ({
 *   ...someUser,
 *   id: path.user_id
 * }))
 * assert.strictEqual(getUser.path, "/users/{user_id}")
 *
 * declare const someUser: Users.User
 * ```
 *
 * @since 0.2.0
 */
import type * as Schema from "effect/Schema"
import type * as ClerkError from "./ClerkError.js"

/**
 * The HTTP methods of the Backend API.
 *
 * @since 0.2.0
 * @category models
 */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/**
 * One operation as data.
 *
 * - `Success`: what a 2xx body decodes to;
 * - `Status`: the error statuses the operation documents (besides 401, 429 and 5xx, which any call
 *   can meet), each a class of `ClerkError.statusClasses`;
 * - `PathParam`: the names of the path parameters;
 * - `Query`, `Body`: the request's query and body (`never` when it has none);
 * - `Page`: the answer to `paginated: true`, for the lists that take it.
 *
 * @since 0.2.0
 * @category models
 */
export interface ClerkOperation<
  Success = unknown,
  Status extends number = number,
  PathParam extends string = string,
  Query = unknown,
  Body = unknown,
  Page = unknown
> {
  /** `Service.method` (`Users.get`): the name of the span and the `operation` of errors. */
  readonly name: string
  /** The spec's `operationId` (`GetUser`). */
  readonly operationId: string
  readonly method: Method
  /** The spec's path template, relative to the base URL: `/users/{user_id}`. */
  readonly path: string
  /** The template's parameters, in order (`["user_id"]`); each is a non-empty string. */
  readonly pathParams: ReadonlyArray<PathParam>
  /** Checks of path parameters beyond "a non-empty string" (enums, patterns). */
  readonly pathSchema?: Schema.Schema<any, any>
  /** The query: a struct that encodes to strings, numbers, booleans and arrays of them. */
  readonly query?: Schema.Schema<Query, any>
  /** Array query parameters sent comma-separated (`style: form`, `explode: false`); others repeat. */
  readonly queryCsv?: ReadonlyArray<string>
  readonly body?: Schema.Schema<Body, any>
  /** The body is `multipart/form-data` instead of JSON. */
  readonly multipart?: boolean
  /** The body may be left out (then nothing is sent). */
  readonly optionalBody?: boolean
  /** The 2xx body's schema; `undefined` for an operation that answers with no content. */
  readonly success: Schema.Schema<Success, any> | undefined
  /** The documented 2xx status. */
  readonly successStatus: number
  /** The 2xx body's schema when the query has `paginated: true` (`{ data, total_count }`). */
  readonly paginated?: Schema.Schema<Page, any>
  /** The documented error statuses, ascending (not 401, 429, 5xx). */
  readonly errors: ReadonlyArray<Status>
  /** For a list that pages with `limit`/`offset`: the largest `limit` the spec allows. */
  readonly maxPageSize?: number
  /**
   * How Clerk's rate limit counts this operation, when not as every other: `"exempt"` (not
   * counted, `JWKS.get`) or a limit of its own besides the instance's. See `RateLimit`.
   */
  readonly rateLimit?: RateLimit
}

/**
 * How Clerk's rate limits count an operation, where it differs from the rule. The rule: every
 * operation counts against its instance's limit (per secret key: 100 requests per 10 seconds on a
 * development instance, 1000 on a production one; `ClerkRateLimit.development` and `production`).
 *
 * - `"exempt"`: the instance's limit does not count it (`JWKS.get`, `GET /jwks`): no pause or
 *   budget of the client ever holds it;
 * - `{ limit, windowSeconds }`: a limit of its own as well, at most `limit` requests per
 *   `windowSeconds` per instance (`Invitations.bulkCreate`: 25 per hour). A 429 it meets pauses only
 *   this operation (Clerk blocks "that specific endpoint"), and a pacing layer paces it at its own
 *   limit as well as the instance's.
 *
 * The values are Clerk's documented limits ("Rate limits",
 * https://clerk.com/docs/guides/how-clerk-works/system-limits), written into the generated tables
 * by the generator, each as an override that cites its evidence (`packages/codegen/src/rateLimits.ts`).
 * Plain data: numbers and a string.
 *
 * @example
 * ```ts
 * import { Invitations, JWKS, Users } from "@effect-clerk/backend"
 *
 * assert.strictEqual(JWKS.operations.get.rateLimit, "exempt")
 * assert.deepStrictEqual(Invitations.operations.bulkCreate.rateLimit, { limit: 25, windowSeconds: 3600 })
 * // the rule: counted against the instance's limit, nothing of its own
 * assert.strictEqual("rateLimit" in Users.operations.create, false)
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type RateLimit = "exempt" | { readonly limit: number; readonly windowSeconds: number }

/**
 * Any operation: the constraint of a function that takes one.
 *
 * @since 0.2.0
 * @category models
 */
export type Any = ClerkOperation<any, number, string, any, any, any>

/**
 * The path parameters of an operation as a record: `{ readonly user_id: string }` (`{}` for none).
 *
 * @since 0.2.0
 * @category type-level
 */
export type Path<O extends Any> = { readonly [K in O["pathParams"][number]]: string }

/**
 * The query of an operation (its generated type, e.g. `Users.ListParams`); `undefined` for none.
 *
 * @since 0.2.0
 * @category type-level
 */
export type Query<O extends Any> = O extends { readonly query: Schema.Schema<infer Q, any, any> } ? Q : undefined

/**
 * The body of an operation (its generated type, e.g. `Users.CreateBody`), `| undefined` when it may
 * be left out; `undefined` for none.
 *
 * @since 0.2.0
 * @category type-level
 */
export type Body<O extends Any> = O extends { readonly body: Schema.Schema<infer B, any, any> }
  ? O extends { readonly optionalBody: true }
    ? B | undefined
    : B
  : undefined

/**
 * What an operation's 2xx body decodes to (e.g. `Users.User`); `void` when it answers with no content.
 *
 * @since 0.2.0
 * @category type-level
 */
export type Success<O extends Any> = O extends { readonly success: Schema.Schema<infer A, any, any> } ? A : void

/**
 * The answer to `paginated: true` (`{ data, total_count }`), for the lists that take it; else `never`.
 *
 * @since 0.2.0
 * @category type-level
 */
export type Page<O extends Any> = O extends { readonly paginated: Schema.Schema<infer P, any, any> } ? P : never

/**
 * The error statuses an operation documents, as a union of numbers (`400 | 404`).
 *
 * @since 0.2.0
 * @category type-level
 */
export type Status<O extends Any> = O["errors"][number]

/**
 * The classes of the statuses an operation documents, as a union of instances
 * (`ClerkError.BadRequest | ClerkError.NotFound`).
 *
 * @since 0.2.0
 * @category type-level
 */
export type Error<O extends Any> = ClerkError.ForStatus<Status<O>>

/**
 * A request to an operation as a server reads it: its path parameters, query and body, typed.
 *
 * @since 0.2.0
 * @category type-level
 */
export interface Input<O extends Any> {
  readonly path: Path<O>
  readonly query: Query<O>
  readonly body: Body<O>
}
