/**
 * `ClerkBatching` (issue 17 item 3) against the emulator: over random sets of ids, existing and
 * missing, and ids that must not reach the filter, the batched gets answer exactly what the plain
 * gets answer: the same values, the same errors (tag, status, Clerk's code), in fewer requests.
 */
import { ClerkBatching, ClerkClient, Organizations, Users } from "@effect-clerk/backend"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Emulator from "../src/Emulator.js"

const USERS = 120
const ORGANIZATIONS = 110

const emulator = Emulator.make({
  seed: {
    users: Array.from({ length: USERS }, (_, i) => ({ id: `user_seed${i}`, username: `someone${i}` })),
    organizations: Array.from({ length: ORGANIZATIONS }, (_, i) => ({
      id: `org_seed${i}`,
      name: `Org ${i}`,
      slug: `org-${i}`
    }))
  }
})

let sent = 0
const client = ClerkClient.layer({
  secretKey: Redacted.make("sk_test_batching"),
  // counts the requests that reach the emulator
  transformClient: HttpClient.tapRequest(() => Effect.sync(() => sent++))
}).pipe(Layer.provideMerge(Emulator.layerWith(emulator)))
const plain = Layer.merge(Users.layer, Organizations.layer).pipe(Layer.provideMerge(client))
const batched = ClerkBatching.layer().pipe(Layer.provideMerge(client))

/** An id: a seeded one, an unknown one (well-formed), or one that must not reach the filter. */
const userId = FastCheck.oneof(
  FastCheck.integer({ min: 0, max: USERS - 1 }).map((i) => `user_seed${i}`),
  FastCheck.stringMatching(/^user_[A-Za-z0-9]{1,12}$/),
  FastCheck.constantFrom("-user_seed1", "+user_seed2", "user_seed3,user_seed4", "", "..", "user_seed5 ")
)
const organizationId = FastCheck.oneof(
  FastCheck.integer({ min: 0, max: ORGANIZATIONS - 1 }).map((i) => `org_seed${i}`),
  FastCheck.integer({ min: 0, max: ORGANIZATIONS - 1 }).map((i) => `org-${i}`), // a slug
  FastCheck.stringMatching(/^org_[A-Za-z0-9]{1,12}$/),
  FastCheck.constantFrom("-org_seed1", "+org_seed2", "")
)
const flags = FastCheck.option(FastCheck.record({ include_members_count: FastCheck.boolean() }, { requiredKeys: [] }), {
  nil: undefined
})

/** What a caller can compare: the value, or the error's tag, status and Clerk's code. */
const outcome = (result: Either.Either<unknown, { readonly _tag: string }>) =>
  Either.isRight(result)
    ? { value: result.right }
    : {
        tag: result.left._tag,
        status: (result.left as { status?: number }).status,
        code: (result.left as { errors?: ReadonlyArray<{ code: string }> }).errors?.[0]?.code
      }

const countRequests = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const before = sent
    const value = yield* self
    return { value, requests: sent - before }
  })

/**
 * `getAll` run plain, then batched: the same outcomes, in never more requests than the plain gets.
 */
const plainAndBatched = <A>(
  getAll: Effect.Effect<
    ReadonlyArray<Either.Either<A, { readonly _tag: string }>>,
    never,
    Users.Users | Organizations.Organizations
  >
) =>
  Effect.gen(function* () {
    const one = yield* countRequests(getAll.pipe(Effect.provide(plain)))
    const many = yield* countRequests(getAll.pipe(Effect.provide(batched)))
    expect(many.value.map(outcome)).toEqual(one.value.map(outcome))
    expect(many.requests).toBeLessThanOrEqual(one.requests)
    return { one, many }
  })

describe("ClerkBatching against the emulator", () => {
  it.effect.prop(
    "Users.get: batched results equal the plain gets' for any set of ids",
    [FastCheck.array(userId, { minLength: 0, maxLength: 160 })],
    ([ids]) =>
      Effect.gen(function* () {
        const getAll = Effect.forEach(ids, (id) => Effect.either(Users.get(id)), {
          batching: true,
          concurrency: "unbounded"
        })
        const { one, many } = yield* plainAndBatched(getAll)
        // fewer requests as soon as two well-formed ids meet
        const wellFormed = new Set(ids.filter((id) => /^user_[A-Za-z0-9]+$/.test(id)))
        if (wellFormed.size >= 2) expect(many.requests).toBeLessThan(one.requests)
      }),
    { timeout: 120_000, fastCheck: { numRuns: 20 } }
  )

  it.effect.prop(
    "Organizations.get: batched results equal the plain gets' for any ids, slugs and flags",
    [FastCheck.array(FastCheck.tuple(organizationId, flags), { minLength: 0, maxLength: 160 })],
    ([calls]) =>
      Effect.gen(function* () {
        const getAll = Effect.forEach(calls, ([id, params]) => Effect.either(Organizations.get(id, params)), {
          batching: true,
          concurrency: "unbounded"
        })
        yield* plainAndBatched(getAll)
      }),
    { timeout: 120_000, fastCheck: { numRuns: 20 } }
  )

  it.effect("the seeded ids, all at once: 3 list calls of at most 100 instead of 230 gets", () =>
    Effect.gen(function* () {
      const ids = [
        ...Array.from({ length: USERS }, (_, i) => `user_seed${i}`),
        ...Array.from({ length: 110 }, (_, i) => `user_missing${i}`)
      ]
      const { value, requests } = yield* countRequests(
        Effect.forEach(ids, (id) => Effect.either(Users.get(id)), { batching: true, concurrency: "unbounded" }).pipe(
          Effect.provide(batched)
        )
      )
      expect(requests).toBe(3)
      expect(value.filter(Either.isRight)).toHaveLength(USERS)
      expect(value.filter(Either.isLeft).map((result) => result.left._tag)).toEqual(Array(110).fill("NotFound"))
    })
  )
})
