/**
 * The in-process store of the pacing layer (`ClerkRateLimit.layerStoreMemory`, and the fallback of
 * every other store): one of effect's own `RateLimiter`s (effect/RateLimiter, fixed window) per key
 * and budget, made on first use in the store's scope.
 *
 * A waiter is a permit taken from the limiter's semaphore; a wait that reaches `maxWait` is
 * interrupted, which takes no permit (the limiter takes it uninterruptibly only once it is free).
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as RateLimiter from "effect/RateLimiter"
import * as Scope from "effect/Scope"

export interface Take {
  readonly key: string
  readonly limit: number
  readonly window: Duration.Duration
  readonly maxWait: Duration.Duration
}

/** `take`: `true` once a permit of `key`'s budget is taken, `false` when none is free within `maxWait`. */
export const make: Effect.Effect<(request: Take) => Effect.Effect<boolean>, never, Scope.Scope> = Effect.gen(
  function* () {
    const scope = yield* Effect.scope
    const limiters = new Map<string, RateLimiter.RateLimiter>()
    const creating = yield* Effect.makeSemaphore(1)
    const limiterOf = (request: Take): Effect.Effect<RateLimiter.RateLimiter> => {
      const id = `${request.key}\u0000${request.limit}\u0000${Duration.toMillis(request.window)}`
      const found = limiters.get(id)
      if (found !== undefined) return Effect.succeed(found)
      return creating.withPermits(1)(
        Effect.suspend(() => {
          const made = limiters.get(id)
          if (made !== undefined) return Effect.succeed(made)
          const limiter = RateLimiter.make({
            limit: request.limit,
            interval: request.window,
            algorithm: "fixed-window"
          })
          return Effect.tap(Scope.extend(limiter, scope), (limiter) => limiters.set(id, limiter))
        })
      )
    }
    return (request) =>
      Effect.flatMap(limiterOf(request), (limiter) =>
        Effect.map(Effect.timeoutOption(limiter(Effect.void), request.maxWait), Option.isSome)
      )
  }
)
