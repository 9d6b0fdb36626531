/**
 * A `WebhookDeduplication.Store` shared by every replica of a webhook endpoint, in Redis, built on
 * Effect's own Redis-backed abstractions from `@effect/experimental` (no Redis command of ours):
 *
 * - the claim is `RateLimiterStore.fixedWindow` with a limit of 1 and a window of the lease
 *   (`RateLimiter/Redis`): one Lua script, so atomic in Redis: of concurrent claims of one key,
 *   exactly one gets the token, whichever replica sends it;
 * - the handled marker and the release are `Persistence.BackingPersistence` entries with a TTL
 *   (`Persistence/Redis`: `SET ... PX`). A release does not delete the claim (neither abstraction can
 *   delete a window atomically): it moves the id to its next generation, whose claim key is fresh.
 *
 * Why not one abstraction: `Persistence` and `KeyValueStore` have no conditional write (get then set
 * is two round trips: two replicas both see "absent" and both run the handler), and a fixed window
 * cannot record "handled" or be released. Together they give claim, complete and release, each
 * through Effect's stores.
 *
 * Keys (prefix `effect-clerk:webhook` by default): `<prefix>:claim:<id>:<generation>` (lives for the
 * lease), `<prefix>:handled:<id>` and `<prefix>:released:<id>` (live for the TTL).
 *
 * @since 0.1.0
 */
import type { WebhookDeduplication } from "@effect-clerk/auth"
import * as PersistenceRedis from "@effect/experimental/Persistence/Redis"
import * as RateLimiterRedis from "@effect/experimental/RateLimiter/Redis"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { RedisOptions } from "ioredis"
import { scopedConnections } from "./internal/connections.js"
import { layerStore } from "./internal/store.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The prefix of every key. Default `effect-clerk:webhook`. */
  readonly prefix?: string | undefined
}

/**
 * The store in Redis: `@effect/experimental`'s `RateLimiter/Redis` and `Persistence/Redis` with
 * these ioredis options (each opens its connection; both close with the layer). Provide it where
 * the server's layers are built, so that it lives as long as the server: `Webhook.handler` takes it
 * from its context.
 *
 * When Redis cannot be reached, ioredis queues commands while it reconnects; `Webhook.handler` waits
 * at most its `deduplication.timeout` (2 s) and answers 503 (Svix retries later). When the layer
 * closes, reconnecting stops (ioredis' `retryStrategy` answers null from then on): a Redis that is
 * down at shutdown cannot keep the process alive, and the connections' failed `QUIT` is logged at
 * Debug rather than raised (closing waits 5 s at most).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: RedisOptions & Options): Layer.Layer<WebhookDeduplication.Store> => {
  const { prefix: _prefix, ...redis } = options
  return scopedConnections(redis, "Redis de-duplication store", (connection) =>
    layerStore(options).pipe(
      Layer.provide(
        Layer.merge(RateLimiterRedis.layerStore({ ...connection, prefix: "" }), PersistenceRedis.layer(connection))
      )
    )
  )
}

/**
 * `layer` with the ioredis options read from config (`Config.all({ host: Config.string("REDIS_HOST"), ... })`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config<RedisOptions & Options>
): Layer.Layer<WebhookDeduplication.Store, ConfigError.ConfigError> => Layer.unwrapEffect(Effect.map(options, layer))
