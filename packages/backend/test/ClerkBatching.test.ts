import { ClerkBatching, ClerkClient, ClerkError, ClerkTest, Organizations, Users } from "@effect-clerk/backend"
import * as DataLoader from "@effect/experimental/RequestResolver"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { fixtures } from "./fixtures.js"

const sample = (operationId: string) =>
  fixtures.find((f) => f.operationId === operationId)!.response.body as Record<string, unknown>

const user = (id: string) => ({ ...sample("GetUser"), id })
const organization = (id: string) => ({ ...sample("GetOrganization"), id })

/** A Clerk that knows `known`: lists answer the ones asked for, gets answer one or 404. */
const clerk =
  (known: ReadonlySet<string>): ClerkTest.Handler =>
  (request) => {
    const path = request.url.pathname
    if (path === "/v1/users") {
      return ClerkTest.json(
        200,
        request.url.searchParams
          .getAll("user_id")
          .filter((id) => known.has(id))
          .map(user)
      )
    }
    if (path === "/v1/organizations") {
      const data = request.url.searchParams
        .getAll("organization_id")
        .filter((id) => known.has(id))
        .map(organization)
      return ClerkTest.json(200, { data, total_count: data.length })
    }
    const id = decodeURIComponent(path.split("/").pop()!)
    if (!known.has(id)) return ClerkTest.clerkError(404, "resource_not_found", "not found")
    return ClerkTest.json(200, path.startsWith("/v1/users/") ? user(id) : organization(id))
  }

/** `handler`, after a first answer 503. */
const unavailableOnce = (handler: ClerkTest.Handler): ClerkTest.Handler => {
  let calls = 0
  return (request) => (calls++ === 0 ? ClerkTest.clerkError(503, "unavailable", "later") : handler(request))
}

const batched = (handler: ClerkTest.Handler, options?: Partial<ClerkClient.Options>) =>
  Effect.provide(ClerkBatching.layer().pipe(Layer.provideMerge(ClerkTest.layer(handler, options))))

const sent = Effect.map(ClerkTest.requests, (requests) =>
  requests.map((request) => `${request.method} ${request.url.pathname}${request.url.search}`)
)

const getAll = (ids: ReadonlyArray<string>) =>
  Effect.forEach(ids, (id) => Effect.either(Users.get(id)), { batching: true, concurrency: "unbounded" })

describe("ClerkBatching", () => {
  it.effect("concurrent gets in one batch are one list call with the user_id filter", () =>
    Effect.gen(function* () {
      const results = yield* getAll(["user_a", "user_b", "user_c"])
      expect(results.map((result) => Either.getOrThrow(result).id)).toEqual(["user_a", "user_b", "user_c"])
      expect(yield* sent).toEqual(["GET /v1/users?user_id=user_a&user_id=user_b&user_id=user_c&limit=3"])
    }).pipe(batched(clerk(new Set(["user_a", "user_b", "user_c"]))))
  )

  it.effect("the value is the get's: the same decoded user, fields the spec does not declare kept", () =>
    Effect.gen(function* () {
      const [a, b] = yield* Effect.all([Users.get("user_a"), Users.get("user_b")], { batching: true })
      expect(a).toEqual({ ...user("user_a"), extra: "kept" })
      expect(b!.id).toBe("user_b")
    }).pipe(
      batched(() =>
        ClerkTest.json(200, [
          { ...user("user_b") },
          { ...user("user_a"), extra: "kept" },
          // a user not asked for is no one's answer
          user("user_z")
        ])
      )
    )
  )

  it.effect("more ids than a list call takes are sent in chunks of 100", () =>
    Effect.gen(function* () {
      const ids = Array.from({ length: 250 }, (_, i) => `user_${i}`)
      const results = yield* getAll(ids)
      expect(results.every(Either.isRight)).toBe(true)
      const requests = yield* ClerkTest.requests
      expect(requests.map((request) => request.url.searchParams.getAll("user_id").length).sort()).toEqual([
        100, 100, 50
      ])
      expect(requests.map((request) => request.url.searchParams.get("limit")).sort()).toEqual(["100", "100", "50"])
      expect(new Set(requests.flatMap((request) => request.url.searchParams.getAll("user_id")))).toEqual(new Set(ids))
    }).pipe(batched(clerk(new Set(Array.from({ length: 250 }, (_, i) => `user_${i}`)))))
  )

  it.effect("an id the list leaves out is that get's NotFound, as a 404 would be", () =>
    Effect.gen(function* () {
      const [found, missing] = yield* getAll(["user_a", "user_gone"])
      expect(Either.getOrThrow(found!).id).toBe("user_a")
      const error = Either.flip(missing!).pipe(Either.getOrThrow)
      expect(error).toBeInstanceOf(ClerkError.NotFound)
      expect(error._tag).toBe("NotFound")
      expect(error).toMatchObject({
        status: 404,
        operation: "Users.get",
        errors: [
          { code: "resource_not_found", message: "not found", long_message: "No user was found with id user_gone" }
        ]
      })
      expect(error.message).toBe("NotFound (404) in Users.get: resource_not_found: No user was found with id user_gone")
      expect(yield* sent).toEqual(["GET /v1/users?user_id=user_a&user_id=user_gone&limit=2"])
    }).pipe(batched(clerk(new Set(["user_a"]))))
  )

  it.effect("a get alone on its batch is the get itself, unchanged", () =>
    Effect.gen(function* () {
      expect((yield* Users.get("user_a")).id).toBe("user_a")
      const missing = yield* Effect.flip(Users.get("user_gone"))
      expect(missing._tag).toBe("NotFound")
      expect(missing).toMatchObject({ attempts: 1 })
      // the same id twice in one batch: one get
      yield* getAll(["user_a", "user_a"])
      expect(yield* sent).toEqual(["GET /v1/users/user_a", "GET /v1/users/user_gone", "GET /v1/users/user_a"])
    }).pipe(batched(clerk(new Set(["user_a"]))))
  )

  it.effect("the same id twice in a batch is asked once, and both callers get it", () =>
    Effect.gen(function* () {
      const results = yield* getAll(["user_a", "user_b", "user_a"])
      expect(results.map((result) => Either.getOrThrow(result).id)).toEqual(["user_a", "user_b", "user_a"])
      expect(yield* sent).toEqual(["GET /v1/users?user_id=user_a&user_id=user_b&limit=2"])
    }).pipe(batched(clerk(new Set(["user_a", "user_b"]))))
  )

  it.effect("ids that could change the filter's meaning are never in it: each goes to its own get", () =>
    Effect.gen(function* () {
      const results = yield* getAll(["user_a", "user_b", "-user_a", "+user_b", "user_a,user_b", "", "..", "USER_A"])
      expect(results.slice(0, 2).map((result) => Either.getOrThrow(result).id)).toEqual(["user_a", "user_b"])
      expect(results.slice(2).map((result) => Either.flip(result).pipe(Either.getOrThrow)._tag)).toEqual([
        "NotFound",
        "NotFound",
        "NotFound",
        "InvalidInput",
        "InvalidInput",
        "NotFound"
      ])
      expect((yield* sent).sort()).toEqual(
        [
          "GET /v1/users?user_id=user_a&user_id=user_b&limit=2",
          "GET /v1/users/-user_a",
          "GET /v1/users/%2Buser_b",
          "GET /v1/users/user_a%2Cuser_b",
          "GET /v1/users/USER_A"
        ].sort()
      )
    }).pipe(batched(clerk(new Set(["user_a", "user_b"]))))
  )

  for (const [status, tag, extra] of [
    [429, "TooManyRequests", { retryAfter: 7 }],
    [500, "ServerError", {}],
    [401, "Unauthorized", {}],
    [400, "BadRequest", {}],
    // 422 is documented for Users.list, not for Users.get: a get meeting it is an UnexpectedResponse
    [422, "UnexpectedResponse", { reason: "UnexpectedStatus" }]
  ] as const) {
    it.effect(`a list call's ${status} is every caller's ${tag}`, () =>
      Effect.gen(function* () {
        const results = yield* getAll(["user_a", "user_b", "user_c"])
        const errors = results.map((result) => Either.flip(result).pipe(Either.getOrThrow))
        for (const error of errors) {
          expect(error._tag).toBe(tag)
          expect(error).toMatchObject({
            status,
            operation: "Users.list",
            clerk_trace_id: "trace_1",
            errors: [{ code: "some_code" }],
            ...extra
          })
        }
        expect(yield* sent).toEqual(["GET /v1/users?user_id=user_a&user_id=user_b&user_id=user_c&limit=3"])
      }).pipe(
        batched(() =>
          ClerkTest.clerkError(status, "some_code", "message", {
            traceId: "trace_1",
            headers: status === 429 ? { "retry-after": "7" } : {}
          })
        )
      )
    )
  }

  it.effect("a broken connection is every caller's TransportError", () =>
    Effect.gen(function* () {
      const results = yield* getAll(["user_a", "user_b"])
      for (const result of results) {
        const error = Either.flip(result).pipe(Either.getOrThrow)
        expect(error._tag).toBe("TransportError")
      }
    }).pipe(batched(() => Promise.reject(new Error("socket hang up"))))
  )

  it.effect("the list call runs under the options around the batch, retries included", () =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(getAll(["user_a", "user_b"]).pipe(ClerkClient.withRetry({ maxAttempts: 2 })))
      yield* TestClock.adjust("10 seconds")
      const results = yield* Fiber.join(fiber)
      expect(results.map((result) => Either.getOrThrow(result).id)).toEqual(["user_a", "user_b"])
      expect(yield* sent).toEqual([
        "GET /v1/users?user_id=user_a&user_id=user_b&limit=2",
        "GET /v1/users?user_id=user_a&user_id=user_b&limit=2"
      ])
    }).pipe(batched(unavailableOnce(clerk(new Set(["user_a", "user_b"])))))
  )

  it.effect("gets under different options are sent apart, each under its own", () =>
    Effect.gen(function* () {
      const results = yield* Effect.all(
        [
          Users.get("user_a"),
          Users.get("user_b"),
          Users.get("user_c").pipe(ClerkClient.withTimeout("1 second")),
          Users.get("user_d").pipe(ClerkClient.withTimeout("2 seconds"))
        ],
        { batching: true, concurrency: "unbounded" }
      )
      expect(results.map((result) => result.id)).toEqual(["user_a", "user_b", "user_c", "user_d"])
      expect((yield* sent).sort()).toEqual([
        "GET /v1/users/user_c",
        "GET /v1/users/user_d",
        "GET /v1/users?user_id=user_a&user_id=user_b&limit=2"
      ])
    }).pipe(batched(clerk(new Set(["user_a", "user_b", "user_c", "user_d"]))))
  )

  it.effect("without the layer, gets are unchanged: one request each", () =>
    Effect.gen(function* () {
      yield* getAll(["user_a", "user_b"])
      expect(yield* sent).toEqual(["GET /v1/users/user_a", "GET /v1/users/user_b"])
    }).pipe(Effect.provide(Users.layer.pipe(Layer.provideMerge(ClerkTest.layer(clerk(new Set(["user_a"])))))))
  )

  describe("Organizations", () => {
    const getOrgs = (calls: ReadonlyArray<readonly [string, Organizations.GetParams?]>) =>
      Effect.forEach(calls, ([id, params]) => Effect.either(Organizations.get(id, params)), {
        batching: true,
        concurrency: "unbounded"
      })

    it.effect("gets by id are one list call with organization_id, grouped by their flags; slugs are gets", () =>
      Effect.gen(function* () {
        const results = yield* getOrgs([
          ["org_a"],
          ["org_b"],
          ["org_gone"],
          ["org_c", { include_members_count: true }],
          ["org_d", { include_members_count: true }],
          ["acme"]
        ])
        expect(results.map((result) => (Either.isRight(result) ? result.right.id : result.left._tag))).toEqual([
          "org_a",
          "org_b",
          "NotFound",
          "org_c",
          "org_d",
          "NotFound"
        ])
        expect(Either.flip(results[2]!).pipe(Either.getOrThrow)).toMatchObject({
          status: 404,
          operation: "Organizations.get",
          errors: [{ code: "resource_not_found" }]
        })
        expect((yield* sent).sort()).toEqual([
          "GET /v1/organizations/acme",
          "GET /v1/organizations?include_members_count=true&organization_id=org_c&organization_id=org_d&limit=2",
          "GET /v1/organizations?organization_id=org_a&organization_id=org_b&organization_id=org_gone&limit=3"
        ])
      }).pipe(batched(clerk(new Set(["org_a", "org_b", "org_c", "org_d"]))))
    )

    it.effect("a list status the get does not document (400) is an UnexpectedResponse; 403 stays Forbidden", () =>
      Effect.gen(function* () {
        const failures = (calls: ReadonlyArray<readonly [string]>) =>
          getOrgs(calls).pipe(
            Effect.map((results) => results.map((result) => Either.flip(result).pipe(Either.getOrThrow)))
          )
        const results = yield* Effect.map(
          Effect.zip(failures([["org_400"], ["org_b"]]), failures([["org_403"], ["org_c"]])),
          ([first, second]) => [...first, ...second]
        ).pipe(Effect.provide(ClerkBatching.layerOrganizations()))
        expect(results.map((error) => error._tag)).toEqual([
          "UnexpectedResponse",
          "UnexpectedResponse",
          "Forbidden",
          "Forbidden"
        ])
        expect(results[0]).toMatchObject({ status: 400, reason: "UnexpectedStatus", operation: "Organizations.list" })
      }).pipe(
        Effect.provide(
          ClerkTest.layer((request) => {
            const ids = request.url.searchParams.getAll("organization_id")
            return ClerkTest.clerkError(ids.includes("org_400") ? 400 : 403, "denied", "denied")
          })
        )
      )
    )
  })

  it.effect("with a dataLoader resolver, gets of separate fibers within the window share a list call", () =>
    Effect.gen(function* () {
      const a = yield* Effect.fork(Users.get("user_a"))
      const b = yield* Effect.fork(Users.get("user_b"))
      yield* TestClock.adjust("10 millis")
      expect((yield* Fiber.join(a)).id).toBe("user_a")
      expect((yield* Fiber.join(b)).id).toBe("user_b")
      expect(yield* sent).toEqual(["GET /v1/users?user_id=user_a&user_id=user_b&limit=2"])
    }).pipe(
      Effect.provide(
        ClerkBatching.layerUsers({ resolver: DataLoader.dataLoader({ window: "10 millis" }) }).pipe(
          Layer.provideMerge(ClerkTest.layer(clerk(new Set(["user_a", "user_b"]))))
        )
      )
    )
  )

  it.effect("with a dataLoader resolver, the list call still runs under the callers' options", () =>
    Effect.gen(function* () {
      // the loader's fiber is not the callers': their RequestOptions travel with the requests
      const both = yield* Effect.fork(
        Effect.all([Users.get("user_a"), Users.get("user_b")], { concurrency: "unbounded" }).pipe(
          ClerkClient.withRetry({ maxAttempts: 2, initialDelay: "1 second" })
        )
      )
      yield* TestClock.adjust("10 millis")
      yield* TestClock.adjust("2 seconds")
      expect((yield* Fiber.join(both)).map((found) => found.id)).toEqual(["user_a", "user_b"])
      expect(yield* sent).toEqual([
        "GET /v1/users?user_id=user_a&user_id=user_b&limit=2",
        "GET /v1/users?user_id=user_a&user_id=user_b&limit=2"
      ])
    }).pipe(
      Effect.provide(
        ClerkBatching.layerUsers({ resolver: DataLoader.dataLoader({ window: "10 millis" }) }).pipe(
          Layer.provideMerge(ClerkTest.layer(unavailableOnce(clerk(new Set(["user_a", "user_b"])))))
        )
      )
    )
  )
})
