/**
 * Gets batched into list calls: the `Request` and `RequestResolver` behind `ClerkBatching`.
 *
 * A get by id (`Users.get`) becomes a request; the gets of one batch (Effect's batching:
 * `Effect.forEach(ids, Users.get, { batching: true })`, or a `RequestResolver` wrapper such as
 * `@effect/experimental`'s `dataLoader`) are grouped by what changes their answer (the call's
 * `RequestOptions`, a get's own query), and each group becomes list calls with the id filter
 * (`GET /users?user_id=a&user_id=b&limit=2`), at most `maxIds` ids each. A group of one id is sent
 * as the get itself, so a get alone on its batch is the same request as without batching.
 *
 * What a caller gets is what its get would have answered:
 * - an id the list answered: that value;
 * - an id the list left out: the `NotFound` of a get's 404 (`notFound`);
 * - a failed list call: its error, for every get of that list call, the statuses the get does not
 *   document turned into the `UnexpectedResponse` a get meeting them would have failed with.
 *
 * Only ids that cannot change the filter's meaning are batched (`pattern`: `user_...`, never `-x`,
 * `+x` or a slug); any other id goes to the get unchanged (and its checks: `InvalidInput`, ...).
 *
 * @internal
 */
import * as Arr from "effect/Array"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Request from "effect/Request"
import * as RequestResolver from "effect/RequestResolver"
import type * as Scope from "effect/Scope"
import { CurrentRequestOptions, type RequestOptions } from "../ClerkClient.js"
import * as ClerkError from "../ClerkError.js"

/** What batching the gets of one group (`Users`, `Organizations`) needs to know. */
export interface Group<A extends { readonly id: string }, Params> {
  /** The list operation's name (`Users.list`), for the errors made from its answers. */
  readonly listName: string
  /** Ids safe to put in the filter; others go to `get` unchanged. */
  readonly pattern: RegExp
  /** The most ids one list call carries. */
  readonly maxIds: number
  /** The error statuses the get documents (`operations.get.errors`). */
  readonly getErrors: ReadonlyArray<number>
  /** The error of an id the list left out: what the get's 404 would have been. */
  readonly notFound: (id: string) => ClerkError.NotFound
  /** The get itself. */
  readonly get: (id: string, params: Params | undefined) => Effect.Effect<A, ClerkError.ClerkError>
  /** One list call with the id filter, at most `ids.length` items. */
  readonly list: (
    ids: Arr.NonEmptyReadonlyArray<string>,
    params: Params | undefined
  ) => Effect.Effect<ReadonlyArray<A>, ClerkError.ClerkError>
  /** The gets with equal keys share a list call; `undefined`: these params are never batched. */
  readonly keyOf: (params: Params | undefined) => string | undefined
}

/** Wraps the resolver (e.g. `dataLoader`), once per layer. */
export type WrapResolver = <A extends Request.Request<any, any>>(
  self: RequestResolver.RequestResolver<A>
) => Effect.Effect<RequestResolver.RequestResolver<A>, never, Scope.Scope>

/** One get, as a request: its id and query, the key of its group, the call's options. */
class Get extends Request.Class<
  unknown,
  ClerkError.ClerkError,
  {
    readonly id: string
    readonly params: unknown
    readonly key: string
    readonly options: RequestOptions
  }
> {}

/**
 * A list call's error as the error of a get: unchanged when the get can meet it (its documented
 * statuses, and what any call can meet); a status the get does not document is the
 * `UnexpectedResponse` the runtime gives a get that meets it (response.ts).
 */
export const asGetError =
  (getErrors: ReadonlyArray<number>, listName: string) =>
  (error: ClerkError.ClerkError): ClerkError.ClerkError => {
    switch (error._tag) {
      case "Unauthorized":
      case "TooManyRequests":
      case "ServerError":
      case "UnexpectedResponse":
      case "TransportError":
      case "InvalidInput":
      case "RateLimitStoreUnavailable":
        return error
      default: {
        if (getErrors.includes(error.status)) return error
        return new ClerkError.UnexpectedResponse({
          operation: error.operation ?? listName,
          status: error.status,
          reason: "UnexpectedStatus",
          errors: error.errors,
          ...(error.clerk_trace_id !== undefined ? { clerk_trace_id: error.clerk_trace_id } : {}),
          ...(error.body !== undefined ? { body: error.body } : {}),
          ...(error.attempts !== undefined ? { attempts: error.attempts } : {})
        })
      }
    }
  }

/** The groups of a batch: by the call's options (by identity), then by the get's key. */
const groupsOf = (requests: ReadonlyArray<Get>): Array<Array<Get>> => {
  const byOptions = new Map<RequestOptions, Map<string, Array<Get>>>()
  for (const request of requests) {
    let byKey = byOptions.get(request.options)
    if (byKey === undefined) byOptions.set(request.options, (byKey = new Map()))
    const group = byKey.get(request.key)
    if (group === undefined) byKey.set(request.key, [request])
    else group.push(request)
  }
  return Array.from(byOptions.values()).flatMap((byKey) => Array.from(byKey.values()))
}

/**
 * The batched get of a group: `(id, params) => effect`, the same answers as `group.get`.
 */
export const make = <A extends { readonly id: string }, Params>(
  group: Group<A, Params>,
  wrap: WrapResolver | undefined
): Effect.Effect<(id: string, params?: Params) => Effect.Effect<A, ClerkError.ClerkError>, never, Scope.Scope> => {
  const toGetError = asGetError(group.getErrors, group.listName)

  /** The gets of `ids` (distinct) with the same options and key: a get alone, else one list call. */
  const chunk = (ids: Arr.NonEmptyReadonlyArray<string>, requests: ReadonlyArray<Get>) => {
    const params = requests[0]!.params as Params | undefined
    if (ids.length === 1) {
      return Effect.flatMap(Effect.exit(group.get(ids[0], params)), (exit) =>
        Effect.forEach(requests, (request) => Request.complete(request, exit), { discard: true })
      )
    }
    return Effect.flatMap(Effect.exit(group.list(ids, params)), (exit) => {
      if (Exit.isFailure(exit)) {
        const cause = Cause.map(exit.cause, toGetError)
        return Effect.forEach(requests, (request) => Request.failCause(request, cause), { discard: true })
      }
      const found = new Map<string, A>()
      for (const item of exit.value) if (!found.has(item.id)) found.set(item.id, item)
      return Effect.forEach(
        requests,
        (request) => {
          const value = found.get(request.id)
          return value === undefined
            ? Request.fail(request, group.notFound(request.id))
            : Request.succeed(request, value)
        },
        { discard: true }
      )
    })
  }

  const run = (requests: Arr.NonEmptyArray<Get>): Effect.Effect<void> =>
    Effect.forEach(
      groupsOf(requests),
      (same) => {
        // (a Set, not Arr.dedupe: that compares every pair)
        const chunks = Arr.chunksOf(Array.from(new Set(same.map((request) => request.id))), group.maxIds)
        // the call's own options, as each get would have run under them
        return Effect.provideService(
          Effect.forEach(
            chunks,
            (ids) => {
              const wanted = new Set(ids)
              return chunk(
                ids,
                same.filter((request) => wanted.has(request.id))
              )
            },
            { concurrency: "unbounded", discard: true }
          ),
          CurrentRequestOptions,
          same[0]!.options
        )
      },
      { concurrency: "unbounded", discard: true }
    )

  const resolver = RequestResolver.makeBatched(run)
  return Effect.map(wrap ? wrap(resolver) : Effect.succeed(resolver), (resolver) => {
    return (id: string, params?: Params): Effect.Effect<A, ClerkError.ClerkError> => {
      const key = group.pattern.test(id) ? group.keyOf(params) : undefined
      if (key === undefined) return group.get(id, params)
      return Effect.flatMap(CurrentRequestOptions, (options) =>
        Effect.request(new Get({ id, params, key, options }), resolver)
      ) as Effect.Effect<A, ClerkError.ClerkError>
    }
  })
}
