import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as Jose from "jose"
import * as SessionToken from "../src/SessionToken.js"
import type { TokenErrorReason } from "../src/TokenError.js"
import { b64, ISSUER, makeKey, NOW, NOW_S, pemKeys, sessionClaims, sign } from "./helpers.js"

const key = await makeKey("ins_key_1")
const otherInstance = await makeKey("ins_key_1")

const verify = (token: string, options: SessionToken.VerifyOptions = {}) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(NOW)
    return yield* SessionToken.verify(token, options)
  }).pipe(Effect.provide(pemKeys(key)))

const rejects = (token: string, reason: TokenErrorReason, options: SessionToken.VerifyOptions = {}) =>
  Effect.gen(function* () {
    const error = yield* Effect.flip(verify(token, options))
    expect(error._tag).toBe("TokenVerificationError")
    expect(error.reason).toBe(reason)
    if (token.length > 0) expect(error.message).not.toContain(token)
  })

describe("SessionToken.verify: a valid token", () => {
  it.effect("decodes v2 claims, organization and actor included, and keeps custom claims", () =>
    Effect.gen(function* () {
      const token = yield* Effect.promise(() =>
        sign(
          key,
          sessionClaims({
            azp: "https://app.example.com",
            o: { id: "org_1", slg: "acme", rol: "admin", per: "read,manage", fpm: "3" },
            fea: "o:dashboard,u:beta",
            pla: "u:pro",
            act: { sub: "user_admin", type: "agent" },
            role: "custom-claim"
          })
        )
      )
      const claims = yield* verify(token, { authorizedParties: ["https://app.example.com"] })
      expect(claims.sub).toBe("user_2abc")
      expect(claims.sid).toBe("sess_2abc")
      expect(claims.v).toBe(2)
      expect(claims.fva).toEqual([3, -1])
      expect(claims.o).toEqual({ id: "org_1", slg: "acme", rol: "admin", per: "read,manage", fpm: "3" })
      expect(claims.act).toEqual({ sub: "user_admin", type: "agent" })
      expect(claims["role"]).toBe("custom-claim")
    })
  )

  it.effect("decodes v1 claims (org_* instead of o)", () =>
    Effect.gen(function* () {
      const token = yield* Effect.promise(() =>
        sign(key, sessionClaims({ v: undefined, org_id: "org_1", org_role: "org:admin", org_permissions: ["org:a:b"] }))
      )
      const claims = yield* verify(token)
      expect(claims.v).toBeUndefined()
      expect(claims.org_id).toBe("org_1")
      expect(claims.org_permissions).toEqual(["org:a:b"])
    })
  )

  it.effect("accepts exp, nbf and iat within the default 5 s skew", () =>
    Effect.gen(function* () {
      const token = yield* Effect.promise(() =>
        sign(key, sessionClaims({ exp: NOW_S - 4, nbf: NOW_S + 4, iat: NOW_S + 4 }))
      )
      const claims = yield* verify(token)
      expect(claims.exp).toBe(NOW_S - 4)
    })
  )
})

describe("SessionToken.verify: the attack matrix", () => {
  it.effect("alg none (unsigned) -> algorithm-not-allowed", () =>
    Effect.gen(function* () {
      yield* rejects(`${b64({ alg: "none", typ: "JWT" })}.${b64(sessionClaims())}.`, "algorithm-not-allowed")
      yield* rejects(`${b64({ alg: "none" })}.${b64(sessionClaims())}.c2ln`, "algorithm-not-allowed")
    })
  )

  it.effect("HS256 signed with the public key as the HMAC secret -> algorithm-not-allowed", () =>
    Effect.gen(function* () {
      const token = yield* Effect.promise(() =>
        new Jose.SignJWT(sessionClaims())
          .setProtectedHeader({ alg: "HS256", kid: key.kid })
          .sign(new TextEncoder().encode(key.pem))
      )
      yield* rejects(token, "algorithm-not-allowed")
    })
  )

  it.effect("a tampered payload or header -> invalid-signature", () =>
    Effect.gen(function* () {
      const token = yield* Effect.promise(() => sign(key, sessionClaims()))
      const [header, , signature] = token.split(".")
      yield* rejects(`${header}.${b64(sessionClaims({ sub: "user_admin" }))}.${signature}`, "invalid-signature")
      const tamperedHeader = b64({ alg: "RS256", kid: key.kid, typ: "JWT", extra: 1 })
      yield* rejects(`${tamperedHeader}.${token.split(".")[1]}.${signature}`, "invalid-signature")
    })
  )

  it.effect("a token signed by another instance's key -> invalid-signature", () =>
    Effect.gen(function* () {
      const token = yield* Effect.promise(() => sign(otherInstance, sessionClaims()))
      yield* rejects(token, "invalid-signature")
    })
  )

  it.effect("expired, nbf in the future, iat beyond the skew", () =>
    Effect.gen(function* () {
      yield* rejects(yield* Effect.promise(() => sign(key, sessionClaims({ exp: NOW_S - 5 }))), "expired")
      yield* rejects(yield* Effect.promise(() => sign(key, sessionClaims({ nbf: NOW_S + 6 }))), "not-active-yet")
      yield* rejects(yield* Effect.promise(() => sign(key, sessionClaims({ iat: NOW_S + 6 }))), "issued-in-future")
      // a custom skew moves the limits
      const t = yield* Effect.promise(() => sign(key, sessionClaims({ exp: NOW_S - 20 })))
      expect((yield* verify(t, { clockSkew: "30 seconds" })).sub).toBe("user_2abc")
      yield* rejects(yield* Effect.promise(() => sign(key, sessionClaims({ exp: NOW_S - 1 }))), "expired", {
        clockSkew: 0
      })
    })
  )

  it.effect("a wrong azp, an empty or missing azp when parties are required -> authorized-party-not-allowed", () =>
    Effect.gen(function* () {
      const parties = { authorizedParties: ["https://app.example.com"] }
      const wrong = yield* Effect.promise(() => sign(key, sessionClaims({ azp: "https://evil.example.com" })))
      yield* rejects(wrong, "authorized-party-not-allowed", parties)
      const empty = yield* Effect.promise(() => sign(key, sessionClaims({ azp: "" })))
      yield* rejects(empty, "authorized-party-not-allowed", parties)
      const missing = yield* Effect.promise(() => sign(key, sessionClaims()))
      yield* rejects(missing, "authorized-party-not-allowed", parties)
      // without parties configured, azp is not checked (Clerk's rule)
      expect((yield* verify(wrong)).azp).toBe("https://evil.example.com")
    })
  )

  it.effect("an issuer that is not an https URL, or not the expected one -> issuer-not-allowed", () =>
    Effect.gen(function* () {
      const http = yield* Effect.promise(() => sign(key, sessionClaims({ iss: "http://clerk.example.com" })))
      yield* rejects(http, "issuer-not-allowed")
      const notUrl = yield* Effect.promise(() => sign(key, sessionClaims({ iss: "clerk" })))
      yield* rejects(notUrl, "issuer-not-allowed")
      const good = yield* Effect.promise(() => sign(key, sessionClaims()))
      yield* rejects(good, "issuer-not-allowed", { issuer: "https://clerk.other.com" })
      expect((yield* verify(good, { issuer: ISSUER })).iss).toBe(ISSUER)
    })
  )

  it.effect("oversized, garbage and shapeless tokens -> malformed", () =>
    Effect.gen(function* () {
      yield* rejects("x".repeat(20_000), "malformed")
      const big = yield* Effect.promise(() => sign(key, sessionClaims({ pad: "x".repeat(20_000) })))
      yield* rejects(big, "malformed")
      yield* rejects("not a token", "malformed")
      yield* rejects("a.b", "malformed")
      yield* rejects("e30.e30.e30.e30", "malformed")
      yield* rejects(`${Jose.base64url.encode("{not json")}.e30.c2ln`, "malformed")
      yield* rejects("", "malformed")
      // signed, but the claims are not a session token's (no sid)
      const noSid = yield* Effect.promise(() => sign(key, sessionClaims({ sid: undefined })))
      yield* rejects(noSid, "malformed")
      const badFva = yield* Effect.promise(() => sign(key, sessionClaims({ fva: "x" })))
      yield* rejects(badFva, "malformed")
    })
  )

  it.effect("a signed JWT with critical header parameters (crit) -> malformed, naming crit", () =>
    Effect.gen(function* () {
      const critical = yield* Effect.promise(() =>
        new Jose.SignJWT(sessionClaims())
          .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT", crit: ["exp2"], exp2: 1 } as never)
          .sign(key.privateKey, { crit: { exp2: true } })
      )
      yield* rejects(critical, "malformed")
      const error = yield* Effect.flip(verify(critical))
      expect(error.message).toContain("crit")
      // the same claims without crit verify: crit alone is what is refused
      expect((yield* verify(yield* Effect.promise(() => sign(key, sessionClaims())))).sub).toBe("user_2abc")
    })
  )

  it.effect("a valid JWT of another kind (M2M category, OAuth typ) -> wrong-token-kind", () =>
    Effect.gen(function* () {
      const m2m = yield* Effect.promise(() => sign(key, sessionClaims(), { cat: "cl_B7d4PD333AAA" } as never))
      yield* rejects(m2m, "wrong-token-kind")
      const oauth = yield* Effect.promise(() => sign(key, sessionClaims(), { typ: "at+jwt" }))
      yield* rejects(oauth, "wrong-token-kind")
      const session = yield* Effect.promise(() => sign(key, sessionClaims(), { cat: "cl_B7d4PD111AAA" } as never))
      expect((yield* verify(session)).sub).toBe("user_2abc")
    })
  )
})
