/**
 * Fewer calls for the same work: `Users.get` and `Organizations.get` batched into list calls.
 *
 * Provide `ClerkBatching.layer()` instead of `Users.layer` and `Organizations.layer` (or
 * `layerUsers()`, `layerOrganizations()` for one of them). Their services are the generated ones
 * with `get` going through an Effect `RequestResolver`: the gets of one batch become one list call
 * with the id filter (`GET /users?user_id=a&user_id=b&limit=2`), 100 ids at most per call, and each
 * caller gets what its own get would have answered:
 *
 * - the value, as the get decodes it (the list answers with the same schema);
 * - `NotFound` for an id the list left out (the error of a get's 404; it has no `clerk_trace_id`
 *   nor `attempts`, as no request was made for that id alone);
 * - the list call's error when it fails, for every get it carried (its `operation` is the list's,
 *   `Users.list`: the call that was made). A status the get does not document (422 for users; 400
 *   and 422 for organizations) is the `UnexpectedResponse` (reason `UnexpectedStatus`) a get
 *   meeting it fails with.
 *
 * A batch is Effect's: the requests of `Effect.forEach(ids, Users.get, { batching: true })`, or of
 * `Effect.all([...], { concurrency, batching: true })`. Gets of separate fibers (separate requests
 * of a server) share a call through a windowed resolver: pass
 * `{ resolver: RequestResolver.dataLoader({ window: "10 millis" }) }` from `@effect/experimental`.
 *
 * What is never batched, and goes to the get unchanged: a get alone on its batch (the same request
 * as without batching), an id that is not a plain id (`user_…`, `org_…`: a `+` or `-` would change
 * the filter's meaning, and an organization's slug is no id), and an organization get whose query
 * has keys the list does not take. Gets under different `RequestOptions` (a `withTimeout` around
 * one of them) are sent in different list calls, each under its own options.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Request from "effect/Request"
import type * as RequestResolver from "effect/RequestResolver"
import type * as Scope from "effect/Scope"
import { ClerkClient } from "./ClerkClient.js"
import * as ClerkError from "./ClerkError.js"
import * as Organizations from "./generated/Organizations.js"
import * as Users from "./generated/Users.js"
import * as Batching from "./internal/batching.js"

/**
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /**
   * A change to the resolver of the gets, made once when the layer is built. With
   * `RequestResolver.dataLoader({ window: "10 millis" })` of `@effect/experimental`, the gets of
   * any fiber within the window share list calls, not only those of one `Effect.forEach`.
   */
  readonly resolver?:
    | (<A extends Request.Request<any, any>>(
        self: RequestResolver.RequestResolver<A>
      ) => Effect.Effect<RequestResolver.RequestResolver<A>, never, Scope.Scope>)
    | undefined
}

/**
 * The most ids one list call carries: "Accepts up to 100 user IDs" (spec `GetUserList`, `user_id`;
 * the same for `organization_id` of `ListOrganizations`), below the lists' largest `limit` (500).
 */
const MAX_IDS = 100

/**
 * A get's 404, as the runtime makes it from Clerk's body (response.ts): Clerk answers an unknown
 * user with `resource_not_found`, "not found", "No user was found with id user_..." and an unknown
 * organization with "Resource not found" (Clerk's API reference, in ../shared/realdata:
 * clerk-docs-gitbook__users-L609-error404.json, clerk-docs-gitbook__organizations-L324-error404.json).
 */
const notFound = (operation: string, longMessage: string) =>
  new ClerkError.NotFound({
    status: 404,
    operation,
    errors: [{ code: "resource_not_found", message: "not found", long_message: longMessage }]
  })

const usersGroup = (service: Users.Users.Service): Batching.Group<Users.User, undefined> => ({
  listName: Users.operations.list.name,
  // Clerk's user ids: `user_` and base62; a `+` or `-` before an id would change the filter
  pattern: /^user_[A-Za-z0-9]+$/,
  maxIds: Math.min(MAX_IDS, Users.operations.list.maxPageSize),
  getErrors: Users.operations.get.errors,
  notFound: (id) => notFound(Users.operations.get.name, `No user was found with id ${id}`),
  get: (id) => service.get(id),
  list: (ids) => service.list({ user_id: ids, limit: ids.length }),
  keyOf: () => ""
})

const GET_PARAMS: ReadonlyArray<string> = ["include_members_count", "include_missing_member_with_elevated_permissions"]

const organizationsGroup = (
  service: Organizations.Organizations.Service
): Batching.Group<Organizations.Organization, Organizations.GetParams> => ({
  listName: Organizations.operations.list.name,
  // Clerk's organization ids: `org_` and base62. A slug (which the get also takes) holds only
  // lowercase letters, digits and "-" (spec `CreateOrganization`), never "_": it is never batched.
  pattern: /^org_[A-Za-z0-9]+$/,
  maxIds: Math.min(MAX_IDS, Organizations.operations.list.maxPageSize),
  getErrors: Organizations.operations.get.errors,
  notFound: () => notFound(Organizations.operations.get.name, "Resource not found"),
  get: (id, params) => service.get(id, params),
  list: (ids, params) =>
    Effect.map(service.list({ ...params, organization_id: ids, limit: ids.length }), (page) => page.data),
  // the get's query is the list's flags: gets with the same flags share a list call
  keyOf: (params) => {
    const given: Record<string, unknown> = { ...params }
    if (!Object.keys(given).every((key) => GET_PARAMS.includes(key))) return undefined
    const flags = GET_PARAMS.map((key) => given[key])
    return flags.every((flag) => flag === undefined || typeof flag === "boolean") ? flags.join("|") : undefined
  }
})

/**
 * `Users`, with `get` batched into `Users.list` calls with the `user_id` filter.
 *
 * @example
 * import { ClerkBatching, ClerkTest, Users } from "@effect-clerk/backend"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 *
 * // Clerk knows none of these users: the one list call answers []
 * const TestClerk = ClerkBatching.layerUsers().pipe(Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(200, []))))
 * const program = Effect.gen(function* () {
 *   const errors = yield* Effect.forEach(["user_1", "user_2", "user_3"], (id) => Effect.flip(Users.get(id)), {
 *     batching: true
 *   })
 *   const requests = yield* ClerkTest.requests
 *   return { errors, sent: requests.map((request) => request.url.pathname + request.url.search) }
 * })
 * Effect.runPromise(program.pipe(Effect.provide(TestClerk))).then(({ errors, sent }) => {
 *   assert.deepStrictEqual(sent, ["/v1/users?user_id=user_1&user_id=user_2&user_id=user_3&limit=3"])
 *   // each get fails as its own 404 would have
 *   assert.deepStrictEqual(
 *     errors.map((error) => error._tag),
 *     ["NotFound", "NotFound", "NotFound"]
 *   )
 * })
 *
 * @since 0.2.0
 * @category layers
 */
export const layerUsers = (options: Options = {}): Layer.Layer<Users.Users, never, ClerkClient> =>
  Layer.scoped(
    Users.Users,
    Effect.gen(function* () {
      const service = yield* Users.make
      const get = yield* Batching.make(usersGroup(service), options.resolver)
      return Users.Users.of({ ...service, get: (userId) => get(userId) as Effect.Effect<Users.User, Users.GetError> })
    })
  )

/**
 * `Organizations`, with `get` batched into `Organizations.list` calls with the `organization_id`
 * filter (gets by slug are not batched).
 *
 * @since 0.2.0
 * @category layers
 */
export const layerOrganizations = (
  options: Options = {}
): Layer.Layer<Organizations.Organizations, never, ClerkClient> =>
  Layer.scoped(
    Organizations.Organizations,
    Effect.gen(function* () {
      const service = yield* Organizations.make
      const get = yield* Batching.make(organizationsGroup(service), options.resolver)
      return Organizations.Organizations.of({
        ...service,
        get: (organizationId, params) =>
          get(organizationId, params) as Effect.Effect<Organizations.Organization, Organizations.GetError>
      })
    })
  )

/**
 * `Users` and `Organizations`, each with `get` batched (`layerUsers`, `layerOrganizations`).
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<Users.Users | Organizations.Organizations, never, ClerkClient> =>
  Layer.merge(layerUsers(options), layerOrganizations(options))
