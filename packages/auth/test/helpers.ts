/**
 * Test keys and tokens, made with jose directly (not with the code under test).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Jose from "jose"
import * as Keys from "../src/Keys.js"

export interface TestKey {
  readonly kid: string
  readonly privateKey: Jose.CryptoKey
  readonly publicKey: Jose.CryptoKey
  readonly pem: string
  readonly jwk: Record<string, unknown>
}

export const makeKey = async (kid: string): Promise<TestKey> => {
  const { privateKey, publicKey } = await Jose.generateKeyPair("RS256", { extractable: true })
  const pem = await Jose.exportSPKI(publicKey)
  const jwk = { ...(await Jose.exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }
  return { kid, privateKey, publicKey, pem, jwk }
}

/** 2026-11-29T10:00:00Z, the fixed "now" of the tests (set with TestClock). */
export const NOW = Date.UTC(2026, 10, 29, 10, 0, 0)
export const NOW_S = NOW / 1000

export const ISSUER = "https://clerk.example.com"

export const sessionClaims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: ISSUER,
  sub: "user_2abc",
  sid: "sess_2abc",
  sts: "active",
  v: 2,
  iat: NOW_S - 10,
  nbf: NOW_S - 15,
  exp: NOW_S + 50,
  fva: [3, -1],
  ...overrides
})

export const sign = (
  key: TestKey,
  claims: Record<string, unknown>,
  header: Partial<Jose.JWTHeaderParameters> = {}
): Promise<string> =>
  new Jose.SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT", ...header })
    .sign(key.privateKey)

export const b64 = (value: unknown) => Jose.base64url.encode(JSON.stringify(value))

/** Keys that resolve any kid to this key (what `Keys.layerPem` does), from its PEM. */
export const pemKeys = (key: TestKey): Layer.Layer<Keys.Keys> => Keys.layerPem(key.pem).pipe(Layer.orDie)

export const run = <A>(promise: () => Promise<A>) => Effect.promise(promise)
