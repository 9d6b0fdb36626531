import * as Effect from "effect/Effect"
import { SignJWT } from "jose"
import * as ApiError from "../ApiError.js"
import type * as Resource from "../Resource.js"

/**
 * Signs `claims` with the instance's key (RS256, its `kid`): session tokens, JWT-format M2M tokens
 * and OAuth access tokens, all verifiable with `GET /v1/jwks`. `header` adds to `alg` and `kid`
 * (`typ`, Clerk's `cat`); `what` names the token in the 500 when signing fails.
 *
 * @internal
 */
export const sign = (
  context: Resource.EmulatorContext,
  claims: Readonly<Record<string, unknown>>,
  header: { readonly typ: string; readonly cat?: string | undefined },
  what: string
): Effect.Effect<string, ApiError.ApiError> => {
  const key = context.signingKey()
  return Effect.tryPromise({
    try: () =>
      new SignJWT({ ...claims }).setProtectedHeader({ alg: "RS256", kid: key.kid, ...header }).sign(key.privateKey),
    catch: () => ApiError.internal(`The emulator could not sign the ${what}.`)
  })
}
