/**
 * The building block of the emulator: a resource is a named list of routes, and a route is one
 * operation of the Backend API with the function that emulates it.
 *
 * A route is typed by its entry in the backend's operation tables (`Users.operations.get`): the
 * handler receives the path parameters, query and body the SDK sends (already decoded with the
 * generated schemas) and must answer what the SDK decodes.
 *
 * Adding an emulated operation means writing one route in a module under `src/resources/`
 * (which owns its {@link Store.Table} keys and test helpers) and registering its resource in
 * `src/resources/all.ts`. What every route shares (authentication, decoding, the `paginated`
 * envelope, the answer for operations nobody emulates) is the router's (`src/internal/router.ts`).
 *
 * @example
 * ```ts
 * import { Users } from "@effect-clerk/backend"
 * import { ApiError, Resource, Store } from "@effect-clerk/emulator"
 * import * as Effect from "effect/Effect"
 *
 * const users = Store.table<Users.User>("my-users")
 *
 * // `path.user_id` is a string; the answer must be a `Users.User`
 * const getUser = Resource.route(Users.operations.get, ({ path, emulator }) => {
 *   const user = emulator.store.get(users).get(path.user_id)
 *   return user === undefined ? Effect.fail(ApiError.notFound()) : Effect.succeed(user)
 * })
 * export const resource = Resource.make("my-users", [getUser])
 * ```
 *
 * @since 0.1.0
 */
import type * as ClerkOperation from "@effect-clerk/backend/ClerkOperation"
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import * as ApiError from "./ApiError.js"
import type { SigningKey } from "./internal/keys.js"
import * as Order from "./internal/order.js"
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
 * What a route's handler answers: the operation's success type (`Users.User` for
 * `Users.operations.get`); for a list that takes `paginated`, its page (`{ data, total_count }`),
 * of which the router sends `data` alone unless the query asked for `paginated=true`, as Clerk does.
 *
 * @since 0.1.0
 * @category type-level
 */
export type Answer<O extends ClerkOperation.Any> = O extends {
  readonly paginated: Schema.Schema<infer Page, any, any>
}
  ? Page
  : ClerkOperation.Success<O>

/**
 * Who sent a request: the instance's secret key (`sk_…`), or, for the routes that take one (see
 * {@link RouteOptions}), a Machine Secret Key (`ak_…`) that the route itself resolves to a machine.
 *
 * @since 0.2.0
 * @category models
 */
export type Caller =
  { readonly _tag: "SecretKey"; readonly key: string } | { readonly _tag: "MachineSecretKey"; readonly secret: string }

/**
 * Everything a handler receives for one request: the operation's `path`, `query` and `body`, typed
 * and decoded with the backend's generated schemas (`query` is `undefined` for an operation without
 * one, `body` for one without a body), plus the emulator instance and the raw request.
 *
 * @since 0.1.0
 * @category models
 */
export interface RouteInput<O extends ClerkOperation.Any> extends ClerkOperation.Input<O> {
  readonly emulator: EmulatorContext
  /**
   * Who sent it (the router checked that the route takes that credential).
   *
   * @since 0.2.0
   */
  readonly caller: Caller
  /** The operation matched: the entry of the backend's table. */
  readonly operation: O
  readonly request: Request
  readonly url: URL
}

/**
 * The emulation of one operation. Build it with {@link route}, which checks the handler against
 * the operation's types.
 *
 * @since 0.1.0
 * @category models
 */
export interface Route {
  readonly operation: ClerkOperation.Any
  readonly handler: (input: RouteInput<ClerkOperation.Any>) => Effect.Effect<unknown, ApiError.ApiError>
  /** The request fields the route does not model: refused by the router (see {@link RouteOptions}). */
  readonly unmodeled?: ReadonlyArray<string>
  /** The request fields the route accepts knowingly without effect, each with why. */
  readonly ignores?: Readonly<Record<string, string>>
  /** `order_by`, for a list that documents it (see {@link orderBy}). */
  readonly orderBy?: OrderBy<any>
  /**
   * The credentials the route takes (default: the instance's secret key only).
   *
   * @since 0.2.0
   */
  readonly credentials?: RouteOptions<ClerkOperation.Any>["credentials"]
}

// the keys of a body or query type (of each entry, for a bulk body); `never` for none
type KeysOf<T> = T extends ReadonlyArray<infer E> ? Extract<keyof E, string> : Extract<keyof T, string>

/**
 * The request fields of an operation: the keys of its body (of each entry, for a bulk body) and
 * its query parameters (`"web3_wallet" | "first_name" | …` for `Users.operations.create`).
 *
 * @since 0.1.0
 * @category type-level
 */
export type Field<O extends ClerkOperation.Any> =
  KeysOf<NonNullable<ClerkOperation.Body<O>>> | KeysOf<NonNullable<ClerkOperation.Query<O>>>

/**
 * What a route states about the request fields it does not model. The default (a field in neither
 * list) is that the handler models it: its value shows in the answer or in the state.
 * `test/fields.test.ts` holds every emulated operation to that, sending each documented field of
 * its body: a field that changes nothing and is not listed here fails the test.
 *
 * @since 0.1.0
 * @category models
 */
export interface RouteOptions<O extends ClerkOperation.Any> {
  /**
   * The credentials the route takes: the instance's secret key (`sk_…`, the default), a Machine
   * Secret Key (`ak_…`, which the route resolves to a machine), or either.
   *
   * @since 0.2.0
   */
  readonly credentials?: "secret-key" | "secret-key-or-machine" | "machine" | undefined
  /**
   * Fields the emulator does not model. A request that sends one (with a value other than `null`)
   * is refused before the handler runs: a 422 whose error item has code `not_emulated` and
   * `meta.param_name` naming the field, so that nothing is silently dropped.
   */
  readonly unmodeled?: ReadonlyArray<Field<O>>
  /**
   * Fields accepted knowingly without effect, each with why: what they change in Clerk is nothing
   * the emulator has (`notify: "the emulator sends no email"`).
   */
  readonly ignores?: { readonly [K in Field<O>]?: string }
  /**
   * For a list whose query documents `order_by`: the fields it orders by (see {@link orderBy}).
   * The router refuses any other value with a 422 before the handler runs; without it, a route
   * refuses `order_by` as unmodeled.
   */
  readonly orderBy?: OrderBy<any>
}

/**
 * A list's `order_by`, as Clerk reads it: one of the fields the spec documents for the list, with
 * an optional `+` (ascending, implied) or `-` (descending) prefix. Build it with {@link orderBy}.
 *
 * @since 0.1.0
 * @category models
 */
export interface OrderBy<R> {
  /** The order when `order_by` is left out or empty, as the spec gives it (`-created_at`). */
  readonly default: string
  /** The fields `order_by` accepts, as the spec lists them for the operation. */
  readonly fields: ReadonlyArray<string>
  /**
   * `items` sorted by `orderBy` (the default when `undefined` or empty; a value the router already
   * refused never reaches a handler): nulls last in either direction, equal values in the order
   * given, reversed for `-`.
   */
  readonly sort: (items: Iterable<R>, orderBy: string | undefined) => Array<R>
}

/**
 * Declares the `order_by` of a list: the default order and, for each field the spec documents,
 * how to read it from the items the handler sorts. Give it to {@link route} (`{ orderBy }`), which
 * refuses any other value with Clerk's 422, and sort with it in the handler.
 *
 * @example
 * ```ts
 * import { Organizations } from "@effect-clerk/backend"
 * import { Resource } from "@effect-clerk/emulator"
 * import * as Effect from "effect/Effect"
 *
 * declare const all: ReadonlyArray<Organizations.Organization>
 *
 * // spec `ListOrganizations`: `name`, `created_at` or `members_count`; defaults to `-created_at`
 * const ORDER = Resource.orderBy<Organizations.Organization>("-created_at", {
 *   name: (o) => o.name,
 *   created_at: (o) => o.created_at,
 *   members_count: (o) => o.members_count
 * })
 *
 * export const list = Resource.route(
 *   Organizations.operations.list,
 *   ({ query }) => {
 *     const data = ORDER.sort(all, query.order_by)
 *     return Effect.succeed({ data, total_count: data.length })
 *   },
 *   { orderBy: ORDER }
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const orderBy = <R>(
  defaultOrder: string,
  fields: { readonly [field: string]: (item: R) => string | number | null | undefined }
): OrderBy<R> => Order.declare(defaultOrder, fields)

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
 * Emulates one operation of the backend's tables (`Users.operations.get`). The handler's input and
 * answer are the operation's types (see {@link RouteInput} and {@link Answer}); a failure is a
 * Clerk-shaped {@link ApiError.ApiError}. `options.credentials` lets a route take a Machine Secret
 * Key (see {@link RouteOptions}).
 *
 * @since 0.1.0
 * @category constructors
 */
export const route = <O extends ClerkOperation.Any>(
  operation: O,
  handler: (input: RouteInput<O>) => Effect.Effect<Answer<O>, ApiError.ApiError>,
  options: RouteOptions<O> = {}
): Route => ({
  operation,
  handler: handler as unknown as Route["handler"],
  unmodeled: options.unmodeled ?? [],
  ignores: (options.ignores ?? {}) as Record<string, string>,
  ...(options.orderBy === undefined ? {} : { orderBy: options.orderBy }),
  credentials: options.credentials
})

/**
 * Declares a resource.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (name: string, routes: ReadonlyArray<Route>): Resource => ({ name, routes })

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
