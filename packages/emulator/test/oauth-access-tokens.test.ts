import { OAuthAccessTokens, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { decodeProtectedHeader } from "jose"
import * as Emulator from "../src/Emulator.js"
import * as EmulatedOAuth from "../src/resources/OAuthAccessTokens.js"
import { call, setup } from "./helpers.js"
import { failure, sdk, verifiedClaims } from "./sdk-world.js"

describe("OAuthAccessTokens, through the SDK", () => {
  it.effect("an issued opaque token verifies; revoked and expired ones are answered as such", () => {
    const { layer, advance, now } = sdk()
    return Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const ada = yield* Users.create({ email_address: ["ada@example.com"] })
      const issued = yield* EmulatedOAuth.issue(emulator, {
        userId: ada.id,
        clientId: "client_reports",
        scopes: ["email", "profile"]
      })
      expect(issued.id).toMatch(/^oat_[0-9a-f]{32}$/)
      expect(issued.token).toMatch(/^oat_\w+$/)
      advance(1000)
      expect(yield* OAuthAccessTokens.verify({ access_token: issued.token })).toEqual({
        object: "clerk_idp_oauth_access_token",
        id: issued.id,
        client_id: "client_reports",
        subject: ada.id,
        scopes: ["email", "profile"],
        revoked: false,
        revocation_reason: null,
        expired: false,
        expiration: now() - 1000 + 3_600_000,
        created_at: now() - 1000,
        updated_at: now() - 1000
      })
      // the deprecated `secret` still names the token
      expect(yield* OAuthAccessTokens.verify({ secret: issued.token })).toMatchObject({ id: issued.id })

      yield* EmulatedOAuth.revoke(emulator, issued.id, "user signed out")
      expect(yield* OAuthAccessTokens.verify({ access_token: issued.token })).toMatchObject({
        revoked: true,
        revocation_reason: "user signed out",
        updated_at: now()
      })

      const short = yield* EmulatedOAuth.issue(emulator, { userId: ada.id, expiresInSeconds: 10 })
      const forever = yield* EmulatedOAuth.issue(emulator, { userId: ada.id, expiresInSeconds: null })
      advance(10_000)
      expect(yield* OAuthAccessTokens.verify({ access_token: short.token })).toMatchObject({
        expired: true,
        client_id: EmulatedOAuth.defaultClientId(emulator.context),
        scopes: []
      })
      expect(yield* OAuthAccessTokens.verify({ access_token: forever.token })).toMatchObject({
        expired: false,
        expiration: null
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect(
    "a JWT token: typ at+jwt, Clerk's claims, verified by the API until it expires, then { active: false }",
    () => {
      const { layer, advance, now } = sdk()
      return Effect.gen(function* () {
        const emulator = yield* Emulator.Emulator
        const ada = yield* Users.create({ email_address: ["ada@example.com"] })
        const issued = yield* EmulatedOAuth.issue(emulator, {
          userId: ada.id,
          scopes: ["read"],
          format: "jwt",
          expiresInSeconds: 300
        })
        expect(decodeProtectedHeader(issued.token)).toMatchObject({ alg: "RS256", typ: "at+jwt" })
        const payload = yield* verifiedClaims(emulator, issued.token, now())
        const iat = Math.floor(now() / 1000)
        expect(payload).toEqual({
          iss: "https://emulator.clerk.invalid",
          sub: ada.id,
          client_id: EmulatedOAuth.defaultClientId(emulator.context),
          jti: issued.id,
          scope: "read",
          iat,
          nbf: iat - 5,
          exp: iat + 300
        })
        expect(yield* OAuthAccessTokens.verify({ access_token: issued.token })).toMatchObject({
          id: issued.id,
          expired: false
        })
        advance(300_000)
        expect(yield* OAuthAccessTokens.verify({ access_token: issued.token })).toEqual({ active: false })
      }).pipe(Effect.provide(layer))
    }
  )

  it.effect("failures: 404 for an unknown token, 400 without one; issue and revoke refuse unknown ids", () => {
    const { layer } = sdk()
    return Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      expect(yield* failure(OAuthAccessTokens.verify({ access_token: "oat_unknown" }))).toEqual({
        tag: "NotFound",
        code: "resource_not_found"
      })
      expect(yield* failure(OAuthAccessTokens.verify({}))).toEqual({ tag: "BadRequest", code: "form_param_missing" })
      expect((yield* Effect.flip(EmulatedOAuth.issue(emulator, { userId: "user_missing" }))).status).toBe(404)
      expect((yield* Effect.flip(EmulatedOAuth.revoke(emulator, "oat_missing"))).status).toBe(404)
    }).pipe(Effect.provide(layer))
  })
})

describe("OAuthAccessTokens on the wire", () => {
  it("refuses a body the schema refuses with 400 and a Machine Secret Key with 401", async () => {
    const { emulator } = setup()
    const reply = await call(emulator, "POST", "/oauth_applications/access_tokens/verify", {
      body: { access_token: 1 }
    })
    expect(reply.status).toBe(400)
    expect(reply.body.errors[0].meta).toEqual({ param_name: "access_token" })
    const machine = (await call(emulator, "POST", "/machines", { body: { name: "m" } })).body
    const asMachine = await call(emulator, "POST", "/oauth_applications/access_tokens/verify", {
      body: { access_token: "oat_x" },
      authorization: `Bearer ${machine.secret_key}`
    })
    expect(asMachine.status).toBe(401)
  })
})
