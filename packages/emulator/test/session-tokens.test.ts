import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { createLocalJWKSet, decodeProtectedHeader, importSPKI, jwtVerify } from "jose"
import { generateKeyPairSync } from "node:crypto"
import * as Emulator from "../src/Emulator.js"
import * as Resource from "../src/Resource.js"
import * as Organizations from "../src/resources/Organizations.js"
import * as Users from "../src/resources/Users.js"
import { call } from "./helpers.js"

// real time: jose checks exp/nbf against the wall clock
const setup = (options: Emulator.Options = {}) => {
  const emulator = Emulator.make(options)
  const user = Users.seed(emulator, { email_address: ["ada@example.com"] })
  return { emulator, user }
}

const seedMembership = (emulator: Emulator.ClerkEmulator, userId: string, role: string) => {
  const context = emulator.context
  const now = context.now()
  const { id } = Resource.runOrThrow(Organizations.create(context, { name: "Acme" }))
  const membershipId = context.generateId("orgmem_")
  context.store.get(Organizations.memberships).set(membershipId, {
    sequence: context.store.nextSequence(),
    id: membershipId,
    organizationId: id,
    userId,
    role,
    publicMetadata: {},
    privateMetadata: {},
    createdAt: now,
    updatedAt: now
  })
  return id
}

describe("sessionTokens", () => {
  it("mints a token that verifies with the PEM public key and with GET /v1/jwks", async () => {
    const { emulator, user } = setup()
    const { token, sessionId } = await Effect.runPromise(emulator.sessionTokens.mint({ userId: user.id }))

    const byPem = await jwtVerify(token, await importSPKI(emulator.sessionTokens.publicKeyPem, "RS256"), {
      issuer: "https://emulator.clerk.invalid"
    })
    expect(byPem.payload).toMatchObject({ sub: user.id, sid: sessionId, sts: "active", v: 2, fva: [0, -1] })
    expect(byPem.payload.exp! - byPem.payload.iat!).toBe(60)
    expect(byPem.payload.iat! - byPem.payload.nbf!).toBe(5)
    expect(byPem.payload).not.toHaveProperty("azp")
    expect(byPem.payload).not.toHaveProperty("o")
    expect(byPem.payload).not.toHaveProperty("act")

    const jwks = await call(emulator, "GET", "/jwks")
    expect(jwks.status).toBe(200)
    expect(jwks.body).toEqual(emulator.sessionTokens.jwks)
    const [key] = jwks.body.keys
    expect(key).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" })
    expect(key).not.toHaveProperty("d")
    expect(decodeProtectedHeader(token)).toEqual({ alg: "RS256", kid: key.kid, typ: "JWT" })
    const byJwks = await jwtVerify(token, createLocalJWKSet(jwks.body))
    expect(byJwks.payload.sub).toBe(user.id)
  })

  it("stores the session: Sessions.get, list and revoke see it", async () => {
    const { emulator, user } = setup()
    const { sessionId } = await Effect.runPromise(emulator.sessionTokens.mint({ userId: user.id }))
    const second = await Effect.runPromise(emulator.sessionTokens.mint({ userId: user.id }))

    const got = await call(emulator, "GET", `/sessions/${sessionId}`)
    expect(got.status).toBe(200)
    expect(got.body).toMatchObject({
      object: "session",
      id: sessionId,
      user_id: user.id,
      status: "active",
      actor: null
    })
    expect(got.body.expire_at - got.body.created_at).toBe(7 * 24 * 3600 * 1000)

    const listed = await call(emulator, "GET", `/sessions?user_id=${user.id}`)
    expect(listed.body.map((s: { id: string }) => s.id)).toEqual([second.sessionId, sessionId])

    const revoked = await call(emulator, "POST", `/sessions/${sessionId}/revoke`)
    expect(revoked.status).toBe(200)
    expect(revoked.body.status).toBe("revoked")
    const again = await call(emulator, "POST", `/sessions/${sessionId}/revoke`)
    expect(again.status).toBe(400)
    const active = await call(emulator, "GET", `/sessions?user_id=${user.id}&status=active`)
    expect(active.body.map((s: { id: string }) => s.id)).toEqual([second.sessionId])

    expect((await call(emulator, "GET", "/sessions/sess_missing")).body.errors[0].code).toBe("resource_not_found")
    expect((await call(emulator, "POST", "/sessions/sess_missing/revoke")).status).toBe(404)
    expect((await call(emulator, "GET", "/sessions")).status).toBe(400)
    expect((await call(emulator, "GET", `/sessions?user_id=${user.id}&status=bogus`)).status).toBe(422)
  })

  it("adds o for a member, act, azp, a lifetime and overriding claims", async () => {
    const { emulator, user } = setup()
    const orgId = seedMembership(emulator, user.id, "org:admin")
    const { token, sessionId } = await Effect.runPromise(
      emulator.sessionTokens.mint({
        userId: user.id,
        organizationId: orgId,
        actor: { sub: "user_admin", iss: "support" },
        authorizedParty: "https://app.example.com",
        expiresInSeconds: 300,
        claims: { custom: "yes", sts: "pending" }
      })
    )
    const { payload } = await jwtVerify(token, await importSPKI(emulator.sessionTokens.publicKeyPem, "RS256"))
    expect(payload).toMatchObject({
      azp: "https://app.example.com",
      act: { sub: "user_admin", iss: "support" },
      o: { id: orgId, slg: "acme", rol: "admin" },
      custom: "yes",
      sts: "pending"
    })
    expect((payload.o as { per: string }).per.split(",")).toContain("sys_memberships:manage")
    expect(payload.exp! - payload.iat!).toBe(300)
    const session = await call(emulator, "GET", `/sessions/${sessionId}`)
    expect(session.body).toMatchObject({ actor: { sub: "user_admin" }, last_active_organization_id: orgId })
  })

  it("leaves o out when the user is not a member of the organization", async () => {
    const { emulator, user } = setup()
    const other = Users.seed(emulator, { username: "other" })
    const orgId = seedMembership(emulator, other.id, "org:member")
    const { token } = await Effect.runPromise(emulator.sessionTokens.mint({ userId: user.id, organizationId: orgId }))
    const { payload } = await jwtVerify(token, createLocalJWKSet(emulator.sessionTokens.jwks as never))
    expect(payload).not.toHaveProperty("o")
  })

  it("fails with 404 resource_not_found for an unknown user or organization, and stores no session", async () => {
    const { emulator, user } = setup()
    const unknownUser = await Effect.runPromiseExit(emulator.sessionTokens.mint({ userId: "user_missing" }))
    const unknownOrg = await Effect.runPromiseExit(
      emulator.sessionTokens.mint({ userId: user.id, organizationId: "org_missing" })
    )
    for (const exit of [unknownUser, unknownOrg]) {
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
        expect(error).toMatchObject({ _tag: "ApiError", status: 404, errors: [{ code: "resource_not_found" }] })
      }
    }
    expect((await call(emulator, "GET", `/sessions?user_id=${user.id}`)).body).toEqual([])
  })

  it("signs with a key given in options: same kid across instances, tokens verify across instances", async () => {
    const pem = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString()
    const first = setup({ signingKey: pem })
    const second = Emulator.make({ signingKey: pem })
    expect(second.sessionTokens.jwks).toEqual(first.emulator.sessionTokens.jwks)
    expect(second.sessionTokens.publicKeyPem).toBe(first.emulator.sessionTokens.publicKeyPem)
    const { token } = await Effect.runPromise(first.emulator.sessionTokens.mint({ userId: first.user.id }))
    await expect(jwtVerify(token, createLocalJWKSet(second.sessionTokens.jwks as never))).resolves.toBeDefined()
    // a fresh instance has another key: the token does not verify against it
    await expect(jwtVerify(token, createLocalJWKSet(Emulator.make().sessionTokens.jwks as never))).rejects.toThrow()
    expect(() => Emulator.make({ signingKey: "not a pem" })).toThrow()
  })
})

describe("Sessions.createToken", () => {
  it("signs a token for an active session (its org claim included), 404 for a revoked or unknown one", async () => {
    const { emulator, user } = setup()
    const orgId = seedMembership(emulator, user.id, "org:member")
    const { sessionId } = await Effect.runPromise(
      emulator.sessionTokens.mint({ userId: user.id, organizationId: orgId })
    )
    const reply = await call(emulator, "POST", `/sessions/${sessionId}/tokens`, { body: { expires_in_seconds: 300 } })
    expect(reply.status).toBe(200)
    expect(reply.body.object).toBe("token")
    const { payload } = await jwtVerify(reply.body.jwt, createLocalJWKSet(emulator.sessionTokens.jwks as never))
    expect(payload).toMatchObject({ sub: user.id, sid: sessionId, o: { id: orgId, rol: "member" } })
    expect(payload.exp! - payload.iat!).toBe(300)
    await call(emulator, "POST", `/sessions/${sessionId}/revoke`)
    expect((await call(emulator, "POST", `/sessions/${sessionId}/tokens`)).status).toBe(404)
    expect((await call(emulator, "POST", "/sessions/sess_missing/tokens")).status).toBe(404)
  })
})
