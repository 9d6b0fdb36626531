import { APIKeys, Machines, Organizations, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { call, setup } from "./helpers.js"
import { failure, sdk } from "./sdk-world.js"

describe("APIKeys, through the SDK", () => {
  it.effect("create (with its secret), get, list, update, getSecret, delete", () => {
    const { layer, advance, now } = sdk()
    return Effect.gen(function* () {
      const ada = yield* Users.create({ email_address: ["ada@example.com"] })
      const created = yield* APIKeys.create({
        name: "ci deploys",
        subject: ada.id,
        description: "for the CI",
        scopes: ["deploy"],
        claims: { team: "infra" },
        created_by: ada.id,
        seconds_until_expiration: 3600
      })
      expect(created).toMatchObject({
        object: "api_key",
        type: "api_key",
        subject: ada.id,
        name: "ci deploys",
        description: "for the CI",
        scopes: ["deploy"],
        claims: { team: "infra" },
        created_by: ada.id,
        revoked: false,
        revocation_reason: null,
        expired: false,
        expiration: now() + 3_600_000,
        last_used_at: null,
        created_at: now(),
        updated_at: now()
      })
      expect(created.id).toMatch(/^ak_[0-9a-f]{32}$/)
      expect(created.secret).toMatch(/^ak_\w+$/)
      expect(created.secret).not.toBe(created.id)

      const fetched = yield* APIKeys.get(created.id)
      expect(fetched).not.toHaveProperty("secret")
      expect(fetched).toEqual(Object.fromEntries(Object.entries(created).filter(([k]) => k !== "secret")))
      expect(yield* APIKeys.getSecret(created.id)).toEqual({ secret: created.secret })

      advance(1000)
      const org = yield* Organizations.create({ name: "Acme" })
      const second = yield* APIKeys.create({ name: "reporting", subject: ada.id })
      expect(second).toMatchObject({ description: null, claims: null, scopes: [], expiration: null, created_by: null })
      yield* APIKeys.create({ name: "org key", subject: org.id })
      yield* APIKeys.create({ name: "other type", subject: ada.id, type: "publishable" })
      const listed = yield* APIKeys.list({ subject: ada.id })
      expect(listed.total_count).toBe(2)
      expect(listed.data.map((k) => k.id)).toEqual([second.id, created.id])
      expect(listed.data[0]).not.toHaveProperty("secret")
      expect((yield* APIKeys.list({ subject: ada.id, query: "DEPLOY" })).data.map((k) => k.id)).toEqual([created.id])
      expect((yield* APIKeys.list({ subject: ada.id, type: "publishable" })).data.map((k) => k.name)).toEqual([
        "other type"
      ])
      expect((yield* APIKeys.list({ subject: org.id })).data.map((k) => k.name)).toEqual(["org key"])
      expect(yield* APIKeys.list({ subject: ada.id, limit: 1, offset: 1 })).toMatchObject({
        total_count: 2,
        data: [{ id: created.id }]
      })

      advance(1000)
      const updated = yield* APIKeys.update(created.id, {
        subject: org.id,
        description: null,
        scopes: ["deploy", "rollback"],
        claims: null,
        seconds_until_expiration: 60
      })
      expect(updated).toMatchObject({
        subject: org.id,
        description: null,
        scopes: ["deploy", "rollback"],
        claims: null,
        expiration: now() + 60_000,
        updated_at: now(),
        created_at: created.created_at
      })

      expect(yield* APIKeys.delete(second.id)).toEqual({ object: "api_key", id: second.id, deleted: true })
      expect(yield* failure(APIKeys.get(second.id))).toEqual({ tag: "NotFound", code: "resource_not_found" })
    }).pipe(Effect.provide(layer))
  })

  it.effect("verify: a valid key (last_used_at), then revoked, then expired; list hides both unless asked", () => {
    const { layer, advance, now } = sdk()
    return Effect.gen(function* () {
      const worker = yield* Machines.create({ name: "worker" })
      const key = yield* APIKeys.create({ name: "worker key", subject: worker.id, seconds_until_expiration: 60 })
      advance(1000)
      const verified = yield* APIKeys.verify({ secret: key.secret })
      expect(verified).toMatchObject({ id: key.id, subject: worker.id, revoked: false, expired: false })
      expect(verified.last_used_at).toBe(now())

      const other = yield* APIKeys.create({ name: "revoked key", subject: worker.id })
      const revoked = yield* APIKeys.revoke(other.id, { revocation_reason: "leaked" })
      expect(revoked).toMatchObject({ revoked: true, revocation_reason: "leaked", updated_at: now() })
      // revoking again keeps the first reason
      expect((yield* APIKeys.revoke(other.id, { revocation_reason: "again" })).revocation_reason).toBe("leaked")
      const afterRevoke = yield* APIKeys.verify({ secret: other.secret })
      expect(afterRevoke).toMatchObject({ revoked: true, revocation_reason: "leaked", last_used_at: null })

      advance(59_000)
      expect((yield* APIKeys.verify({ secret: key.secret })).expired).toBe(true)
      expect((yield* APIKeys.get(key.id)).last_used_at).toBe(now() - 59_000)
      expect((yield* APIKeys.list({ subject: worker.id })).total_count).toBe(0)
      const all = yield* APIKeys.list({ subject: worker.id, include_invalid: "true" })
      expect(all.data.map((k) => [k.id, k.revoked, k.expired])).toEqual([
        [other.id, true, false],
        [key.id, false, true]
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect(
    "each documented failure: 400 for an unknown subject or creator and a bad body, 404 for an unknown key",
    () => {
      const { layer } = sdk()
      return Effect.gen(function* () {
        const badRequest = { tag: "BadRequest", code: "form_param_value_invalid" }
        const missingUser = "user_" + "0".repeat(27)
        expect(yield* failure(APIKeys.create({ name: "x-key", subject: missingUser }))).toEqual(badRequest)
        expect(yield* failure(APIKeys.create({ name: "x-key", subject: "mch_" + "0".repeat(27) }))).toEqual(badRequest)
        const ada = yield* Users.create({ email_address: ["ada@example.com"] })
        expect(yield* failure(APIKeys.create({ name: "x-key", subject: ada.id, created_by: missingUser }))).toEqual(
          badRequest
        )
        const key = yield* APIKeys.create({ name: "x-key", subject: ada.id })
        expect(yield* failure(APIKeys.update(key.id, { subject: "org_" + "0".repeat(27) }))).toEqual(badRequest)

        const notFound = { tag: "NotFound", code: "resource_not_found" }
        const missing = "ak_" + "0".repeat(32)
        expect(yield* failure(APIKeys.get(missing))).toEqual(notFound)
        expect(yield* failure(APIKeys.update(missing, { description: "x" }))).toEqual(notFound)
        expect(yield* failure(APIKeys.delete(missing))).toEqual(notFound)
        expect(yield* failure(APIKeys.getSecret(missing))).toEqual(notFound)
        expect(yield* failure(APIKeys.revoke(missing, {}))).toEqual(notFound)
        expect(yield* failure(APIKeys.verify({ secret: "ak_unknown" }))).toEqual(notFound)
        expect((yield* APIKeys.list({ subject: ada.id })).total_count).toBe(1)
      }).pipe(Effect.provide(layer))
    }
  )
})

describe("APIKeys on the wire", () => {
  it("a body the schema refuses is a 400 naming the parameter (the operation documents 400, not 422)", async () => {
    const { emulator } = setup()
    const user = (await call(emulator, "POST", "/users", { body: { email_address: ["a@example.com"] } })).body
    for (const [body, param] of [
      [{ name: "ab", subject: user.id }, "name"],
      [{ name: "key", subject: "someone" }, "subject"],
      [{ name: "key", subject: user.id, seconds_until_expiration: 0 }, "seconds_until_expiration"],
      [{ name: "key" }, "subject"]
    ] as const) {
      const reply = await call(emulator, "POST", "/api_keys", { body })
      expect(reply.status).toBe(400)
      expect(reply.body.errors[0].meta).toEqual({ param_name: param })
    }
    const list = await call(emulator, "GET", "/api_keys")
    expect(list.status).toBe(400)
    expect(list.body.errors[0]).toMatchObject({ code: "form_param_missing", meta: { param_name: "subject" } })
  })

  it("answers a Machine Secret Key with 401: API keys are managed with the instance's key only", async () => {
    const { emulator } = setup()
    const machine = (await call(emulator, "POST", "/machines", { body: { name: "m" } })).body
    const reply = await call(emulator, "POST", "/api_keys/verify", {
      body: { secret: "ak_x" },
      authorization: `Bearer ${machine.secret_key}`
    })
    expect(reply.status).toBe(401)
    expect(reply.body.errors[0].code).toBe("authentication_invalid")
  })
})
