/**
 * The JWKS cache behind `Keys.makeJwks`: one fetch in flight at a time, shared by every request
 * that needs it (single flight), and every wait bounded by that one fetch's time limit.
 *
 * - A cached `kid` is answered at once, whatever a fetch is doing; when the cache is older than the
 *   TTL, a refresh starts in the background (stale-while-revalidate) and the cached key still answers.
 * - A `kid` not in the cache starts a fetch (or joins the one in flight) and waits for it, at most
 *   until that fetch's deadline (its start plus `fetchTimeout`).
 * - After a fetch ends (success, failure or timeout), the next one may start `minRefetchInterval`
 *   later, counted from that end; until then an unknown `kid` is refused at once.
 * - A JWKS is a set: a key this verifier cannot use (another `kty`, `use: enc`, another `alg`, a
 *   broken modulus) is skipped and logged at Debug; only the token whose `kid` has no usable key fails.
 */
import type { JWKS } from "@effect-clerk/backend"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import * as Jose from "jose"
import { TokenVerificationError } from "../TokenError.js"

export interface Options {
  readonly ttl: number
  readonly minRefetchInterval: number
  readonly fetchTimeout: number
}

interface Flight {
  readonly done: Deferred.Deferred<void>
  /** When the waiters stop waiting (ms): the fetch's start plus its time limit. */
  readonly deadline: number
}

interface State {
  readonly keys: ReadonlyMap<string, VerificationKey>
  /** Why a key of the last successful fetch was skipped, by kid (only kids without a usable key). */
  readonly unusable: ReadonlyMap<string, string>
  /** When the last successful fetch ended (ms); undefined before the first one. */
  readonly fetchedAt: number | undefined
  /** When the last fetch ended (ms), whatever its outcome. */
  readonly endedAt: number | undefined
  /** Why the last fetch failed; undefined after a success. */
  readonly failure: string | undefined
  readonly flight: Flight | undefined
}

type Imported = Pick<State, "keys" | "unusable">

type VerificationKey = Jose.CryptoKey

export const make = (
  jwks: JWKS.JWKS.Service,
  options: Options,
  scope: Scope.Scope
): Effect.Effect<(kid: string | undefined) => Effect.Effect<VerificationKey, TokenVerificationError>> =>
  Effect.map(
    Ref.make<State>({
      keys: new Map(),
      unusable: new Map(),
      fetchedAt: undefined,
      endedAt: undefined,
      failure: undefined,
      flight: undefined
    }),
    (state) => {
      const { ttl, minRefetchInterval, fetchTimeout } = options

      const fetch: Effect.Effect<Imported, string> = jwks.get().pipe(
        Effect.mapError((error) => error.message.slice(0, 300)),
        Effect.timeoutFail({ duration: fetchTimeout, onTimeout: () => `no answer within ${fetchTimeout} ms` }),
        Effect.flatMap((set) => importAll(set.keys ?? []))
      )

      // Ends a fetch: records its outcome, frees the slot, wakes the waiters (also when interrupted).
      const finish = (flight: Flight, exit: Exit.Exit<Imported, string>) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const failure = Exit.isSuccess(exit)
            ? undefined
            : Option.getOrElse(Cause.failureOption(exit.cause), () => "the fetch was interrupted")
          yield* Ref.update(state, (s): State => {
            const ended = { ...s, endedAt: now, flight: s.flight === flight ? undefined : s.flight }
            return Exit.isSuccess(exit) ? { ...ended, ...exit.value, fetchedAt: now, failure } : { ...ended, failure }
          })
          if (failure !== undefined) yield* Effect.logWarning("Clerk JWKS fetch failed", failure)
          yield* Deferred.done(flight.done, Exit.void)
        })

      // The one fetch in flight, started if none is and the interval since the last one has passed.
      // Uninterruptible: a flight that is recorded is always started, so it always ends; the fetch
      // itself is interruptible (a fork inherits the uninterruptible region otherwise).
      const flightFor = (now: number): Effect.Effect<Flight | undefined> =>
        Effect.uninterruptible(
          Effect.flatMap(
            Ref.modify(state, (s): readonly [readonly [Flight | undefined, boolean], State] => {
              if (s.flight !== undefined) return [[s.flight, false], s]
              if (s.endedAt !== undefined && now - s.endedAt < minRefetchInterval) return [[undefined, false], s]
              const flight: Flight = { done: Deferred.unsafeMake(FiberId.none), deadline: now + fetchTimeout }
              return [[flight, true], { ...s, flight }]
            }),
            ([flight, started]) =>
              flight !== undefined && started
                ? Effect.as(
                    Effect.forkIn(Effect.interruptible(Effect.onExit(fetch, (exit) => finish(flight, exit))), scope),
                    flight
                  )
                : Effect.succeed(flight)
          )
        )

      const wait = (flight: Flight, now: number) =>
        Deferred.await(flight.done).pipe(Effect.timeoutOption(Math.max(0, flight.deadline - now)))

      const miss = (kid: string | undefined, now: number) =>
        Effect.gen(function* () {
          const flight = yield* flightFor(now)
          if (flight !== undefined) yield* wait(flight, now)
          const after = yield* Ref.get(state)
          const key = kid === undefined ? undefined : after.keys.get(kid)
          if (key !== undefined) return key
          return yield* Effect.fail(refusal(after, kid, yield* Clock.currentTimeMillis, minRefetchInterval))
        })

      return (kid: string | undefined): Effect.Effect<VerificationKey, TokenVerificationError> =>
        Effect.flatMap(Ref.get(state), (s) => {
          const key = kid === undefined ? undefined : s.keys.get(kid)
          return Effect.flatMap(Clock.currentTimeMillis, (now) => {
            if (key === undefined) return miss(kid, now)
            if (s.fetchedAt !== undefined && now - s.fetchedAt < ttl) return Effect.succeed(key)
            // stale: answer from the cache now, refresh in the background
            return Effect.as(flightFor(now), key)
          })
        })
    }
  )

const refusal = (
  s: State,
  kid: string | undefined,
  now: number,
  minRefetchInterval: number
): TokenVerificationError => {
  const shown = JSON.stringify(kid ?? null).slice(0, 80)
  const next =
    s.flight !== undefined
      ? "a fetch is in flight"
      : s.endedAt !== undefined && now - s.endedAt < minRefetchInterval
        ? `the next fetch may start in ${Math.ceil((s.endedAt + minRefetchInterval - now) / 1000)} s`
        : "the next token will start a fetch"
  if (s.fetchedAt === undefined) {
    return new TokenVerificationError({
      reason: "jwks-unavailable",
      message: `no JWKS key is cached yet and the last fetch of the instance's JWKS failed (${s.failure ?? "it did not end in time"}); ${next}`
    })
  }
  const unusable = kid === undefined ? undefined : s.unusable.get(kid)
  return new TokenVerificationError({
    reason: "unknown-kid",
    message:
      kid === undefined
        ? "the token has no kid, and the instance's JWKS is only looked up by kid"
        : unusable !== undefined
          ? `the instance's JWKS has a key with the token's kid ${shown}, but not one usable here (${unusable})`
          : `no key in the instance's JWKS has the token's kid ${shown}` +
            (s.failure !== undefined ? ` (the last refetch failed: ${s.failure}; ${next})` : "")
  })
}

const BASE64URL = /^[A-Za-z0-9_-]+$/

/** Why a JWK cannot verify Clerk's RS256 session tokens, or undefined when it can. */
const unusableBecause = (jwk: Record<string, unknown>): string | undefined => {
  if (jwk["kty"] !== "RSA") return `kty ${JSON.stringify(jwk["kty"] ?? null).slice(0, 20)}, not RSA`
  if (jwk["use"] !== undefined && jwk["use"] !== "sig") return `use ${JSON.stringify(jwk["use"]).slice(0, 20)}, not sig`
  if (jwk["alg"] !== undefined && jwk["alg"] !== "RS256")
    return `alg ${JSON.stringify(jwk["alg"]).slice(0, 20)}, not RS256`
  if (typeof jwk["n"] !== "string" || !BASE64URL.test(jwk["n"])) return "no base64url modulus (n)"
  if (typeof jwk["e"] !== "string" || !BASE64URL.test(jwk["e"])) return "no base64url exponent (e)"
  return undefined
}

// Only RSA signature keys for RS256 are imported: Clerk signs session tokens with RS256
// (packages/backend/src/jwt/algorithms.ts lists the RSA family; Clerk's JWKS holds RS256 keys).
const importAll = (keys: ReadonlyArray<unknown>): Effect.Effect<Imported> =>
  Effect.gen(function* () {
    const imported = new Map<string, VerificationKey>()
    const unusable = new Map<string, string>()
    for (const entry of keys) {
      const jwk = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>
      const kid = typeof jwk["kid"] === "string" ? jwk["kid"] : undefined
      let why = kid === undefined ? "no kid" : unusableBecause(jwk)
      if (why === undefined) {
        const key = yield* Effect.promise(() =>
          Jose.importJWK({ kty: "RSA", n: jwk["n"] as string, e: jwk["e"] as string }, "RS256").catch(() => undefined)
        )
        if (typeof key === "object" && !(key instanceof Uint8Array)) imported.set(kid!, key)
        else why = "the key does not import as an RSA public key"
      }
      if (why !== undefined) {
        if (kid !== undefined) unusable.set(kid, why)
        yield* Effect.logDebug("Clerk JWKS key skipped").pipe(
          Effect.annotateLogs({ kid: (kid ?? "").slice(0, 80), reason: why })
        )
      }
    }
    for (const kid of imported.keys()) unusable.delete(kid)
    return { keys: imported, unusable }
  })
