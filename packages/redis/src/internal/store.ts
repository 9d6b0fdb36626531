/**
 * The de-duplication store over the two Effect services it is built on, whatever backs them (Redis
 * in `RedisDeduplication.layer`; the in-memory ones in tests). Internal: its signature names
 * `@effect/experimental`'s `Persistence`, whose declarations need the DOM's `Storage` type, which a
 * user's strict `lib: ["ES2022"]` project does not have; the public module names only ioredis' options.
 */
import { WebhookDeduplication } from "@effect-clerk/auth"
import * as Persistence from "@effect/experimental/Persistence"
import * as RateLimiter from "@effect/experimental/RateLimiter"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"

export interface Options {
  /** The prefix of every key. Default `effect-clerk:webhook`. */
  readonly prefix?: string | undefined
}

const DEFAULT_PREFIX = "effect-clerk:webhook"

const storeError = (cause: unknown) =>
  new WebhookDeduplication.DeduplicationError({
    message: `the Redis de-duplication store failed: ${
      cause instanceof Error || (typeof cause === "object" && cause !== null && "message" in cause)
        ? String((cause as { message: unknown }).message).slice(0, 200)
        : "unknown error"
    }`,
    cause
  })

export const makeStore = (
  options: Options = {}
): Effect.Effect<
  WebhookDeduplication.Store.Service,
  never,
  RateLimiter.RateLimiterStore | Persistence.BackingPersistence | Scope.Scope
> =>
  Effect.gen(function* () {
    const prefix = options.prefix ?? DEFAULT_PREFIX
    const limiter = yield* RateLimiter.RateLimiterStore
    const entries = yield* (yield* Persistence.BackingPersistence).make(prefix)

    const generation = (id: string) =>
      Effect.map(entries.get(`released:${id}`), (found) =>
        Option.match(found, { onNone: () => 0, onSome: (value) => (typeof value === "number" ? value : 0) })
      )
    const handled = (id: string) => Effect.map(entries.get(`handled:${id}`), Option.isSome)

    const claim = (id: string, { lease, ttl }: WebhookDeduplication.ClaimOptions) =>
      Effect.gen(function* () {
        if (yield* handled(id)) return { _tag: "Handled" } as const
        const current = yield* generation(id)
        const [count] = yield* limiter.fixedWindow({
          key: `${prefix}:claim:${id}:${current}`,
          tokens: 1,
          refillRate: lease,
          limit: 1
        })
        if (count > 1) return { _tag: "InProgress" } as const
        // the holder before us may have completed between our first look and our claim
        if (yield* handled(id)) return { _tag: "Handled" } as const
        return {
          _tag: "Claimed",
          complete: Effect.mapError(entries.set(`handled:${id}`, true, Option.some(ttl)), storeError),
          release: Effect.mapError(entries.set(`released:${id}`, current + 1, Option.some(ttl)), storeError)
        } as const
      }).pipe(Effect.mapError(storeError))

    return WebhookDeduplication.Store.of({ claim })
  })

/** `makeStore` as a layer over the two services. */
export const layerStore = (
  options: Options = {}
): Layer.Layer<WebhookDeduplication.Store, never, RateLimiter.RateLimiterStore | Persistence.BackingPersistence> =>
  Layer.scoped(WebhookDeduplication.Store, makeStore(options))
