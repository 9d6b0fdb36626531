/**
 * Tests through @effect-clerk/backend: every service of the SDK over a fresh in-memory emulator
 * (a controllable clock, deterministic ids), and how to read a typed failure.
 */
import { Clerk, ClerkClient } from "@effect-clerk/backend"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Emulator from "../src/Emulator.js"

/** The SDK's services and the `Emulator` service, over `Emulator.layer(options)`. */
export const sdk = (options: Emulator.Options = {}) =>
  Clerk.layer.pipe(
    Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_sdk") })),
    Layer.provideMerge(Emulator.layer({ generateId: Emulator.sequentialIds(), ...options }))
  )

/** A call's typed failure: its `_tag`, and for a status error the first Clerk error code. */
export const failure = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (error) => ({
    tag: error._tag,
    code: (error as { readonly errors?: ReadonlyArray<{ readonly code: string }> }).errors?.[0]?.code,
    param: (error as { readonly errors?: ReadonlyArray<{ readonly meta?: { readonly param_name?: string } }> })
      .errors?.[0]?.meta?.param_name
  }))
