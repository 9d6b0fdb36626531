/**
 * Emulated Testing Tokens: `POST /testing_tokens`. A testing token lets end-to-end tests pass the
 * Frontend API's bot protection (`__clerk_testing_token`); the emulator has no Frontend API, so the
 * token is only minted, in Clerk's shape: `<unix seconds>-<random>`, valid for one hour (the spec's
 * example: token `1713877200-c_…`, `expires_at` 1713880800, in seconds).
 *
 * @since 0.2.0
 */
import * as BackendTestingTokens from "@effect-clerk/backend/TestingTokens"
import * as Effect from "effect/Effect"
import * as Resource from "../Resource.js"

/**
 * The Testing Tokens resource.
 *
 * @since 0.2.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("testing_tokens", [
  Resource.route(BackendTestingTokens.operations.create, ({ emulator }) =>
    Effect.sync(() => {
      const issued = Math.floor(emulator.now() / 1000)
      return { object: "testing_token", token: `${issued}-${emulator.generateToken()}`, expires_at: issued + 3600 }
    })
  )
])
