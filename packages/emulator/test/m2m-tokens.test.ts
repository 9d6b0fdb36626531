import { M2MTokens, Machines } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { decodeProtectedHeader } from "jose"
import { call, setup } from "./helpers.js"
import { asMachine, failure, sdk, verifiedClaims } from "./sdk-world.js"

// three machines: `api` may reach `billing` and `audit`; `billing` may reach none
const machines = Effect.gen(function* () {
  const billing = yield* Machines.create({ name: "billing" })
  const audit = yield* Machines.create({ name: "audit" })
  const api = yield* Machines.create({ name: "api", scoped_machines: [billing.id, audit.id], default_token_ttl: 600 })
  return { api, billing, audit }
})

describe("M2MTokens, through the SDK", () => {
  it.effect("created with the machine's key: opaque, scoped to the machines it may reach, its default TTL", () => {
    const { layer, emulator, now } = sdk()
    return Effect.gen(function* () {
      const { api, billing, audit } = yield* machines
      const token = yield* M2MTokens.createToken({ claims: { job: "nightly" } }).pipe(
        Effect.provide(asMachine(emulator, api.secret_key))
      )
      expect(token).toMatchObject({
        object: "machine_to_machine_token",
        subject: api.id,
        scopes: [billing.id, audit.id],
        claims: { job: "nightly" },
        revoked: false,
        revocation_reason: null,
        expired: false,
        expiration: now() + 600_000,
        last_used_at: null,
        created_at: now(),
        updated_at: now()
      })
      expect(token.id).toMatch(/^mt_[0-9a-f]{32}$/)
      expect(token.token).toMatch(/^mt_\w+$/)
      const short = yield* M2MTokens.createToken({ seconds_until_expiration: 30, claims: null }).pipe(
        Effect.provide(asMachine(emulator, api.secret_key))
      )
      expect(short).toMatchObject({ expiration: now() + 30_000, claims: null })

      // the instance's key may not create one; a key of no machine neither
      expect(yield* failure(M2MTokens.createToken({}))).toEqual({ tag: "Unauthorized", code: "authentication_invalid" })
      expect(yield* failure(M2MTokens.createToken({}).pipe(Effect.provide(asMachine(emulator, "ak_nobody"))))).toEqual({
        tag: "Unauthorized",
        code: "machine_secret_key_invalid"
      })
      // a rotated key keeps working for its grace period
      yield* Machines.rotateSecretKey(api.id, { previous_token_ttl: 60 })
      const withOldKey = yield* M2MTokens.createToken({}).pipe(Effect.provide(asMachine(emulator, api.secret_key)))
      expect(withOldKey.subject).toBe(api.id)
    }).pipe(Effect.provide(layer))
  })

  it.effect("verify: any token with the instance's key, with a machine's key only the tokens granted to it", () => {
    const { layer, emulator, advance, now } = sdk()
    return Effect.gen(function* () {
      const { api, billing } = yield* machines
      const token = yield* M2MTokens.createToken({}).pipe(Effect.provide(asMachine(emulator, api.secret_key)))
      advance(1000)
      const byInstance = yield* M2MTokens.verifyToken({ token: token.token })
      expect(byInstance).toMatchObject({ id: token.id, subject: api.id, revoked: false, expired: false })
      expect(byInstance.last_used_at).toBe(now())
      expect(byInstance).not.toHaveProperty("token")
      const byBilling = yield* M2MTokens.verifyToken({ token: token.token }).pipe(
        Effect.provide(asMachine(emulator, billing.secret_key))
      )
      expect(byBilling.id).toBe(token.id)
      // `api` made it but is not among its scopes: not granted to it
      expect(
        yield* failure(
          M2MTokens.verifyToken({ token: token.token }).pipe(Effect.provide(asMachine(emulator, api.secret_key)))
        )
      ).toEqual({ tag: "NotFound", code: "resource_not_found" })
      expect(yield* failure(M2MTokens.verifyToken({ token: "mt_unknown" }))).toEqual({
        tag: "NotFound",
        code: "resource_not_found"
      })

      // expired: answered with `expired: true`, its last use unchanged
      advance(600_000)
      const expired = yield* M2MTokens.verifyToken({ token: token.token })
      expect(expired).toMatchObject({ expired: true, last_used_at: now() - 600_000 })

      // a deleted machine's tokens are unknown
      const fresh = yield* M2MTokens.createToken({}).pipe(Effect.provide(asMachine(emulator, api.secret_key)))
      yield* Machines.delete(api.id)
      expect(yield* failure(M2MTokens.verifyToken({ token: fresh.token }))).toEqual({
        tag: "NotFound",
        code: "resource_not_found"
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect(
    "revoke: with the instance's key any token, with a machine's key its own only; verify then says revoked",
    () => {
      const { layer, emulator, advance, now } = sdk()
      return Effect.gen(function* () {
        const { api, billing } = yield* machines
        const first = yield* M2MTokens.createToken({}).pipe(Effect.provide(asMachine(emulator, api.secret_key)))
        const second = yield* M2MTokens.createToken({}).pipe(Effect.provide(asMachine(emulator, api.secret_key)))
        expect(
          yield* failure(
            M2MTokens.revokeToken(first.id, {}).pipe(Effect.provide(asMachine(emulator, billing.secret_key)))
          )
        ).toEqual({ tag: "NotFound", code: "resource_not_found" })
        advance(1000)
        const revoked = yield* M2MTokens.revokeToken(first.id, { revocation_reason: "rotated" }).pipe(
          Effect.provide(asMachine(emulator, api.secret_key))
        )
        expect(revoked).toMatchObject({ id: first.id, revoked: true, revocation_reason: "rotated", updated_at: now() })
        expect(revoked).not.toHaveProperty("token")
        expect((yield* M2MTokens.revokeToken(second.id, {})).revoked).toBe(true)
        expect(yield* M2MTokens.verifyToken({ token: first.token })).toMatchObject({
          revoked: true,
          revocation_reason: "rotated",
          last_used_at: null
        })
        expect(yield* failure(M2MTokens.revokeToken("mt_" + "0".repeat(32), {}))).toEqual({
          tag: "NotFound",
          code: "resource_not_found"
        })
      }).pipe(Effect.provide(layer))
    }
  )

  it.effect("list: one machine's tokens, newest first; revoked and expired ones on request; 403 and 404", () => {
    const { layer, emulator, advance } = sdk()
    return Effect.gen(function* () {
      const { api, billing } = yield* machines
      const asApi = asMachine(emulator, api.secret_key)
      const old = yield* M2MTokens.createToken({ seconds_until_expiration: 10 }).pipe(Effect.provide(asApi))
      advance(1000)
      const revoked = yield* M2MTokens.createToken({}).pipe(Effect.provide(asApi))
      yield* M2MTokens.revokeToken(revoked.id, {})
      advance(1000)
      const live = yield* M2MTokens.createToken({}).pipe(Effect.provide(asApi))
      advance(10_000)
      const ids = (r: M2MTokens.ListTokensResponse) => r.m2m_tokens.map((t) => t.id)
      expect(ids(yield* M2MTokens.listTokens({ subject: api.id }))).toEqual([live.id])
      expect(ids(yield* M2MTokens.listTokens({ subject: api.id, revoked: true }))).toEqual([live.id, revoked.id])
      expect(ids(yield* M2MTokens.listTokens({ subject: api.id, expired: true }))).toEqual([live.id, old.id])
      const everything = yield* M2MTokens.listTokens({ subject: api.id, revoked: true, expired: true, limit: 2 })
      expect(everything).toMatchObject({ total_count: 3 })
      expect(ids(everything)).toEqual([live.id, revoked.id])
      expect(everything.m2m_tokens[0]).not.toHaveProperty("token")
      expect(ids(yield* M2MTokens.listTokens({ subject: api.id }).pipe(Effect.provide(asApi)))).toEqual([live.id])

      expect(
        yield* failure(
          M2MTokens.listTokens({ subject: api.id }).pipe(Effect.provide(asMachine(emulator, billing.secret_key)))
        )
      ).toEqual({ tag: "Forbidden", code: "authorization_invalid" })
      expect(yield* failure(M2MTokens.listTokens({ subject: "mch_" + "0".repeat(27) }))).toEqual({
        tag: "NotFound",
        code: "resource_not_found"
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("min_remaining_ttl_seconds: a live token with the same claims is returned instead of a new one", () => {
    const { layer, emulator, advance } = sdk()
    return Effect.gen(function* () {
      const { api } = yield* machines
      const create = (body: M2MTokens.CreateTokenBody) =>
        M2MTokens.createToken(body).pipe(Effect.provide(asMachine(emulator, api.secret_key)))
      const first = yield* create({ claims: { a: 1 }, min_remaining_ttl_seconds: 300 })
      advance(200_000)
      const reused = yield* create({ claims: { a: 1 }, min_remaining_ttl_seconds: 300 })
      expect(reused).toEqual(first)
      expect((yield* create({ claims: { a: 2 }, min_remaining_ttl_seconds: 300 })).id).not.toBe(first.id)
      advance(200_000) // 200 s left
      expect((yield* create({ claims: { a: 1 }, min_remaining_ttl_seconds: 300 })).id).not.toBe(first.id)
      expect(yield* failure(create({ min_remaining_ttl_seconds: 600 }))).toEqual({
        tag: "BadRequest",
        code: "form_param_value_invalid"
      })
      expect(yield* failure(create({ seconds_until_expiration: 60, min_remaining_ttl_seconds: 60 }))).toEqual({
        tag: "BadRequest",
        code: "form_param_value_invalid"
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("JWT format: signed with the instance's key, Clerk's M2M claims and category; never stored", () => {
    const { layer, emulator, now } = sdk()
    return Effect.gen(function* () {
      const { api, billing, audit } = yield* machines
      const token = yield* M2MTokens.createToken({ token_format: "jwt", claims: { job: "sync" } }).pipe(
        Effect.provide(asMachine(emulator, api.secret_key))
      )
      expect(token).toMatchObject({ subject: api.id, scopes: [billing.id, audit.id], expiration: now() + 600_000 })
      expect(decodeProtectedHeader(token.token)).toMatchObject({ alg: "RS256", typ: "JWT", cat: "cl_B7d4PD333AAA" })
      const payload = yield* verifiedClaims(emulator, token.token, now())
      const iat = Math.floor(now() / 1000)
      expect(payload).toEqual({
        iss: "https://emulator.clerk.invalid",
        sub: api.id,
        aud: [billing.id, audit.id],
        scopes: `${billing.id} ${audit.id}`,
        job: "sync",
        iat,
        nbf: iat - 5,
        exp: iat + 600,
        jti: token.id
      })
      expect((yield* M2MTokens.listTokens({ subject: api.id })).total_count).toBe(0)
      expect(yield* failure(M2MTokens.revokeToken(token.id, {}))).toEqual({
        tag: "NotFound",
        code: "resource_not_found"
      })
    }).pipe(Effect.provide(layer))
  })
})

describe("M2MTokens on the wire", () => {
  it("answers 201 to create; a body or query the schema refuses is a 400 naming the parameter", async () => {
    const { emulator } = setup()
    const machine = (await call(emulator, "POST", "/machines", { body: { name: "m" } })).body
    const asMachineKey = { authorization: `Bearer ${machine.secret_key}` }
    expect((await call(emulator, "POST", "/m2m_tokens", { ...asMachineKey, body: {} })).status).toBe(201)
    for (const [body, param] of [
      [{ token_format: "paseto" }, "token_format"],
      [{ seconds_until_expiration: 0 }, "seconds_until_expiration"],
      [{ min_remaining_ttl_seconds: 1.5 }, "min_remaining_ttl_seconds"]
    ] as const) {
      const reply = await call(emulator, "POST", "/m2m_tokens", { ...asMachineKey, body })
      expect(reply.status).toBe(400)
      expect(reply.body.errors[0].meta).toEqual({ param_name: param })
    }
    const list = await call(emulator, "GET", "/m2m_tokens?subject=machine")
    expect(list.status).toBe(400)
    expect(list.body.errors[0].meta).toEqual({ param_name: "subject" })
  })
})
