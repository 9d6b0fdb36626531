import { ClerkTest, JWKS } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as Jose from "jose"
import * as Keys from "../src/Keys.js"
import * as SessionToken from "../src/SessionToken.js"
import { makeKey, NOW, sessionClaims, sign, type TestKey } from "./helpers.js"

const k1 = await makeKey("ins_k1")
const k2 = await makeKey("ins_k2")

/** A scripted JWKS endpoint: what it answers can change during a test. */
const endpoint = () => {
  let answer: () => Response = () => ClerkTest.json(200, { keys: [k1.jwk] })
  const set = (keys: ReadonlyArray<TestKey>) => {
    answer = () => ClerkTest.json(200, { keys: keys.map((k) => k.jwk) })
  }
  const fail = (status = 503) => {
    answer = () => ClerkTest.json(status, { errors: [{ code: "unavailable", message: "down" }] })
  }
  const layer = Keys.layerJwks({ ttl: "1 hour", minRefetchInterval: "5 seconds" }).pipe(
    Layer.provideMerge(JWKS.layer),
    Layer.provideMerge(ClerkTest.layer(() => answer()))
  )
  return { set, fail, layer }
}

const jwksCalls = Effect.map(ClerkTest.requests, (requests) => {
  for (const r of requests) expect(`${r.method} ${r.url.pathname}`).toBe("GET /v1/jwks")
  return requests.length
})

const token = (key: TestKey) => Effect.promise(() => sign(key, sessionClaims()))
const verify = (t: string) => SessionToken.verify(t)
const reason = (t: string) => Effect.map(Effect.flip(verify(t)), (e) => e.reason)

describe("Keys.layerJwks: the JWKS cache", () => {
  it.effect("fetches once, then serves from the cache within the TTL", () => {
    const api = endpoint()
    return Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const t = yield* token(k1)
      yield* verify(t)
      yield* verify(t)
      yield* Effect.all([verify(t), verify(t), verify(t)], { concurrency: "unbounded" })
      expect(yield* jwksCalls).toBe(1)
      const [request] = yield* ClerkTest.requests
      expect(request!.headers["authorization"]).toBe(`Bearer ${ClerkTest.TEST_SECRET_KEY}`)
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("refetches after the TTL", () => {
    const api = endpoint()
    return Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      yield* verify(yield* token(k1))
      yield* TestClock.adjust("61 minutes")
      // tokens are minted at the test's fixed NOW; re-sign one valid at the new time
      const later = yield* Effect.promise(() =>
        sign(k1, sessionClaims({ iat: NOW / 1000 + 3650, nbf: NOW / 1000 + 3650, exp: NOW / 1000 + 3720 }))
      )
      yield* verify(later)
      expect(yield* jwksCalls).toBe(2)
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("key rotation: an unknown kid refetches once, then the new key verifies and the old one is gone", () => {
    const api = endpoint()
    return Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      yield* verify(yield* token(k1))
      api.set([k2])
      yield* TestClock.adjust("6 seconds")
      const claims = yield* verify(yield* token(k2))
      expect(claims.sub).toBe("user_2abc")
      expect(yield* jwksCalls).toBe(2)
      // k1 was rotated out by the refetch
      yield* TestClock.adjust("6 seconds")
      expect(yield* reason(yield* token(k1))).toBe("unknown-kid")
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("unknown kids are rate-limited: one fetch per interval, whatever comes in", () => {
    const api = endpoint()
    return Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      yield* verify(yield* token(k1))
      const stranger = yield* Effect.promise(() => sign(k2, sessionClaims(), { kid: "ins_random" }))
      for (let i = 0; i < 20; i++) expect(yield* reason(stranger)).toBe("unknown-kid")
      // the first miss came within 5 s of the first fetch: no fetch at all
      expect(yield* jwksCalls).toBe(1)
      yield* TestClock.adjust("5 seconds")
      for (let i = 0; i < 20; i++) expect(yield* reason(stranger)).toBe("unknown-kid")
      expect(yield* jwksCalls).toBe(2)
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("the JWKS endpoint down with cached keys: they keep verifying, even past the TTL", () => {
    const api = endpoint()
    return Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const t = yield* token(k1)
      yield* verify(t)
      api.fail()
      yield* TestClock.adjust("2 hours")
      const later = yield* Effect.promise(() =>
        sign(k1, sessionClaims({ iat: NOW / 1000 + 7200, nbf: NOW / 1000 + 7200, exp: NOW / 1000 + 7260 }))
      )
      expect((yield* verify(later)).sub).toBe("user_2abc")
      expect(yield* jwksCalls).toBe(2)
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("the JWKS endpoint down without cached keys -> jwks-unavailable, and it recovers", () => {
    const api = endpoint()
    return Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      api.fail(500)
      const t = yield* token(k1)
      expect(yield* reason(t)).toBe("jwks-unavailable")
      api.set([k1])
      // rate-limited: still unavailable within the interval, without a new call
      expect(yield* reason(t)).toBe("jwks-unavailable")
      expect(yield* jwksCalls).toBe(1)
      yield* TestClock.adjust("5 seconds")
      expect((yield* verify(t)).sub).toBe("user_2abc")
      expect(yield* jwksCalls).toBe(2)
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("a JWKS fetch that hangs times out: jwks-unavailable after fetchTimeout, nothing held longer", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const fiber = yield* Effect.fork(Effect.flip(verify(yield* token(k1))))
      yield* TestClock.adjust("5 seconds")
      const error = yield* Fiber.join(fiber)
      expect(error.reason).toBe("jwks-unavailable")
    }).pipe(
      Effect.provide(
        Keys.layerJwks({ fetchTimeout: "5 seconds" }).pipe(
          Layer.provideMerge(JWKS.layer),
          Layer.provideMerge(ClerkTest.layer(() => new Promise<Response>(() => {})))
        )
      )
    )
  )

  it.effect("a JWKS that is not JSON, or holds no usable RSA key, caches nothing usable", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const t = yield* token(k1)
      const error = yield* Effect.flip(verify(t))
      expect(error.reason).toBe("unknown-kid")
    }).pipe(
      Effect.provide(
        Keys.layerJwks().pipe(
          Layer.provideMerge(JWKS.layer),
          Layer.provideMerge(
            ClerkTest.layer(() =>
              ClerkTest.json(200, {
                keys: [
                  { ...k1.jwk, kty: "EC" },
                  { ...k1.jwk, alg: "HS256" },
                  { ...k1.jwk, n: "!!" },
                  { kid: "x", kty: "RSA", alg: "RS256", use: "enc", n: "AQAB", e: "AQAB" }
                ]
              })
            )
          )
        )
      )
    )
  )
})

describe("Keys.layerJwks: a JWKS is a set (unusable keys are skipped, not fatal)", () => {
  // Keys as jose exports them (no use, no alg) and of other types, beside the instance's RSA key.
  const odd = async () => {
    const ec = await Jose.generateKeyPair("ES256", { extractable: true })
    const okp = await Jose.generateKeyPair("EdDSA", { extractable: true })
    const { alg: _alg, use: _use, ...bare } = k2.jwk
    return [
      { ...(await Jose.exportJWK(okp.publicKey)), kid: "ins_okp" },
      { ...(await Jose.exportJWK(ec.publicKey)), kid: "ins_ec", alg: "ES256", use: "sig" },
      { ...(await Jose.exportJWK(ec.publicKey)), kid: "ins_ec_bare" },
      bare,
      { kty: "RSA", kid: "ins_enc", use: "enc", n: "AQAB", e: "AQAB" },
      { kid: "ins_no_kty" },
      k1.jwk
    ]
  }
  const layer = (keys: ReadonlyArray<unknown>) =>
    Keys.layerJwks().pipe(
      Layer.provideMerge(JWKS.layer),
      Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(200, { keys })))
    )

  it.effect("a key without use, OKP and EC keys beside the RSA ones: the RSA keys verify", () =>
    Effect.gen(function* () {
      const keys = yield* Effect.promise(odd)
      yield* Effect.gen(function* () {
        yield* TestClock.setTime(NOW)
        expect((yield* verify(yield* token(k1))).sub).toBe("user_2abc")
        // an RSA key without use and alg is usable (both are optional in RFC 7517)
        expect((yield* verify(yield* token(k2))).sub).toBe("user_2abc")
        expect(yield* jwksCalls).toBe(1)
      }).pipe(Effect.provide(layer(keys)))
    })
  )

  it.effect("a token whose kid names only an unusable key -> unknown-kid saying why, not jwks-unavailable", () =>
    Effect.gen(function* () {
      const keys = yield* Effect.promise(odd)
      yield* Effect.gen(function* () {
        yield* TestClock.setTime(NOW)
        const claims = sessionClaims()
        const ec = yield* Effect.promise(() => sign(k1, claims, { kid: "ins_ec" }))
        const error = yield* Effect.flip(verify(ec))
        expect(error.reason).toBe("unknown-kid")
        expect(error.message).toContain('"ins_ec"')
        expect(error.message).toContain("kty")
        const enc = yield* Effect.flip(verify(yield* Effect.promise(() => sign(k1, claims, { kid: "ins_enc" }))))
        expect(enc.message).toContain("use")
      }).pipe(Effect.provide(layer(keys)))
    })
  )
})

describe("Keys.layerPem", () => {
  it.effect("a PEM that is not a public key fails the layer with InvalidKey, without echoing it", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Layer.build(Keys.layerPem("-----BEGIN PUBLIC KEY-----\nsecretish\n-----END")))
      expect(error._tag).toBe("InvalidKey")
      expect(error.message).not.toContain("secretish")
    }).pipe(Effect.scoped)
  )

  it.effect("layerPemConfig reads CLERK_JWT_KEY; without it, a ConfigError naming the variable", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const t = yield* token(k1)
      const claims = yield* SessionToken.verify(t).pipe(
        Effect.provide(Keys.layerPemConfig()),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["CLERK_JWT_KEY", k1.pem]])))
      )
      expect(claims.sub).toBe("user_2abc")
      const missing = yield* Effect.flip(
        SessionToken.verify(t).pipe(
          Effect.provide(Keys.layerPemConfig()),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))
        )
      )
      expect(missing._tag).toBe("ConfigError")
      expect(String(missing)).toContain("CLERK_JWT_KEY")
    })
  )

  it.effect("a PEM with escaped newlines (a one-line env var) imports", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const claims = yield* SessionToken.verify(yield* token(k1)).pipe(
        Effect.provide(Keys.layerPem(k1.pem.replace(/\n/g, "\\n")))
      )
      expect(claims.sub).toBe("user_2abc")
    })
  )
})
