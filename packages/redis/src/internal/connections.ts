/**
 * The Redis connections of a store's layer: ioredis' options with a `retryStrategy` that stops
 * reconnecting once the layer closes, so that a Redis down at shutdown cannot keep the process
 * alive; closing (the connections' `QUIT`) waits 5 s at most, and its failure is logged at Debug
 * rather than raised. Shared by every store of this package.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import type { RedisOptions } from "ioredis"

/** The layer `build` makes over `options` (made reconnect-until-closed), its connections closed as above. */
export const scopedConnections = <ROut, E>(
  options: RedisOptions,
  what: string,
  build: (redis: RedisOptions) => Layer.Layer<ROut, E>
): Layer.Layer<ROut, E> =>
  Layer.scopedContext(
    Effect.gen(function* () {
      let closing = false
      const { retryStrategy, ...rest } = options
      const redis: RedisOptions = {
        ...rest,
        // ioredis' default backoff, until the layer closes
        retryStrategy: (times) => (closing ? null : retryStrategy ? retryStrategy(times) : Math.min(times * 50, 2000))
      }
      const connections = yield* Scope.make()
      yield* Effect.addFinalizer(() =>
        Effect.suspend(() => {
          closing = true
          return Scope.close(connections, Exit.void)
        }).pipe(
          Effect.timeout("5 seconds"),
          Effect.catchAllCause((cause) => Effect.logDebug(`${what} closed with an error`, cause))
        )
      )
      return yield* Layer.buildWithScope(build(redis), connections)
    })
  )
