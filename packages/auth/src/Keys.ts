/**
 * Where the keys that verify Clerk's JWTs come from: the instance's PEM public key
 * (`CLERK_JWT_KEY`, networkless), or the instance's JWKS fetched through `JWKS.get` and cached.
 *
 * @since 0.1.0
 */
import type * as JWKS from "@effect-clerk/backend/JWKS"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Jose from "jose"
import * as JwksCache from "./internal/jwks.js"
import { JWKSService } from "./internal/jwksService.js"
import type { TokenVerificationError } from "./TokenError.js"

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
  /**
   * After a fetch ends (whatever its outcome), the next one starts at the earliest this much later,
   * whatever tokens come in (unknown `kid`s are refused at once meanwhile). Default 5 seconds.
   */
  readonly minRefetchInterval?: Duration.DurationInput | undefined
  /** A fetch taking longer counts as failed; nothing waits on it longer. Default 5 seconds. */
  readonly fetchTimeout?: Duration.DurationInput | undefined
}

/**
 * Keys from the instance's JWKS, fetched with `JWKS.get` (so through the configured `ClerkClient`,
 * its base URL and secret key) and cached:
 *
 * - single flight: at most one fetch is in flight, and every request that needs it shares it;
 * - a token whose `kid` is cached is answered from the cache at once, whatever a fetch is doing;
 *   past `ttl` the cached keys still answer while one refresh runs in the background;
 * - a `kid` that is not cached starts a fetch (or joins the one in flight) and waits for it at most
 *   until that fetch's time limit (`fetchTimeout`), never behind a queue of fetches;
 * - after a fetch ends, the next one starts at the earliest `minRefetchInterval` later, so a flood
 *   of tokens with random `kid`s, or a hanging endpoint, cannot turn into a flood of calls to Clerk;
 * - when a fetch fails, keys already cached keep working (even past their TTL);
 * - a successful fetch replaces the cache with the JWKS's RS256 signing keys: a key Clerk rotated
 *   out stops verifying. Keys this verifier cannot use (another `kty`, `use`, `alg`) are skipped
 *   (logged at Debug); a token fails only when no usable key has its `kid`.
 *
 * The fetch runs in the given scope (`layerJwks` closes it with the layer).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeJwks = (options: JwksOptions = {}): Effect.Effect<Keys.Service, never, JWKS.JWKS | Scope.Scope> =>
  Effect.gen(function* () {
    const get = yield* JwksCache.make(
      yield* JWKSService,
      {
        ttl: Duration.toMillis(options.ttl ?? Duration.hours(1)),
        minRefetchInterval: Duration.toMillis(options.minRefetchInterval ?? Duration.seconds(5)),
        fetchTimeout: Duration.toMillis(options.fetchTimeout ?? Duration.seconds(5))
      },
      yield* Effect.scope
    )
    return Keys.of({ get })
  })

/**
 * `makeJwks` as a layer over the backend's `JWKS` service.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerJwks = (options: JwksOptions = {}): Layer.Layer<Keys, never, JWKS.JWKS> =>
  Layer.scoped(Keys, makeJwks(options))
