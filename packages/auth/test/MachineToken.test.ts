import { APIKeys, ClerkTest, M2MTokens, OAuthAccessTokens } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as MachineToken from "../src/MachineToken.js"
import { makeKey, NOW, NOW_S, pemKeys, sign } from "./helpers.js"

const key = await makeKey("ins_k1")

const apiKey = {
  object: "api_key",
  id: "ak_id_1",
  type: "api_key",
  subject: "user_1",
  name: "ci",
  claims: { tier: "gold" },
  scopes: ["read"],
  revoked: false,
  revocation_reason: null,
  expired: false,
  expiration: null,
  created_by: null,
  last_used_at: null,
  created_at: 1,
  updated_at: 1
}
const m2m = {
  object: "machine_to_machine_token",
  id: "mt_id_1",
  subject: "mch_1",
  claims: null,
  scopes: ["mch_2"],
  revoked: false,
  revocation_reason: null,
  expired: false,
  expiration: NOW + 60_000,
  last_used_at: null,
  created_at: 1,
  updated_at: 1
}
const oauth = {
  object: "clerk_idp_oauth_access_token",
  id: "oat_id_1",
  client_id: "client_1",
  subject: "user_1",
  scopes: ["profile", "email"],
  revoked: false,
  revocation_reason: null,
  expired: false,
  expiration: null,
  created_at: 1,
  updated_at: 1
}

const services = (handler: ClerkTest.Handler) =>
  Layer.mergeAll(APIKeys.layer, M2MTokens.layer, OAuthAccessTokens.layer, pemKeys(key)).pipe(
    Layer.provideMerge(ClerkTest.layer(handler))
  )

const verify = (token: string, options?: MachineToken.VerifyOptions) =>
  Effect.zipRight(TestClock.setTime(NOW), MachineToken.verify(token, options))

const reasonOf = (token: string, options?: MachineToken.VerifyOptions) =>
  Effect.map(Effect.flip(verify(token, options)), (e) => e.reason)

describe("MachineToken: opaque tokens through the Backend API", () => {
  it.effect("ak_ goes to POST /v1/api_keys/verify with the secret in the body", () =>
    Effect.gen(function* () {
      const identity = yield* verify("ak_secret_value")
      expect(identity).toEqual({
        tokenType: "api_key",
        id: "ak_id_1",
        subject: "user_1",
        scopes: ["read"],
        claims: { tier: "gold" },
        name: "ci",
        expiresAt: null,
        format: "opaque"
      })
      const [request] = yield* ClerkTest.requests
      expect(`${request!.method} ${request!.url.pathname}`).toBe("POST /v1/api_keys/verify")
      expect(request!.json).toEqual({ secret: "ak_secret_value" })
    }).pipe(Effect.provide(services(() => ClerkTest.json(200, apiKey))))
  )

  it.effect("mt_ goes to POST /v1/m2m_tokens/verify with the token in the body", () =>
    Effect.gen(function* () {
      const identity = yield* verify("mt_opaque")
      expect(identity.tokenType).toBe("m2m_token")
      expect(identity.subject).toBe("mch_1")
      expect(identity.scopes).toEqual(["mch_2"])
      expect(identity.expiresAt).toBe(NOW + 60_000)
      const [request] = yield* ClerkTest.requests
      expect(`${request!.method} ${request!.url.pathname}`).toBe("POST /v1/m2m_tokens/verify")
      expect(request!.json).toEqual({ token: "mt_opaque" })
    }).pipe(Effect.provide(services(() => ClerkTest.json(200, m2m))))
  )

  it.effect("oat_ goes to POST /v1/oauth_applications/access_tokens/verify as access_token", () =>
    Effect.gen(function* () {
      const identity = yield* verify("oat_opaque")
      expect(identity).toMatchObject({ tokenType: "oauth_token", subject: "user_1", clientId: "client_1" })
      expect(identity.scopes).toEqual(["profile", "email"])
      const [request] = yield* ClerkTest.requests
      expect(`${request!.method} ${request!.url.pathname}`).toBe("POST /v1/oauth_applications/access_tokens/verify")
      expect(request!.json).toEqual({ access_token: "oat_opaque" })
    }).pipe(Effect.provide(services(() => ClerkTest.json(200, oauth))))
  )

  it.effect("404 and 400 are invalid; revoked and expired answers are rejected", () =>
    Effect.gen(function* () {
      expect(yield* reasonOf("ak_unknown")).toBe("invalid")
      expect(yield* reasonOf("mt_bad")).toBe("invalid")
      expect(yield* reasonOf("ak_revoked")).toBe("revoked")
      expect(yield* reasonOf("mt_expired")).toBe("expired")
      expect(yield* reasonOf("oat_inactive")).toBe("expired")
    }).pipe(
      Effect.provide(
        services((request) => {
          const body = request.json as { secret?: string; token?: string; access_token?: string }
          const token = body.secret ?? body.token ?? body.access_token
          if (token === "ak_unknown")
            return ClerkTest.json(404, { errors: [{ code: "resource_not_found", message: "x" }] })
          if (token === "mt_bad") return ClerkTest.json(400, { errors: [{ code: "token_invalid", message: "x" }] })
          if (token === "ak_revoked") return ClerkTest.json(200, { ...apiKey, revoked: true })
          if (token === "mt_expired") return ClerkTest.json(200, { ...m2m, expired: true })
          return ClerkTest.json(200, { active: false })
        })
      )
    )
  )

  it.effect("5xx, 429, 401 (our secret key) and a body that does not decode are unavailable, not invalid", () =>
    Effect.gen(function* () {
      // the 429 last: its Retry-After pauses every later call of the client (ClerkRateLimit), which
      // would wait on the TestClock
      for (const token of ["ak_5xx", "ak_401", "ak_garbage", "ak_429"]) {
        const error = yield* Effect.flip(verify(token))
        expect(error.reason).toBe("unavailable")
        expect(error.message).not.toContain(ClerkTest.TEST_SECRET_KEY)
      }
    }).pipe(
      Effect.provide(
        services((request) => {
          const token = (request.json as { secret: string }).secret
          if (token === "ak_5xx") return ClerkTest.json(503, {})
          if (token === "ak_429") return ClerkTest.json(429, { errors: [] }, { "retry-after": "1" })
          if (token === "ak_401") return ClerkTest.json(401, { errors: [{ code: "unauthorized", message: "x" }] })
          return new Response("<html>", { status: 200 })
        })
      )
    )
  )
})

describe("MachineToken: acceptsToken", () => {
  it.effect("a type not accepted is rejected before any request", () =>
    Effect.gen(function* () {
      expect(yield* reasonOf("ak_x", { acceptsToken: "m2m_token" })).toBe("token-type-not-accepted")
      expect(yield* reasonOf("oat_x", { acceptsToken: ["api_key", "m2m_token"] })).toBe("token-type-not-accepted")
      expect(yield* reasonOf("mt_x", { acceptsToken: "session_token" })).toBe("token-type-not-accepted")
      expect(yield* reasonOf("sess_or_garbage", { acceptsToken: "any" })).toBe("not-a-machine-token")
      expect(yield* ClerkTest.requests).toHaveLength(0)
      expect((yield* verify("ak_x", { acceptsToken: "any" })).tokenType).toBe("api_key")
    }).pipe(Effect.provide(services(() => ClerkTest.json(200, apiKey))))
  )

  it("machineTokenType tells kinds apart without verifying", async () => {
    expect(MachineToken.machineTokenType("ak_1")).toBe("api_key")
    expect(MachineToken.machineTokenType("mt_1")).toBe("m2m_token")
    expect(MachineToken.machineTokenType("oat_1")).toBe("oauth_token")
    expect(MachineToken.machineTokenType(await sign(key, { sub: "mch_1", exp: 1, iat: 1 }))).toBe("m2m_token")
    expect(MachineToken.machineTokenType(await sign(key, { sub: "user_1", exp: 1, iat: 1 }, { typ: "at+jwt" }))).toBe(
      "oauth_token"
    )
    expect(MachineToken.machineTokenType(await sign(key, { sub: "user_1", sid: "s", exp: 1, iat: 1 }))).toBeUndefined()
    expect(MachineToken.machineTokenType("garbage")).toBeUndefined()
  })
})

describe("MachineToken: JWT formats, networkless", () => {
  const noRequests = services(() => {
    throw new Error("a JWT-format machine token must not call the Backend API")
  })

  it.effect("an M2M JWT (sub mch_, M2M category) verifies with the instance key; scopes from `scopes`", () =>
    Effect.gen(function* () {
      const token = yield* Effect.promise(() =>
        sign(
          key,
          { sub: "mch_1", jti: "mt_jwt_1", scopes: "mch_2 mch_3", iat: NOW_S - 1, exp: NOW_S + 60, team: "x" },
          { cat: "cl_B7d4PD333AAA" } as never
        )
      )
      const identity = yield* verify(token)
      expect(identity).toEqual({
        tokenType: "m2m_token",
        id: "mt_jwt_1",
        subject: "mch_1",
        scopes: ["mch_2", "mch_3"],
        claims: { team: "x" },
        expiresAt: (NOW_S + 60) * 1000,
        format: "jwt"
      })
      expect(yield* ClerkTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(noRequests))
  )

  it.effect("an OAuth JWT (typ at+jwt) verifies; scopes from `scp` or `scope`", () =>
    Effect.gen(function* () {
      const scp = yield* Effect.promise(() =>
        sign(key, { sub: "user_1", client_id: "c1", scp: ["a", "b"], iat: NOW_S, exp: NOW_S + 60 }, { typ: "at+jwt" })
      )
      expect(yield* verify(scp)).toMatchObject({ tokenType: "oauth_token", clientId: "c1", scopes: ["a", "b"] })
      const scope = yield* Effect.promise(() =>
        sign(key, { sub: "user_1", scope: "a c", iat: NOW_S, exp: NOW_S + 60 }, { typ: "application/at+jwt" })
      )
      expect((yield* verify(scope)).scopes).toEqual(["a", "c"])
    }).pipe(Effect.provide(noRequests))
  )

  it.effect("machine JWTs: expired, signed by another key, of the session category are rejected", () =>
    Effect.gen(function* () {
      const other = yield* Effect.promise(() => makeKey("ins_k1"))
      const expired = yield* Effect.promise(() => sign(key, { sub: "mch_1", iat: NOW_S - 100, exp: NOW_S - 10 }))
      expect(yield* reasonOf(expired)).toBe("expired")
      const foreign = yield* Effect.promise(() => sign(other, { sub: "mch_1", iat: NOW_S, exp: NOW_S + 60 }))
      const error = yield* Effect.flip(verify(foreign))
      expect(error.reason).toBe("invalid")
      expect((error.cause as { reason: string }).reason).toBe("invalid-signature")
      const session = yield* Effect.promise(() =>
        sign(key, { sub: "mch_1", iat: NOW_S, exp: NOW_S + 60 }, { cat: "cl_B7d4PD111AAA" } as never)
      )
      expect(yield* reasonOf(session)).toBe("invalid")
      expect(yield* ClerkTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(noRequests))
  )
})
