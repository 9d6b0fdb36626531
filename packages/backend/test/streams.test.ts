/**
 * Every `…Stream` method (one per list that pages with `limit`/`offset`), table-driven from the
 * generated test/generated/streams.json joined with the contract fixtures: the requests it makes
 * (offset/limit on the URL, the caller's other params kept), where it stops, the typed error of a
 * failing page, backpressure (a `take` requests only the pages it needs), and bounded memory (20,000
 * items over a list that builds each page only when asked, for each stream, and 20,000 users over a
 * mocked HttpClient, every page decoded: never more than one page requested ahead of the consumer).
 */
import { ClerkTest, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { fixtures, groupOf } from "./fixtures.js"
import { type Item, listOf, openStream, type StreamFixture, streams } from "./streamFixtures.js"

const STATUS_TAGS: Record<string, string> = { "400": "BadRequest", "403": "Forbidden", "404": "NotFound" }

/** Everything a stream's tests need, from its fixture and its list's contract fixture. */
const prepare = (s: StreamFixture) => {
  const list = listOf(s)
  const query = list.request.query.filter(([key]) => !s.omitted.includes(key))
  const body = list.response.body as unknown
  const sample = (Array.isArray(body) ? body[0] : (body as Record<string, Array<unknown>>)[s.field ?? "data"]![0]) as
    Record<string, unknown> | undefined
  if (sample === undefined || typeof sample !== "object") throw new Error(`${s.operationId}: no sample item`)

  /** The stream with the fixture's path arguments and params (plus `extra`, e.g. `pageSize`). */
  const open = (extra: Record<string, unknown> = {}) => openStream(s, extra)

  /**
   * A server holding `count` items that builds only the page asked for. Items carry their index as
   * `n` (responses keep unknown fields). `total` is the envelope's `total_count` (default `count`);
   * `fail` answers the page at that offset with `status`.
   */
  const server = (
    count: number,
    options: {
      readonly total?: number
      readonly fail?: { readonly offset: number; readonly status: number }
      /** Items answered beyond `limit` (a server that ignores it). */
      readonly overflow?: number
    } = {}
  ) => {
    const log = { pages: 0 }
    const handler: ClerkTest.Handler = (request) => {
      log.pages++
      const offset = Number(request.url.searchParams.get("offset"))
      const limit = Number(request.url.searchParams.get("limit"))
      if (options.fail && options.fail.offset === offset) {
        return ClerkTest.clerkError(options.fail.status, "sample_code", "sample message")
      }
      const size = limit + (options.overflow ?? 0)
      const items = Array.from({ length: Math.max(0, Math.min(size, count - offset)) }, (_, i) => ({
        ...sample,
        n: offset + i
      }))
      return ClerkTest.json(200, s.field === null ? items : { [s.field]: items, total_count: options.total ?? count })
    }
    return { log, handler }
  }

  const run = <A, E>(handler: ClerkTest.Handler, effect: Effect.Effect<A, E, unknown>) =>
    effect.pipe(
      Effect.zip(ClerkTest.requests),
      Effect.provide(groupOf(list).layer.pipe(Layer.provideMerge(ClerkTest.layer(handler))))
    ) as Effect.Effect<readonly [A, ReadonlyArray<ClerkTest.RecordedRequest>], E>

  const indices = (chunk: Iterable<Item>) => Array.from(chunk, (item) => item.n)
  const range = (n: number) => Array.from({ length: n }, (_, i) => i)
  const pages = (requests: ReadonlyArray<ClerkTest.RecordedRequest>) =>
    requests.map((r) => [r.url.searchParams.get("offset"), r.url.searchParams.get("limit")])

  return { list, open, query, server, run, indices, range, pages }
}

it("covers the 37 lists of the spec that page with limit/offset, each with its contract fixture", () => {
  expect(streams).toHaveLength(37)
  expect(new Set(streams.map((s) => `${s.service}.${s.stream}`)).size).toBe(37)
  for (const s of streams) {
    expect(s.stream).toBe(`${s.list}Stream`)
    expect(fixtures.some((f) => f.operationId === s.operationId)).toBe(true)
  }
  // the shapes the runtime meets: bare arrays, { data, total_count }, and M2M's { m2m_tokens, total_count }
  expect(new Set(streams.map((s) => s.field))).toEqual(new Set([null, "data", "m2m_tokens"]))
})

for (const s of streams) {
  describe(`${s.service}.${s.stream}`, () => {
    const t = prepare(s)
    const envelope = s.field !== null

    it.effect("pages with limit = pageSize and the next offset, keeping the caller's other params", () =>
      Effect.gen(function* () {
        const { handler } = t.server(5)
        const [items, requests] = yield* t.run(handler, Stream.runCollect(t.open({ pageSize: 2 })))
        expect(t.indices(items)).toEqual(t.range(5))
        expect(t.pages(requests)).toEqual([
          ["0", "2"],
          ["2", "2"],
          ["4", "2"]
        ])
        for (const request of requests) {
          expect(request.method).toBe("GET")
          expect(request.url.origin + request.url.pathname).toBe(`https://api.clerk.com/v1${t.list.request.path}`)
          const sent = [...request.url.searchParams].filter(([key]) => !s.omitted.includes(key))
          expect(sent).toEqual(t.query)
          expect(request.url.searchParams.getAll("paginated")).toEqual(s.paginated ? ["true"] : [])
          expect(request.url.searchParams.has("pageSize")).toBe(false)
        }
      })
    )

    it.effect(`asks for the spec's maximum, ${s.maxPageSize}, when no pageSize is set`, () =>
      Effect.gen(function* () {
        const { handler } = t.server(s.maxPageSize + 1)
        const [items, requests] = yield* t.run(handler, Stream.runCollect(t.open()))
        expect(t.indices(items)).toEqual(t.range(s.maxPageSize + 1))
        expect(t.pages(requests)).toEqual([
          ["0", String(s.maxPageSize)],
          [String(s.maxPageSize), String(s.maxPageSize)]
        ])
      })
    )

    if (envelope) {
      it.effect("stops at total_count without asking for an empty page", () =>
        Effect.gen(function* () {
          const { handler } = t.server(4)
          const [items, requests] = yield* t.run(handler, Stream.runCollect(t.open({ pageSize: 2 })))
          expect(t.indices(items)).toEqual(t.range(4))
          expect(requests).toHaveLength(2)
        })
      )

      it.effect("stops at total_count even when the pages are full, and on a short page when it says more", () =>
        Effect.gen(function* () {
          const fewer = t.server(10, { total: 4 })
          const [first, firstRequests] = yield* t.run(fewer.handler, Stream.runCollect(t.open({ pageSize: 2 })))
          expect(t.indices(first)).toEqual(t.range(4))
          expect(firstRequests).toHaveLength(2)
          const more = t.server(3, { total: 100 })
          const [second, secondRequests] = yield* t.run(more.handler, Stream.runCollect(t.open({ pageSize: 2 })))
          expect(t.indices(second)).toEqual(t.range(3))
          expect(t.pages(secondRequests)).toEqual([
            ["0", "2"],
            ["2", "2"]
          ])
        })
      )
    } else {
      it.effect("stops on a short page; after a full last page, an empty page ends it", () =>
        Effect.gen(function* () {
          const { handler } = t.server(4)
          const [items, requests] = yield* t.run(handler, Stream.runCollect(t.open({ pageSize: 2 })))
          expect(t.indices(items)).toEqual(t.range(4))
          expect(t.pages(requests)).toEqual([
            ["0", "2"],
            ["2", "2"],
            ["4", "2"]
          ])
          const none = t.server(0)
          const [empty, emptyRequests] = yield* t.run(none.handler, Stream.runCollect(t.open({ pageSize: 2 })))
          expect(t.indices(empty)).toEqual([])
          expect(emptyRequests).toHaveLength(1)
        })
      )
    }

    it.effect("a server that answers more than limit: the next offset follows the items read, none twice", () =>
      Effect.gen(function* () {
        const { handler } = t.server(9, { overflow: 1 })
        const [items, requests] = yield* t.run(handler, Stream.runCollect(t.open({ pageSize: 2 })))
        expect(t.indices(items)).toEqual(t.range(9))
        // 3 + 3 + 3 items: total_count ends an envelope there; a bare array needs the empty page
        expect(t.pages(requests)).toEqual([["0", "2"], ["3", "2"], ["6", "2"], ...(envelope ? [] : [["9", "2"]])])
      })
    )

    // A documented 4xx of the list when it has one, else 401: statuses no retry policy resends.
    const documented = Object.keys(t.list.errors).find((status) => STATUS_TAGS[status] !== undefined)
    const status = Number(documented ?? 401)
    const tag = documented ? STATUS_TAGS[documented]! : "Unauthorized"
    it.effect(`a failing page fails the stream with the list's ${tag}, after the items before it`, () =>
      Effect.gen(function* () {
        const { handler } = t.server(10, { fail: { offset: 2, status } })
        const [results, requests] = yield* t.run(handler, Stream.runCollect(Stream.either(t.open({ pageSize: 2 }))))
        const all = [...results]
        expect(all.filter(Either.isRight).map((r) => r.right.n)).toEqual([0, 1])
        expect(all).toHaveLength(3)
        const failure = all[2]!
        expect(Either.isLeft(failure) && failure.left._tag).toBe(tag)
        expect(requests).toHaveLength(2)
      })
    )

    it.effect("requests a page only when the consumer pulls: take(n) asks for the pages it needs", () =>
      Effect.gen(function* () {
        for (const [take, expected] of [
          [0, 0],
          [1, 1],
          [3, 1],
          [4, 2],
          [7, 3]
        ] as const) {
          const { handler } = t.server(30)
          const [items, requests] = yield* t.run(handler, Stream.runCollect(Stream.take(t.open({ pageSize: 3 }), take)))
          expect(t.indices(items)).toEqual(t.range(take))
          expect({ take, requests: requests.length }).toEqual({ take, requests: expected })
        }
      })
    )

    it.effect("a pageSize outside 1..max is an InvalidInput and nothing is sent", () =>
      Effect.gen(function* () {
        for (const pageSize of [0, -1, 2.5, s.maxPageSize + 1, Number.NaN]) {
          const { handler } = t.server(10)
          const [result, requests] = yield* t.run(handler, Effect.either(Stream.runCollect(t.open({ pageSize }))))
          expect(Either.isLeft(result) && result.left._tag).toBe("InvalidInput")
          expect(requests).toHaveLength(0)
        }
      })
    )

    it.effect("20,000 items over a list that builds each page when asked: at most one page ahead", () =>
      Effect.gen(function* () {
        const count = 20_000
        // The list itself is mocked (no HTTP, no decoding), so the test measures the stream alone.
        let calls = 0
        const list = (...args: ReadonlyArray<unknown>) =>
          Effect.sync(() => {
            calls++
            const { offset, limit } = args.at(-1) as { readonly offset: number; readonly limit: number }
            const items = Array.from({ length: Math.max(0, Math.min(limit, count - offset)) }, (_, i) => ({
              n: offset + i
            }))
            return s.field === null ? items : { [s.field]: items, total_count: count }
          })
        let consumed = 0
        let outOfOrder = 0
        let ahead = 0
        yield* Stream.runForEach(t.open(), (item) =>
          Effect.sync(() => {
            if (item.n !== consumed) outOfOrder++
            consumed++
            // pages requested beyond the one this item belongs to
            ahead = Math.max(ahead, calls - Math.ceil(consumed / s.maxPageSize))
          })
        ).pipe(Effect.provide(Layer.succeed(groupOf(t.list).tag, { [s.list]: list })))
        expect({ consumed, outOfOrder }).toEqual({ consumed: count, outOfOrder: 0 })
        expect(ahead).toBeLessThanOrEqual(1)
        expect(calls).toBe(count / s.maxPageSize + (envelope ? 0 : 1))
      })
    )
  })
}

/**
 * The sample user without what `User` does not require (keys dropped, arrays emptied while it still
 * decodes): decoding dominates the cost of 20,000 users, and this test is about the stream.
 */
const smallUser = (sample: Record<string, unknown>) => {
  const decodes = Schema.is(Schema.encodedSchema(Users.ListResponse))
  const user: Record<string, unknown> = { ...sample }
  for (const key of Object.keys(user)) {
    const value = user[key]
    delete user[key]
    if (decodes([user])) continue
    user[key] = Array.isArray(value) ? [] : value
    if (!decodes([user])) user[key] = value
  }
  return user
}

describe("Users.listStream over a mocked HttpClient", () => {
  it.effect(
    "20,000 users, every page decoded: at most one page requested ahead of the consumer",
    () =>
      Effect.gen(function* () {
        const s = streams.find((stream) => stream.operationId === "GetUserList")!
        const list = listOf(s)
        const user = smallUser((list.response.body as Array<Record<string, unknown>>)[0]!)
        expect(Object.keys(user).length).toBeLessThan(Object.keys((list.response.body as Array<object>)[0]!).length)
        const count = 20_000
        let pages = 0
        const handler: ClerkTest.Handler = (request) => {
          pages++
          const offset = Number(request.url.searchParams.get("offset"))
          const limit = Number(request.url.searchParams.get("limit"))
          const size = Math.max(0, Math.min(limit, count - offset))
          return ClerkTest.json(
            200,
            Array.from({ length: size }, (_, i) => ({ ...user, n: offset + i }))
          )
        }
        let consumed = 0
        let outOfOrder = 0
        let ahead = 0
        const requests = yield* Users.listStream().pipe(
          Stream.runForEach((item) =>
            Effect.sync(() => {
              if ((item as unknown as Item).n !== consumed) outOfOrder++
              consumed++
              ahead = Math.max(ahead, pages - Math.ceil(consumed / 500))
            })
          ),
          Effect.zipRight(ClerkTest.requests),
          Effect.provide(Users.layer.pipe(Layer.provideMerge(ClerkTest.layer(handler))))
        )
        expect({ consumed, outOfOrder }).toEqual({ consumed: count, outOfOrder: 0 })
        expect(ahead).toBeLessThanOrEqual(1)
        // 40 full pages, then the empty one that ends a bare array
        expect(requests.map((r) => [r.url.searchParams.get("offset"), r.url.searchParams.get("limit")])).toEqual(
          Array.from({ length: 41 }, (_, i) => [String(i * 500), "500"])
        )
      }),
    // a few seconds of decoding alone; more on a loaded machine
    30_000
  )
})
