import { Clerk, ClerkClient } from "@effect-clerk/backend"
import * as Effect from "effect/Effect"
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Emulator from "../src/Emulator.js"

/**
 * Every service of @effect-clerk/backend over a fresh in-memory emulator (plus the `Emulator`
 * service): what a user's test suite provides. The emulator has a controllable clock.
 */
export const sdk = (options: Emulator.Options = {}) => {
  let clock = 1_700_000_000_000
  const emulator = Emulator.make({ now: () => clock, generateId: Emulator.sequentialIds(), ...options })
  const layer = Clerk.layer.pipe(
    Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_sdk") })),
    Layer.provideMerge(Emulator.layerWith(emulator))
  )
  return {
    emulator,
    layer,
    advance: (ms: number) => {
      clock += ms
    },
    now: () => clock
  }
}

/** The failure of an effect that must fail, as its `_tag` and first Clerk error code. */
export const failure = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (error) => ({
    tag: error._tag,
    code: (error as { readonly errors?: ReadonlyArray<{ readonly code: string }> }).errors?.[0]?.code
  }))

/**
 * Every service of @effect-clerk/backend over `emulator`, as a machine: a `ClerkClient` whose key is
 * a Machine Secret Key (`ak_…`), what `M2MTokens.createToken` must be sent with.
 */
export const asMachine = (emulator: Emulator.ClerkEmulator, machineSecretKey: string) =>
  Clerk.layer.pipe(
    Layer.provide(ClerkClient.layer({ secretKey: Redacted.make(machineSecretKey) })),
    Layer.provide(Emulator.layerWith(emulator))
  )

/** The claims of a JWT the emulator signed, verified with its JWKS at the emulator's time `now`. */
export const verifiedClaims = (emulator: Emulator.ClerkEmulator, token: string, now: number) =>
  Effect.map(
    Effect.promise(() =>
      jwtVerify(token, createLocalJWKSet(emulator.sessionTokens.jwks as unknown as JSONWebKeySet), {
        currentDate: new Date(now)
      })
    ),
    (verified) => verified.payload
  )
