/**
 * De-duplication of webhook deliveries on their `svix-id`: Svix retries a delivery with the same
 * id, and a captured delivery replays within the tolerance window, so without it a handler may run
 * twice. `Webhook.handler` claims each id before running the handler:
 *
 * - `Claimed`: this delivery runs the handler; on success the id is marked handled for `ttl`, on
 *   failure (or interruption) the claim is released, so that Svix's retry runs the handler again;
 * - `Handled`: an earlier delivery of this id was handled: answered 2xx without running anything;
 * - `InProgress`: another delivery of this id is running its handler right now: answered 409, so
 *   that Svix retries later (by then it is handled, or released).
 *
 * A claim holds for `lease` at most (a process that dies while handling cannot block its id for
 * longer). The default store is in memory (one process); `@effect-clerk/redis` provides one shared
 * by every replica, whose claim is atomic in Redis.
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

/**
 * The store could not be asked (unreachable, timed out). `Webhook.handler` answers 503 and runs
 * nothing, so that Svix retries the delivery later.
 *
 * @since 0.2.0
 * @category errors
 */
export class DeduplicationError extends Schema.TaggedError<DeduplicationError>("@effect-clerk/auth/DeduplicationError")(
  "DeduplicationError",
  {
    message: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {}

/**
 * What a claim found.
 *
 * @since 0.2.0
 * @category models
 */
export type Claim =
  | {
      readonly _tag: "Claimed"
      /** Marks the id handled for the claim's `ttl`. */
      readonly complete: Effect.Effect<void, DeduplicationError>
      /** Gives the claim up: the next delivery of the id runs the handler. */
      readonly release: Effect.Effect<void, DeduplicationError>
    }
  | { readonly _tag: "Handled" }
  | { readonly _tag: "InProgress" }

/**
 * @since 0.2.0
 * @category models
 */
export interface ClaimOptions {
  /** How long the claim holds while the handler runs. */
  readonly lease: Duration.Duration
  /** How long a handled id is remembered. */
  readonly ttl: Duration.Duration
}

/**
 * Where delivery ids are claimed. `Webhook.handler` uses the one in its context, else a new
 * in-memory one.
 *
 * @since 0.2.0
 * @category tags
 */
export class Store extends Context.Tag("@effect-clerk/auth/WebhookDeduplication/Store")<Store, Store.Service>() {}

/**
 * @since 0.2.0
 */
export declare namespace Store {
  /**
   * @since 0.2.0
   * @category models
   */
  export interface Service {
    /**
     * Atomically: claims `id` when no delivery holds or has handled it, else says which. Of
     * concurrent claims of one id, exactly one is `Claimed`.
     */
    readonly claim: (id: string, options: ClaimOptions) => Effect.Effect<Claim, DeduplicationError>
  }
}

interface Entry {
  readonly handled: boolean
  readonly expiresAt: number
  readonly owner: object
}

/**
 * An in-memory store (one process). At most `maxEntries` ids are kept (default 100,000): past that,
 * expired ones are dropped first, then the oldest.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeMemory = (options: { readonly maxEntries?: number | undefined } = {}): Store.Service => {
  const maxEntries = options.maxEntries ?? 100_000
  const entries = new Map<string, Entry>()

  const prune = (now: number) => {
    if (entries.size < maxEntries) return
    for (const [id, entry] of entries) if (entry.expiresAt <= now) entries.delete(id)
    for (const id of entries.keys()) {
      if (entries.size < maxEntries) break
      entries.delete(id)
    }
  }

  // Each step is synchronous, so a claim is atomic within the process.
  const update = (id: string, owner: object, next: (now: number) => Entry | undefined) =>
    Effect.clockWith((clock) =>
      Effect.sync(() => {
        if (entries.get(id)?.owner !== owner) return
        const entry = next(clock.unsafeCurrentTimeMillis())
        entries.delete(id)
        if (entry !== undefined) entries.set(id, entry)
      })
    )

  return Store.of({
    claim: (id, { lease, ttl }) =>
      Effect.clockWith((clock) =>
        Effect.sync((): Claim => {
          const now = clock.unsafeCurrentTimeMillis()
          const current = entries.get(id)
          if (current !== undefined && current.expiresAt > now) {
            return current.handled ? { _tag: "Handled" } : { _tag: "InProgress" }
          }
          prune(now)
          const owner = {}
          entries.delete(id)
          entries.set(id, { handled: false, expiresAt: now + Duration.toMillis(lease), owner })
          return {
            _tag: "Claimed",
            complete: update(id, owner, (at) => ({ handled: true, expiresAt: at + Duration.toMillis(ttl), owner })),
            release: update(id, owner, () => undefined)
          }
        })
      )
  })
}

/**
 * `makeMemory` as a layer: one store for every handler that gets it from the context.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemory = (options: { readonly maxEntries?: number | undefined } = {}): Layer.Layer<Store> =>
  Layer.sync(Store, () => makeMemory(options))
