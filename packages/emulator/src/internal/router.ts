/**
 * The emulator's router: every operation of the Backend API (the backend groups' own `operations`
 * tables), the routes of the emulated resources, and the rules every request goes through.
 *
 * {@link make}'s `serve` reads top to bottom, one rule a line, each driven by the operation's entry,
 * never by code in the handlers:
 *
 * 1. authenticate: `Authorization: Bearer sk_…`, or a Machine Secret Key `ak_…`;
 * 2. match the method and path against every operation of the API, else `ApiError.noRoute` (404);
 * 3. the rate limits, when on (`rateLimit.ts`): per key, the instance's and the operation's own,
 *    else a 429 with `Retry-After`;
 * 4. the route that emulates the operation, else `ApiError.notEmulated` (400 `not_emulated`, which
 *    no SDK retries; another status on request); a credential the route does not take (its
 *    `credentials`) is a 401;
 * 5. decode the query and the body with the generated schemas: 422, or 400 where the operation
 *    documents 400 and not 422 (`decode.ts`: a cap on bodies or metadata belongs there);
 * 6. refuse what the route does not model (`fields.ts`): its unmodeled fields, an `order_by` it
 *    does not order by;
 * 7. the handler;
 * 8. the answer: the `paginated` envelope, the documented success status, no body for no content.
 *
 * A route for a path Clerk does not have (a control API under its own prefix) is matched before 2.
 */
import type * as ClerkOperation from "@effect-clerk/backend/ClerkOperation"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import type * as Resource from "../Resource.js"
import * as Decode from "./decode.js"
import * as Fields from "./fields.js"
import * as Operations from "./operations.js"
import * as Paths from "./paths.js"
import type * as RateLimit from "./rateLimit.js"

/**
 * What the router answers for a request that succeeded: the operation's documented status and the
 * JSON body (`undefined`: no content).
 *
 * @internal
 */
export interface Answer {
  readonly status: number
  readonly body: unknown
}

/** @internal */
export interface Router {
  /** The operation a request reaches, before anything of it is read (fault rules use it). */
  readonly match: (method: string, pathname: string) => Paths.Match | undefined
  /** Answers one request; every failure is a Clerk-shaped {@link ApiError.ApiError}. */
  readonly serve: (request: Request) => Effect.Effect<Answer, ApiError.ApiError>
}

const sameOperation = (a: ClerkOperation.Any, b: ClerkOperation.Any) =>
  a.name === b.name && a.method === b.method && a.path === b.path

/**
 * The routes of `resources` by operation name. A route whose operation is not an entry of the
 * backend's tables, or an operation emulated twice, is a programming error: it throws.
 *
 * @internal
 */
export const routes = (resources: ReadonlyArray<Resource.Resource>): ReadonlyMap<string, Resource.Route> => {
  const known = new Map(Operations.all.map((operation) => [operation.name, operation]))
  const table = new Map<string, Resource.Route>()
  for (const resource of resources) {
    for (const route of resource.routes) {
      const operation = known.get(route.operation.name)
      if (operation === undefined || !sameOperation(operation, route.operation)) {
        throw new Error(`resource ${resource.name}: ${route.operation.name} is not an operation of the Backend API`)
      }
      if (table.has(operation.name)) throw new Error(`${operation.name} is emulated twice`)
      table.set(operation.name, route)
    }
  }
  return table
}

const BEARER = /^Bearer\s+(\S+)\s*$/i

const INVALID_KEY = "The provided secret key is invalid. Check your Clerk secret key."

// Who: `Authorization: Bearer sk_…` (the given key only, when the emulator has one), or a Machine
// Secret Key `ak_…`, which only the routes that take one accept (and resolve to a machine).
const authenticate = (
  request: Request,
  secretKey: string | undefined
): Effect.Effect<Resource.Caller, ApiError.ApiError> => {
  const header = request.headers.get("authorization")
  if (header === null) {
    return Effect.fail(
      ApiError.authenticationInvalid(
        "The request is missing the Authorization header; send `Authorization: Bearer <secret key>`."
      )
    )
  }
  const key = BEARER.exec(header)?.[1]
  if (key?.startsWith("ak_") === true) return Effect.succeed({ _tag: "MachineSecretKey", secret: key })
  const valid = key !== undefined && key.startsWith("sk_") && (secretKey === undefined || key === secretKey)
  return valid && key !== undefined
    ? Effect.succeed({ _tag: "SecretKey", key })
    : Effect.fail(ApiError.authenticationInvalid(INVALID_KEY))
}

// Whether the route takes the caller's credential (`Resource.RouteOptions`).
const admits = (route: Resource.Route, caller: Resource.Caller): Effect.Effect<void, ApiError.ApiError> => {
  const credentials = route.credentials ?? "secret-key"
  if (caller._tag === "SecretKey") {
    return credentials === "machine"
      ? Effect.fail(
          ApiError.authenticationInvalid(
            `${route.operation.name} must be authenticated with a Machine Secret Key (ak_…), not the instance's secret key.`
          )
        )
      : Effect.void
  }
  return credentials === "secret-key" ? Effect.fail(ApiError.authenticationInvalid(INVALID_KEY)) : Effect.void
}

// The lists that take `paginated` (their entry has the envelope's schema): their handlers answer the
// page, `{ data, total_count }`; Clerk sends it whole for `paginated=true`, else the bare list.
const envelope = (operation: ClerkOperation.Any, query: unknown, answer: unknown): unknown =>
  operation.paginated === undefined || (query as { readonly paginated?: unknown } | undefined)?.paginated === true
    ? answer
    : (answer as { readonly data: unknown }).data

/**
 * The router of one emulator instance.
 *
 * @internal
 */
export const make = (options: {
  readonly resources: ReadonlyArray<Resource.Resource>
  readonly emulator: Resource.EmulatorContext
  readonly secretKey: string | undefined
  /** The status of the answer for an operation no route emulates (default 400). */
  readonly notEmulatedStatus?: number | undefined
  /** The rate limits, when on. */
  readonly rateLimit?: RateLimit.Limiter | undefined
}): Router => {
  const paths = Paths.make(Operations.all)
  const table = routes(options.resources)
  return {
    match: paths.match,
    serve: (request) =>
      Effect.gen(function* () {
        const caller = yield* authenticate(request, options.secretKey)
        const url = new URL(request.url)
        const match = paths.match(request.method.toUpperCase(), url.pathname)
        if (match === undefined) return yield* ApiError.noRoute(request.method, url.pathname)
        const { operation } = match
        if (options.rateLimit !== undefined) {
          yield* options.rateLimit.check(
            caller._tag === "SecretKey" ? caller.key : caller.secret,
            operation,
            match.params
          )
        }
        const route = table.get(operation.name)
        if (route === undefined) {
          return yield* ApiError.notEmulated(operation.name, operation.operationId, options.notEmulatedStatus)
        }
        yield* admits(route, caller)
        const query = yield* Decode.query(operation, url)
        const body = yield* Decode.body(operation, request)
        yield* Fields.check(route, query, body)
        const input = { emulator: options.emulator, caller, operation, request, url, path: match.params, query, body }
        const answer = yield* route.handler(input as Resource.RouteInput<ClerkOperation.Any>)
        return {
          status: operation.successStatus,
          body: operation.success === undefined ? undefined : envelope(operation, query, answer)
        }
      })
  }
}
