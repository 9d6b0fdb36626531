/**
 * Clerk's rate limit, kept on the client's side. Clerk limits the Backend API per instance (per
 * secret key): 100 requests per 10 seconds on a development instance, 1000 on a production one; a
 * few operations have a limit of their own (`ClerkOperation.RateLimit`); JWKS is not limited.
 *
 * - **One pause per client** (always on, nothing to install): when a call meets a 429 with
 *   `Retry-After`, every call of the same `ClerkClient` waits until then before it sends (not only
 *   the one that met it). A call whose attempt time limit ends before the pause fails at once with
 *   a `TransportError` of reason `"Timeout"`, nothing sent. A 429 of an operation with a limit of its
 *   own pauses only that operation.
 * - **A budget** (opt in: `layer` / `layerMemory`): before each attempt the call takes one request
 *   of the instance's budget (and of its operation's own, when it has one) from a `Store`: in memory
 *   (`layerStoreMemory`, effect's `RateLimiter`) or shared by every replica (Redis, in
 *   `@effect-clerk/redis`, which carries the Redis dependencies this package does not).
 *
 * Either wait counts against the attempt's time limit (`RequestOptions.timeout`), shows as a span
 * event `clerk.rate_limit.wait` on the call's span and in the histogram `clerk_rate_limit_wait_seconds`
 * (tags `operation`, `reason`: `pause` or `budget`). Operations the limit does not count are never
 * held. The stores are keyed by a fingerprint of the secret key (SHA-256), never the key.
 *
 * @since 0.2.0
 */
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import type * as Scope from "effect/Scope"
import type { ClerkOperation } from "./ClerkOperation.js"
import * as MemoryStore from "./internal/memoryStore.js"
import * as Metrics from "./internal/metrics.js"
import { RateLimitStoreUnavailable } from "./internal/rateLimitError.js"
import * as Validate from "./internal/validate.js"

/**
 * At most `limit` requests per `window`.
 *
 * @since 0.2.0
 * @category models
 */
export interface Budget {
  readonly limit: number
  readonly window: Duration.DurationInput
}

/**
 * A development instance's limit: 100 requests per 10 seconds (the spec, on `CreateUser`; Clerk's
 * docs, "Rate limits"). The generator fails when the spec states another.
 *
 * @since 0.2.0
 * @category budgets
 */
export const development: Budget = { limit: 100, window: "10 seconds" }

/**
 * A production instance's limit: 1000 requests per 10 seconds (the spec, on `CreateUser`; Clerk's
 * docs, "Rate limits"). The generator fails when the spec states another.
 *
 * @since 0.2.0
 * @category budgets
 */
export const production: Budget = { limit: 1000, window: "10 seconds" }

/**
 * The default budget is the instance's limit over a window this much longer (11 s for Clerk's 10 s).
 * The client's window begins at its first reservation, Clerk's at the first request it receives, one
 * request's latency later: with windows of the same length, requests released as the client's window
 * turns can reach Clerk before its window has, and meet 429s. Measured with the fleet benchmark
 * (docs/guide/running-many-replicas.md, "Measured"): a budget of exactly the limit met 429s, the same
 * limit over a window 10 % longer none, with at least 90 % of the limit used.
 */
const WINDOW_GUARD = 1.1

const guarded = (budget: Validate.Budget): Validate.Budget => ({
  limit: budget.limit,
  window: Duration.millis(Math.ceil(Duration.toMillis(budget.window) * WINDOW_GUARD))
})

/**
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /**
   * The instance's budget. Default: by the secret key, `production` for an `sk_live_` key,
   * `development` for any other, each over a window 10 % longer than Clerk's (11 s), so that the
   * client's windows and Clerk's, which begin one request's latency apart, never overlap into a
   * 429. Set a lower one to leave room for other clients of the instance (and keep such a margin).
   */
  readonly budget?: Budget | undefined
  /**
   * Budgets of single operations by name (`"Invitations.bulkCreate"`), paced on top of the
   * instance's. They replace the documented ones (`ClerkOperation.RateLimit`), which apply by default.
   */
  readonly operations?: { readonly [name: string]: Budget } | undefined
  /**
   * When the store cannot be reached (or does not answer within `storeTimeout`): `"fallback"`
   * (default) paces by an in-process budget until it answers again, logging a warning once per
   * outage; `"fail"` fails the call with `RateLimitStoreUnavailable`, nothing sent.
   */
  readonly onStoreUnavailable?: "fail" | "fallback" | undefined
  /**
   * The longest one request to the store may take, besides waiting for room. Default 500 ms. During
   * an outage the store is asked again at most once a second; the other calls fall back (or fail) at once.
   */
  readonly storeTimeout?: Duration.DurationInput | undefined
}

export {
  /**
   * The pacing store could not be reached, and `onStoreUnavailable` is `"fail"`: nothing was sent.
   * Its `description` and `cause` never hold the secret key (stores see only its fingerprint).
   *
   * @since 0.2.0
   * @category errors
   */
  RateLimitStoreUnavailable
}

/**
 * Where budgets are counted: in memory (`layerStoreMemory`) or shared by a fleet
 * (`@effect-clerk/redis`'s `RedisRateLimit.layerStore`).
 *
 * @since 0.2.0
 * @category tags
 */
export class Store extends Context.Tag("@effect-clerk/backend/ClerkRateLimit/Store")<Store, Store.Service>() {}

/**
 * @since 0.2.0
 */
export declare namespace Store {
  /**
   * @since 0.2.0
   * @category models
   */
  export interface Service {
    /** For logs and errors: `memory`, `redis`. */
    readonly name: string
    /**
     * Takes one request of `key`'s budget (`limit` per `window`), waiting for room at most
     * `maxWait`: `true` once taken, `false` when there is none within `maxWait` (then nothing is
     * sent). A request to a remote store takes at most `timeout`, else `RateLimitStoreUnavailable`.
     */
    readonly take: (request: TakeRequest) => Effect.Effect<boolean, RateLimitStoreUnavailable>
  }

  /**
   * @since 0.2.0
   * @category models
   */
  export interface TakeRequest {
    /** The instance's fingerprint, then `:` and the operation's id for an operation's own budget. */
    readonly key: string
    readonly limit: number
    readonly window: Duration.Duration
    readonly maxWait: Duration.Duration
    readonly timeout: Duration.Duration
  }
}

/**
 * The pacing layer the runtime consults before each attempt of an operation the limit counts.
 * `ClerkClient.make` reads it when it is in context: provide it to the `ClerkClient`'s layer.
 *
 * @since 0.2.0
 * @category tags
 */
export class ClerkRateLimit extends Context.Tag("@effect-clerk/backend/ClerkRateLimit")<
  ClerkRateLimit,
  ClerkRateLimit.Service
>() {}

/**
 * @since 0.2.0
 */
export declare namespace ClerkRateLimit {
  /**
   * @since 0.2.0
   * @category models
   */
  export interface Service {
    /** Waits for room for one attempt: `true` to send, `false` when there is none within `maxWait`. */
    readonly take: (attempt: Attempt) => Effect.Effect<boolean, RateLimitStoreUnavailable>
  }

  /**
   * @since 0.2.0
   * @category models
   */
  export interface Attempt {
    readonly instance: Instance
    readonly operation: Pick<ClerkOperation, "name" | "operationId" | "rateLimit">
    readonly maxWait: Duration.Duration
  }

  /**
   * @since 0.2.0
   * @category models
   */
  export interface Instance {
    /** 32 hex digits of the SHA-256 of the secret key: the same for every replica, never the key. */
    readonly fingerprint: string
    /** An `sk_live_` key. */
    readonly production: boolean
  }
}

/** Once a store failed, the next request to it waits this long; until then calls fall back (or fail). */
const STORE_RETRY_MILLIS = 1000

/**
 * The pacing service over the `Store` in context, with an in-process fallback in the scope.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<ClerkRateLimit.Service, ConfigError.ConfigError, Store | Scope.Scope> =>
  Effect.gen(function* () {
    const store = yield* Store
    const fallback = yield* MemoryStore.make
    const fixed = options.budget === undefined ? undefined : yield* Validate.budget(options.budget, "budget")
    const presets = {
      development: guarded(yield* Validate.budget(development, "")),
      production: guarded(yield* Validate.budget(production, ""))
    }
    const overrides = new Map<string, Validate.Budget>()
    for (const [name, budget] of Object.entries(options.operations ?? {})) {
      overrides.set(name, yield* Validate.budget(budget, `operations.${name}`))
    }
    const storeTimeout = yield* Validate.positiveDuration(options.storeTimeout ?? "500 millis", "storeTimeout")
    const failFast = options.onStoreUnavailable === "fail"
    /** While the store is out: when it may be asked again. */
    let outage: { retryAt: number } | undefined

    const ownBudget = (operation: ClerkRateLimit.Attempt["operation"]): Validate.Budget | undefined => {
      const override = overrides.get(operation.name)
      if (override !== undefined) return override
      const own = operation.rateLimit
      return own === undefined || own === "exempt"
        ? undefined
        : { limit: own.limit, window: Duration.seconds(own.windowSeconds) }
    }

    /** One budget through the store, or through the fallback while the store is out. */
    const takeOne = (
      request: Store.TakeRequest,
      attempted: ClerkRateLimit.Attempt["operation"]
    ): Effect.Effect<boolean, RateLimitStoreUnavailable> =>
      Effect.clockWith((clock) => {
        const operation = attempted.name
        const now = clock.unsafeCurrentTimeMillis()
        const unavailable = (error: RateLimitStoreUnavailable) => new RateLimitStoreUnavailable({ ...error, operation })
        const degrade = (error: RateLimitStoreUnavailable): Effect.Effect<boolean, RateLimitStoreUnavailable> => {
          const first = outage === undefined
          outage = { retryAt: clock.unsafeCurrentTimeMillis() + STORE_RETRY_MILLIS }
          if (failFast) return Effect.fail(unavailable(error))
          const warn = first
            ? Effect.logWarning(
                `the rate-limit store (${store.name}) is unavailable; pacing by the in-process budget until it answers`
              ).pipe(Effect.annotateLogs({ reason: error.description }))
            : Effect.void
          return Effect.zipRight(warn, useFallback)
        }
        const useFallback = Effect.zipRight(
          Metric.increment(
            Metric.tagged(Metrics.rateLimitStoreFallback, Metrics.tags.operation, attempted.operationId)
          ),
          fallback(request)
        )
        if (outage !== undefined) {
          if (now < outage.retryAt) {
            return failFast
              ? Effect.fail(
                  new RateLimitStoreUnavailable({ operation, store: store.name, description: "the store is out" })
                )
              : useFallback
          }
          // this call asks the store again; the others keep falling back meanwhile
          outage = { retryAt: now + STORE_RETRY_MILLIS }
        }
        return store.take(request).pipe(
          // every request to the store has a time limit, whatever the store does
          Effect.timeoutFail({
            duration: Duration.sum(request.maxWait, storeTimeout),
            onTimeout: () =>
              new RateLimitStoreUnavailable({
                store: store.name,
                description: `no answer within ${Duration.format(storeTimeout)} beyond the wait`
              })
          }),
          Effect.matchEffect({
            onFailure: degrade,
            onSuccess: (taken) => {
              if (outage === undefined) return Effect.succeed(taken)
              outage = undefined
              return Effect.as(Effect.logInfo(`the rate-limit store (${store.name}) answers again`), taken)
            }
          })
        )
      })

    return ClerkRateLimit.of({
      take: ({ instance, maxWait, operation }) =>
        Effect.clockWith((clock) => {
          const started = clock.unsafeCurrentTimeMillis()
          const budget = fixed ?? (instance.production ? presets.production : presets.development)
          const global = (): Effect.Effect<boolean, RateLimitStoreUnavailable> =>
            takeOne(
              {
                key: instance.fingerprint,
                ...budget,
                maxWait: Duration.millis(
                  Math.max(0, Duration.toMillis(maxWait) - (clock.unsafeCurrentTimeMillis() - started))
                ),
                timeout: storeTimeout
              },
              operation
            )
          const own = ownBudget(operation)
          if (own === undefined) return global()
          // the scarcer budget first: a wait there leaves the instance's budget to other calls
          return Effect.flatMap(
            takeOne(
              { key: `${instance.fingerprint}:${operation.operationId}`, ...own, maxWait, timeout: storeTimeout },
              operation
            ),
            (taken) => (taken ? global() : Effect.succeed(false))
          )
        })
    })
  })

/**
 * The pacing layer over the `Store` in context. Provide it (with a store) to the `ClerkClient`'s
 * layer; `ClerkClient.make` reads it.
 *
 * @example
 * import { ClerkClient, ClerkRateLimit, Users } from "@effect-clerk/backend"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Layer from "effect/Layer"
 *
 * // every call of this client takes one request of the instance's budget before it sends
 * const Paced = ClerkRateLimit.layer({ budget: { limit: 80, window: "10 seconds" } }).pipe(
 *   Layer.provide(ClerkRateLimit.layerStoreMemory)
 * )
 * const ClerkLive = Users.layer.pipe(
 *   Layer.provideMerge(ClerkClient.layerConfig()),
 *   Layer.provide(Layer.merge(FetchHttpClient.layer, Paced))
 * )
 * console.log(Layer.isLayer(ClerkLive))
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<ClerkRateLimit, ConfigError.ConfigError, Store> =>
  Layer.scoped(ClerkRateLimit, make(options))

/**
 * The in-process store: effect's own `RateLimiter` (fixed window), one per instance and budget.
 * What one process needs; a fleet shares `@effect-clerk/redis`'s.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerStoreMemory: Layer.Layer<Store> = Layer.scoped(
  Store,
  Effect.map(MemoryStore.make, (take) => Store.of({ name: "memory", take }))
)

/**
 * `layer` over the in-process store: pacing for one process.
 *
 * @example
 * import { ClerkRateLimit, ClerkTest, Invitations } from "@effect-clerk/backend"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 *
 * // Invitations.bulkCreate is paced at its own 25 per hour (Clerk's docs) as well as the instance's
 * const TestClerk = Invitations.layer.pipe(
 *   Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(200, []))),
 *   Layer.provide(ClerkRateLimit.layerMemory())
 * )
 * const sent = Invitations.bulkCreate([{ email_address: "a@example.com" }]).pipe(Effect.provide(TestClerk))
 * Effect.runPromise(sent).then((invitations) => assert.deepStrictEqual(invitations, []))
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemory = (options: Options = {}): Layer.Layer<ClerkRateLimit, ConfigError.ConfigError> =>
  Layer.provide(layer(options), layerStoreMemory)
