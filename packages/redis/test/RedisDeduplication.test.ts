/**
 * The store's logic over the in-memory versions of the two services it is built on (no Redis: this
 * file runs under `pnpm test`); RedisDeduplication.redis.test.ts runs it on a real Redis.
 */
import { WebhookDeduplication } from "@effect-clerk/auth"
import * as Persistence from "@effect/experimental/Persistence"
import * as RateLimiter from "@effect/experimental/RateLimiter"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as Store from "../src/internal/store.js"

const memory = Store.layerStore().pipe(
  Layer.provide(Layer.merge(RateLimiter.layerStoreMemory, Persistence.layerMemory))
)
const options = { lease: Duration.seconds(30), ttl: Duration.minutes(10) }
const claim = (id: string) => Effect.flatMap(WebhookDeduplication.Store, (store) => store.claim(id, options))
const tags = (ids: ReadonlyArray<string>) =>
  Effect.map(Effect.all(ids.map(claim), { concurrency: "unbounded" }), (claims) => claims.map((c) => c._tag))

describe("the Redis store's logic (internal/store.ts, over in-memory stores)", () => {
  it.effect("claim, then in progress; complete, then handled for the ttl", () =>
    Effect.gen(function* () {
      const first = yield* claim("msg_1")
      expect(first._tag).toBe("Claimed")
      expect(yield* tags(["msg_1", "msg_1"])).toEqual(["InProgress", "InProgress"])
      if (first._tag === "Claimed") yield* first.complete
      expect(yield* tags(["msg_1"])).toEqual(["Handled"])
      yield* TestClock.adjust("11 minutes")
      expect(yield* tags(["msg_1"])).toEqual(["Claimed"])
    }).pipe(Effect.provide(memory))
  )

  it.effect("release: the next delivery claims the id again at once (its next generation); once", () =>
    Effect.gen(function* () {
      const first = yield* claim("msg_r")
      if (first._tag === "Claimed") yield* first.release
      const again = yield* tags(["msg_r", "msg_r", "msg_r"])
      expect(again.filter((tag) => tag === "Claimed")).toHaveLength(1)
      expect(again.filter((tag) => tag === "InProgress")).toHaveLength(2)
    }).pipe(Effect.provide(memory))
  )

  it.effect("a holder that never settles frees the id after the lease", () =>
    Effect.gen(function* () {
      yield* claim("msg_l")
      expect(yield* tags(["msg_l"])).toEqual(["InProgress"])
      yield* TestClock.adjust("31 seconds")
      expect(yield* tags(["msg_l"])).toEqual(["Claimed"])
    }).pipe(Effect.provide(memory))
  )

  it.effect("a holder past its lease that completes meanwhile: the next claim sees it handled", () =>
    Effect.gen(function* () {
      const slow = yield* claim("msg_s")
      yield* TestClock.adjust("31 seconds")
      if (slow._tag === "Claimed") yield* slow.complete
      expect(yield* tags(["msg_s"])).toEqual(["Handled"])
    }).pipe(Effect.provide(memory))
  )
})
