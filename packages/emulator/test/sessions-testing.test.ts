/**
 * Clerk's testing endpoints and a session's tokens, through @effect-clerk/backend: `Sessions.create`,
 * `createToken`, `createTokenFromTemplate`, `refresh`, `TestingTokens.create`, `SignInTokens.*`.
 */
import {
  JWTTemplates,
  OrganizationMemberships,
  Organizations,
  Sessions,
  SignInTokens,
  TestingTokens,
  Users
} from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose"
import * as Emulator from "../src/Emulator.js"
import * as SignInTokensResource from "../src/resources/SignInTokens.js"
import * as UsersResource from "../src/resources/Users.js"
import { call, setup } from "./helpers.js"
import { failure, sdk } from "./sdk.js"

const verify = (emulator: Emulator.ClerkEmulator, jwt: string) =>
  Effect.promise(() => jwtVerify(jwt, createLocalJWKSet(emulator.sessionTokens.jwks as never)))

const people = Effect.gen(function* () {
  const ada = yield* Users.create({ email_address: ["ada@example.com"], first_name: "Ada", last_name: "Lovelace" })
  const bob = yield* Users.create({ username: "bob" })
  const org = yield* Organizations.create({ name: "Acme", created_by: ada.id, public_metadata: { tier: "gold" } })
  return { ada, bob, org }
})

describe("Sessions.create (testing endpoint)", () => {
  it.effect("creates an active session that lists, gets and mints tokens; refuses unknown users and non-members", () =>
    Effect.gen(function* () {
      const { ada, bob, org } = yield* people
      const session = yield* Sessions.create({ user_id: ada.id, active_organization_id: org.id })
      expect(session).toMatchObject({ object: "session", user_id: ada.id, status: "active" })
      expect(session.last_active_organization_id).toBe(org.id)
      expect((yield* Sessions.list({ user_id: ada.id })).map((s) => s.id)).toEqual([session.id])
      expect((yield* Sessions.get(session.id)).id).toBe(session.id)

      const { jwt } = yield* Sessions.createToken(session.id, { expires_in_seconds: 120 })
      const { payload } = yield* verify(yield* Emulator.Emulator, jwt!)
      expect(payload).toMatchObject({ sub: ada.id, sid: session.id, o: { id: org.id, rol: "admin" } })
      expect(payload.exp! - payload.iat!).toBe(120)

      expect(yield* failure(Sessions.create({ user_id: "user_missing" }))).toMatchObject({
        tag: "NotFound",
        code: "resource_not_found"
      })
      expect(yield* failure(Sessions.create({ user_id: ada.id, active_organization_id: "org_missing" }))).toMatchObject(
        { tag: "NotFound" }
      )
      expect(yield* failure(Sessions.create({ user_id: bob.id, active_organization_id: org.id }))).toEqual({
        tag: "UnprocessableEntity",
        code: "form_param_value_invalid",
        param: "active_organization_id"
      })
    }).pipe(Effect.provide(sdk()))
  )

  it.effect("createToken answers 404 for an unknown or revoked session", () =>
    Effect.gen(function* () {
      const { ada } = yield* people
      const session = yield* Sessions.create({ user_id: ada.id })
      yield* Sessions.revoke(session.id)
      expect((yield* failure(Sessions.createToken(session.id, {}))).tag).toBe("NotFound")
      expect((yield* failure(Sessions.createToken("sess_missing", {}))).tag).toBe("NotFound")
    }).pipe(Effect.provide(sdk()))
  )
})

describe("Sessions.createTokenFromTemplate", () => {
  it.effect("renders the template's shortcodes, adds Clerk's default claims, signs with the instance key", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const { ada, org } = yield* people
      yield* Users.updateMetadata(ada.id, { public_metadata: { plan: "pro", limits: { seats: 3 } } })
      yield* JWTTemplates.create({
        name: "hasura",
        lifetime: 300,
        allowed_clock_skew: 10,
        claims: {
          aud: "my-api",
          email: "{{user.primary_email_address}}",
          name: "{{user.first_name}} {{user.last_name}}",
          full: "{{user.full_name}}",
          verified: "{{user.email_verified}}",
          plan: "{{user.public_metadata.plan}}",
          seats: "{{user.public_metadata.limits.seats}}",
          nick: "{{user.username || 'anonymous'}}",
          missing: "{{user.nothing}}",
          org: { id: "{{org.id}}", role: "{{org.role}}", tier: "{{org.public_metadata.tier}}" },
          tags: ["static", "{{session.id}}"]
        }
      })
      const session = yield* Sessions.create({ user_id: ada.id, active_organization_id: org.id })
      const { jwt } = yield* Sessions.createTokenFromTemplate(session.id, "hasura", {})
      const { payload } = yield* verify(emulator, jwt!)
      expect(decodeProtectedHeader(jwt!)).toMatchObject({ alg: "RS256", kid: emulator.sessionTokens.jwks.keys[0]!.kid })
      expect(payload).toMatchObject({
        aud: "my-api",
        email: "ada@example.com",
        name: "Ada Lovelace",
        full: "Ada Lovelace",
        verified: true,
        plan: "pro",
        seats: 3,
        nick: "anonymous",
        missing: null,
        org: { id: org.id, role: "org:admin", tier: "gold" },
        tags: ["static", session.id],
        sub: ada.id,
        iss: emulator.sessionTokens.issuer
      })
      expect(payload.exp! - payload.iat!).toBe(300)
      expect(payload.iat! - payload.nbf!).toBe(10)
      expect(payload.jti).toMatch(/^[0-9a-f]{20}$/)

      const short = yield* Sessions.createTokenFromTemplate(session.id, "hasura", { expires_in_seconds: 45 })
      const shortPayload = (yield* verify(emulator, short.jwt!)).payload
      expect(shortPayload.exp! - shortPayload.iat!).toBe(45)

      expect(yield* failure(Sessions.createTokenFromTemplate(session.id, "nope", {}))).toMatchObject({
        tag: "NotFound",
        code: "resource_not_found"
      })
      yield* Sessions.revoke(session.id)
      expect((yield* failure(Sessions.createTokenFromTemplate(session.id, "hasura", {}))).tag).toBe("NotFound")
    }).pipe(Effect.provide(sdk()))
  )

  it.effect("signs with a template's custom HS256 key", () =>
    Effect.gen(function* () {
      const { ada } = yield* people
      yield* JWTTemplates.create({
        name: "supabase",
        claims: { role: "authenticated" },
        custom_signing_key: true,
        signing_algorithm: "HS256",
        signing_key: "a-very-secret-supabase-jwt-key-of-32-bytes"
      })
      const session = yield* Sessions.create({ user_id: ada.id })
      const { jwt } = yield* Sessions.createTokenFromTemplate(session.id, "supabase", {})
      const { payload, protectedHeader } = yield* Effect.promise(() =>
        jwtVerify(jwt!, new TextEncoder().encode("a-very-secret-supabase-jwt-key-of-32-bytes"))
      )
      expect(protectedHeader.alg).toBe("HS256")
      expect(payload).toMatchObject({ role: "authenticated", sub: ada.id })
    }).pipe(Effect.provide(sdk()))
  )
})

describe("Sessions.refresh", () => {
  it.effect("mints a new token from this session's (expired) token; 401 for a foreign token, 400 once revoked", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const { ada } = yield* people
      const session = yield* Sessions.create({ user_id: ada.id })
      const other = yield* Sessions.create({ user_id: ada.id })
      const { jwt: old } = yield* Sessions.createToken(session.id, {})
      const body = { expired_token: old!, refresh_token: "r", request_origin: "https://app.example.com" }

      const refreshed = yield* Sessions.refresh(session.id, body)
      expect(refreshed.object).toBe("token")
      const jwt = (refreshed as { readonly jwt: string }).jwt
      expect((yield* verify(emulator, jwt)).payload.sid).toBe(session.id)
      const cookie = yield* Sessions.refresh(session.id, { ...body, format: "cookie" })
      expect(cookie).toMatchObject({ object: "cookies" })
      expect((cookie as { readonly cookies: ReadonlyArray<string> }).cookies[0]).toMatch(/^__session=ey/)

      expect((yield* failure(Sessions.refresh(other.id, body))).tag).toBe("Unauthorized")
      expect((yield* failure(Sessions.refresh(session.id, { ...body, expired_token: "not.a.jwt" }))).tag).toBe(
        "Unauthorized"
      )
      yield* Sessions.revoke(session.id)
      expect(yield* failure(Sessions.refresh(session.id, body))).toMatchObject({
        tag: "BadRequest",
        code: "session_not_active"
      })
    }).pipe(Effect.provide(sdk()))
  )
})

describe("TestingTokens.create", () => {
  it.effect("mints Clerk's `<seconds>-<random>` token, valid for an hour", () =>
    Effect.gen(function* () {
      const token = yield* TestingTokens.create()
      const [issued, random] = token.token.split("-")
      expect(token.object).toBe("testing_token")
      expect(Number(issued)).toBe(Math.floor(1_700_000_000_000 / 1000))
      expect(random).toMatch(/^[0-9A-Za-z]{48}$/)
      expect(token.expires_at).toBe(Number(issued) + 3600)
    }).pipe(Effect.provide(sdk({ now: () => 1_700_000_000_000 })))
  )
})

describe("SignInTokens", () => {
  it.effect("creates a pending token with its ticket URL, revokes it once; 404 and 422 as documented", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const { ada, bob, org } = yield* people
      const token = yield* SignInTokens.create({ user_id: ada.id })
      expect(token).toMatchObject({ object: "sign_in_token", status: "pending", user_id: ada.id })
      expect(token.url).toBe(`https://emulator.clerk.invalid/v1/tickets/accept?ticket=${token.token}`)
      const revoked = yield* SignInTokens.revoke(token.id)
      expect(revoked.status).toBe("revoked")
      expect(yield* failure(SignInTokens.revoke(token.id))).toMatchObject({
        tag: "BadRequest",
        code: "sign_in_token_cannot_be_revoked"
      })
      expect((yield* failure(SignInTokens.revoke("sit_missing"))).tag).toBe("NotFound")
      expect(yield* failure(SignInTokens.create({ user_id: "user_missing" }))).toMatchObject({
        tag: "NotFound",
        code: "resource_not_found"
      })
      expect(yield* failure(SignInTokens.create({ user_id: bob.id, org_id: org.id }))).toMatchObject({
        tag: "UnprocessableEntity",
        param: "org_id"
      })
      expect(yield* failure(SignInTokens.create({ user_id: ada.id, expires_in_seconds: 0 }))).toMatchObject({
        tag: "InvalidInput"
      })

      // accepting the ticket (what the Frontend API does) signs the user in
      yield* OrganizationMemberships.create(org.id, { user_id: bob.id, role: "org:member" })
      const forBob = yield* SignInTokens.create({ user_id: bob.id, org_id: org.id })
      const session = SignInTokensResource.accept(emulator, forBob.id)
      expect(session).toMatchObject({ user_id: bob.id, status: "active", last_active_organization_id: org.id })
      expect(() => SignInTokensResource.accept(emulator, forBob.id)).toThrow()
    }).pipe(Effect.provide(sdk()))
  )

  it("a token past its expires_in_seconds can no longer be accepted", async () => {
    const { emulator, advance } = setup()
    const user = UsersResource.seed(emulator, { username: "ada" })
    const token = (
      await call(emulator, "POST", "/sign_in_tokens", { body: { user_id: user.id, expires_in_seconds: 60 } })
    ).body
    advance(60_000)
    let thrown: unknown
    try {
      SignInTokensResource.accept(emulator, token.id)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ status: 400, errors: [{ code: "sign_in_token_expired" }] })
    // still pending, so it can be revoked
    expect((await call(emulator, "POST", `/sign_in_tokens/${token.id}/revoke`)).body.status).toBe("revoked")
  })
})
