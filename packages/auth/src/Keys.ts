/**
 * Where the keys that verify Clerk's JWTs come from: the instance's PEM public key
 * (`CLERK_JWT_KEY`, networkless), or the instance's JWKS fetched through `JWKS.get` and cached.
 *
 * @since 0.1.0
 */
import type * as JWKS from "@effect-clerk/backend/JWKS"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Jose from "jose"
import { JWKSService } from "./internal/jwks.js"
import { TokenVerificationError } from "./TokenError.js"

/**
 * A verification key, imported once (jose's `CryptoKey`).
 *
 * @since 0.1.0
 * @category models
 */
export type VerificationKey = Jose.CryptoKey

/**
 * @since 0.1.0
 * @category tags
 */
export class Keys extends Context.Tag("@effect-clerk/auth/Keys")<Keys, Keys.Service>() {}

/**
 * @since 0.1.0
 */
export declare namespace Keys {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /**
     * The key for a token's `kid` (the header's; `undefined` when it has none). Fails with
     * `unknown-kid` or `jwks-unavailable`.
     */
    readonly get: (kid: string | undefined) => Effect.Effect<VerificationKey, TokenVerificationError>
  }
}

/**
 * The PEM public key could not be imported.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidKey extends Schema.TaggedError<InvalidKey>("@effect-clerk/auth/InvalidKey")("InvalidKey", {
  message: Schema.String
}) {}

/**
 * Networkless: every token is verified with this one RS256 public key (Clerk's Dashboard, "API
 * keys" → "PEM public key"; what @clerk/backend calls `jwtKey`). The `kid` is not consulted, as in
 * Clerk's `loadClerkJwkFromPem` (packages/backend/src/tokens/keys.ts).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPem = (pem: string | Redacted.Redacted<string>): Layer.Layer<Keys, InvalidKey> =>
  Layer.effect(
    Keys,
    Effect.map(importPem(Redacted.isRedacted(pem) ? Redacted.value(pem) : pem), (key) =>
      Keys.of({ get: () => Effect.succeed(key) })
    )
  )

/**
 * `layerPem` reading `CLERK_JWT_KEY`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPemConfig = (
  pem: Config.Config<Redacted.Redacted<string>> = Config.redacted("CLERK_JWT_KEY")
): Layer.Layer<Keys, InvalidKey | import("effect/ConfigError").ConfigError> =>
  Layer.unwrapEffect(Effect.map(pem, layerPem))

const importPem = (pem: string): Effect.Effect<VerificationKey, InvalidKey> =>
  Effect.tryPromise({
    // Clerk's Dashboard shows the key with escaped newlines when copied into a single-line env var
    try: () => Jose.importSPKI(pem.replace(/\\n/g, "\n").trim(), "RS256"),
    catch: () => new InvalidKey({ message: "CLERK_JWT_KEY is not an RSA public key in PEM (SPKI) form" })
  })

/**
 * @since 0.1.0
 * @category models
 */
export interface JwksOptions {
  /** How long fetched keys are trusted before the JWKS is fetched again. Default 1 hour, as Clerk's SDK. */
  readonly ttl?: Duration.DurationInput | undefined
  /** At most one fetch per this interval, whatever tokens come in (unknown `kid`s). Default 5 seconds. */
  readonly minRefetchInterval?: Duration.DurationInput | undefined
  /** A fetch taking longer counts as failed (requests waiting on it are not held longer). Default 5 seconds. */
  readonly fetchTimeout?: Duration.DurationInput | undefined
}

interface CacheState {
  readonly keys: ReadonlyMap<string, VerificationKey>
  /** When the cached keys were fetched (ms), or undefined before the first success. */
  readonly fetchedAt: number | undefined
  /** When the last fetch was attempted (ms), success or not. */
  readonly attemptedAt: number | undefined
}

/**
 * Keys from the instance's JWKS, fetched with `JWKS.get` (so through the configured `ClerkClient`,
 * its base URL and secret key) and cached:
 *
 * - a key is served from the cache while it is younger than `ttl`;
 * - a `kid` that is not cached, or a stale cache, triggers one fetch; concurrent requests share it;
 * - fetches are rate-limited to one per `minRefetchInterval`, so a flood of tokens with random
 *   `kid`s cannot turn into a flood of calls to Clerk;
 * - when a fetch fails, keys already cached keep working (even past their TTL);
 * - after a successful fetch the cache holds exactly the JWKS's RS256 signing keys: a key Clerk
 *   rotated out stops verifying.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeJwks = (options: JwksOptions = {}): Effect.Effect<Keys.Service, never, JWKS.JWKS> =>
  Effect.gen(function* () {
    const jwks = yield* JWKSService
    const ttl = Duration.toMillis(options.ttl ?? Duration.hours(1))
    const minInterval = Duration.toMillis(options.minRefetchInterval ?? Duration.seconds(5))
    const state = yield* Ref.make<CacheState>({ keys: new Map(), fetchedAt: undefined, attemptedAt: undefined })
    const lock = yield* Effect.makeSemaphore(1)

    const timeout = options.fetchTimeout ?? Duration.seconds(5)
    const fetchKeys = (now: number) =>
      jwks.get().pipe(
        Effect.flatMap((set) => importAll(set.keys ?? [])),
        Effect.timeout(timeout),
        Effect.matchEffect({
          onFailure: () => Ref.update(state, (s) => ({ ...s, attemptedAt: now })),
          onSuccess: (keys) => Ref.set(state, { keys, fetchedAt: now, attemptedAt: now })
        })
      )

    // Under the lock, so concurrent misses wait for one fetch instead of each starting their own.
    const refresh = (kid: string | undefined) =>
      lock.withPermits(1)(
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const current = yield* Ref.get(state)
          if (isFresh(current, now, ttl) && lookup(current, kid) !== undefined) return
          if (current.attemptedAt !== undefined && now - current.attemptedAt < minInterval) return
          yield* fetchKeys(now)
        })
      )

    const get = (kid: string | undefined): Effect.Effect<VerificationKey, TokenVerificationError> =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const cached = yield* Ref.get(state)
        const hit = lookup(cached, kid)
        if (hit !== undefined && isFresh(cached, now, ttl)) return hit
        yield* refresh(kid)
        const after = yield* Ref.get(state)
        const key = lookup(after, kid)
        if (key !== undefined) return key
        if (after.fetchedAt === undefined) {
          return yield* new TokenVerificationError({
            reason: "jwks-unavailable",
            message: "the instance's JWKS could not be fetched and no key is cached"
          })
        }
        return yield* new TokenVerificationError({
          reason: "unknown-kid",
          message: `no key in the instance's JWKS has the token's kid ${JSON.stringify(kid ?? null).slice(0, 80)}`
        })
      })

    return Keys.of({ get })
  })

/**
 * `makeJwks` as a layer over the backend's `JWKS` service.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerJwks = (options: JwksOptions = {}): Layer.Layer<Keys, never, JWKS.JWKS> =>
  Layer.effect(Keys, makeJwks(options))

const isFresh = (state: CacheState, now: number, ttl: number) =>
  state.fetchedAt !== undefined && now - state.fetchedAt < ttl

const lookup = (state: CacheState, kid: string | undefined) => (kid === undefined ? undefined : state.keys.get(kid))

const BASE64URL = /^[A-Za-z0-9_-]+$/

// Only RSA signature keys for RS256 are imported: Clerk signs session tokens with RS256
// (packages/backend/src/jwt/algorithms.ts lists the RSA family; Clerk's JWKS holds RS256 keys).
const importAll = (keys: ReadonlyArray<Record<string, unknown> | object>) =>
  Effect.promise(async () => {
    const imported = new Map<string, VerificationKey>()
    for (const jwk of keys as ReadonlyArray<Record<string, unknown>>) {
      if (jwk["kty"] !== "RSA" || typeof jwk["kid"] !== "string") continue
      if (jwk["use"] !== undefined && jwk["use"] !== "sig") continue
      if (jwk["alg"] !== undefined && jwk["alg"] !== "RS256") continue
      if (typeof jwk["n"] !== "string" || !BASE64URL.test(jwk["n"])) continue
      if (typeof jwk["e"] !== "string" || !BASE64URL.test(jwk["e"])) continue
      try {
        const key = await Jose.importJWK({ kty: "RSA", n: jwk["n"], e: jwk["e"] }, "RS256")
        if (typeof key !== "object" || key instanceof Uint8Array) continue
        imported.set(jwk["kid"], key)
      } catch {
        // a key that does not import is skipped; a token that names it meets `unknown-kid`
      }
    }
    return imported
  })
