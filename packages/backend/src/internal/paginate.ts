/**
 * The runtime of every generated `…Stream` method: a list operation called page after page, as a
 * Stream that pulls the next page only when the consumer has used up the current one.
 *
 * Each page is one ordinary call of the list operation (so its retries, timeout and span apply
 * per page), and the stream fails with the list operation's own error. A page is either a bare
 * array or a `{ data, total_count }` envelope; both are read at run time, so a list whose decoded
 * shape changes (the `paginated` lists) keeps streaming.
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as ClerkError from "../ClerkError.js"

/** One page as a list operation decodes it. */
export type Page<A> = ReadonlyArray<A> | { readonly data: ReadonlyArray<A>; readonly total_count?: number | undefined }

/** What a stream method takes besides the list's own query: how many items to ask for per page. */
export interface PageSize {
  /** Items per request; default: the largest `limit` the spec allows for the operation. */
  readonly pageSize?: number | undefined
}

/** The keys the stream sets itself; never taken from the caller's params. */
const OWN_KEYS = new Set(["pageSize", "limit", "offset", "paginated"])

const isArray = <A>(page: Page<A>): page is ReadonlyArray<A> => Array.isArray(page)

/**
 * Streams every item of a list operation.
 *
 * - `name`: the stream method (`Users.listStream`), for the `InvalidInput` of a bad `pageSize`.
 * - `maxPageSize`: the spec's maximum `limit` for the operation, used when `pageSize` is not set.
 * - `params`: the caller's query, without `limit`/`offset`, plus an optional `pageSize`.
 * - `page`: one call of the list operation with the caller's query, `offset` and `limit`.
 *
 * The stream ends after a page shorter than `limit` (an empty one included) or once `total_count`
 * items have been read, whichever comes first; the next offset is the count of items read so far,
 * so a server that answers more than `limit` items skips nothing.
 */
export const stream = <A, E, R, Query extends object>(
  name: string,
  maxPageSize: number,
  params: (Query & PageSize) | undefined,
  page: (query: Query & { readonly offset: number; readonly limit: number }) => Effect.Effect<Page<A>, E, R>
): Stream.Stream<A, E | ClerkError.InvalidInput, R> => {
  const limit = params?.pageSize ?? maxPageSize
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxPageSize) {
    return Stream.fail(
      new ClerkError.InvalidInput({
        operation: name,
        location: "query",
        description: `pageSize must be an integer from 1 to ${maxPageSize}, got ${String(limit)}`
      })
    )
  }
  const query: Record<string, unknown> = {}
  if (params !== undefined) {
    for (const key of Object.keys(params)) {
      if (!OWN_KEYS.has(key)) query[key] = (params as Record<string, unknown>)[key]
    }
  }
  return Stream.paginateChunkEffect(0, (offset: number) =>
    Effect.map(page({ ...(query as Query), offset, limit }), (result) => {
      const items = isArray(result) ? result : result.data
      const total = isArray(result) ? undefined : result.total_count
      const read = offset + items.length
      const done = items.length < limit || (typeof total === "number" && read >= total)
      return [Chunk.unsafeFromArray(items), done ? Option.none() : Option.some(read)] as const
    })
  )
}
