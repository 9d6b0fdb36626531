import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto"

/** @internal */
export type RsaPublicJwk = {
  readonly use: "sig"
  readonly kty: "RSA"
  readonly kid: string
  readonly alg: "RS256"
  readonly n: string
  readonly e: string
}

/** @internal */
export interface SigningKey {
  readonly privateKey: KeyObject
  readonly publicKeyPem: string
  /** The public key as a JWK with `kid`, `alg: "RS256"`, `use: "sig"` (spec schema `JWKSRsaPublicKey`). */
  readonly jwk: RsaPublicJwk
  readonly kid: string
}

/**
 * The instance's RS256 key pair: the given PEM private key (PKCS#8 or PKCS#1), else a fresh 2048-bit
 * RSA pair. The `kid` is derived from the public key (`ins_` + a SHA-256 prefix), so a key given in
 * options keeps its `kid` across runs.
 *
 * @internal
 */
export const makeSigningKey = (privateKeyPem?: string): SigningKey => {
  const privateKey =
    privateKeyPem === undefined
      ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
      : createPrivateKey({ key: privateKeyPem, format: "pem" })
  if (privateKey.asymmetricKeyType !== "rsa") {
    throw new Error("the emulator's signing key must be an RSA private key (RS256)")
  }
  const publicKey = createPublicKey(privateKey)
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString()
  const der = publicKey.export({ type: "spki", format: "der" })
  const kid = "ins_" + createHash("sha256").update(der).digest("base64url").replace(/[-_]/g, "").slice(0, 27)
  const { n, e } = publicKey.export({ format: "jwk" })
  return {
    privateKey,
    publicKeyPem,
    kid,
    jwk: { use: "sig", kty: "RSA", kid, alg: "RS256", n: String(n), e: String(e) }
  }
}

/**
 * A value computed on first use: generating an RSA key takes tens of milliseconds, and most
 * emulators never mint a token.
 *
 * @internal
 */
export const lazy = <A>(make: () => A): (() => A) => {
  let value: { readonly a: A } | undefined
  return () => (value ??= { a: make() }).a
}
