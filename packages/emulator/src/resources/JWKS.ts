/**
 * Emulated JWKS: `GET /jwks` answers the instance's public signing key (the key that signs the
 * session tokens minted by `emulator.sessionTokens.mint`).
 *
 * @since 0.1.0
 */
import * as BackendJWKS from "@effect-clerk/backend/JWKS"
import * as Effect from "effect/Effect"
import * as Resource from "../Resource.js"

/**
 * The JWKS resource.
 *
 * @since 0.1.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("jwks", [
  Resource.route(BackendJWKS.operations.get, ({ emulator }) =>
    Effect.sync(() => ({ keys: [{ ...emulator.signingKey().jwk }] }))
  )
])
