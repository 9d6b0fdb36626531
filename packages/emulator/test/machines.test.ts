import { Machines } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as EmulatedMachines from "../src/resources/Machines.js"
import { call, setup } from "./helpers.js"
import { failure, sdk } from "./sdk-world.js"

describe("Machines, through the SDK", () => {
  it.effect("create (with its secret key and scopes), get, list, update, delete", () => {
    const { layer, advance, now } = sdk()
    return Effect.gen(function* () {
      const billing = yield* Machines.create({ name: "billing" })
      expect(billing).toMatchObject({
        object: "machine",
        name: "billing",
        default_token_ttl: 3600,
        scoped_machines: [],
        created_at: now()
      })
      expect(billing.id).toMatch(/^mch_\w{27}$/)
      expect(billing.instance_id).toMatch(/^ins_\w{27}$/)
      expect(billing.secret_key).toMatch(/^ak_\w+$/)
      advance(1000)
      const api = yield* Machines.create({ name: "API server", scoped_machines: [billing.id], default_token_ttl: 60 })
      expect(api.scoped_machines.map((m) => m.id)).toEqual([billing.id])
      expect(api.scoped_machines[0]).not.toHaveProperty("scoped_machines")

      expect((yield* Machines.get(api.id)).default_token_ttl).toBe(60)
      expect((yield* Machines.list()).data.map((m) => m.id)).toEqual([api.id, billing.id])
      expect((yield* Machines.list({ order_by: "name" })).data.map((m) => m.name)).toEqual(["API server", "billing"])
      expect((yield* Machines.list({ query: "BILL" })).data.map((m) => m.id)).toEqual([billing.id])
      expect((yield* Machines.list({ query: api.id })).data.map((m) => m.id)).toEqual([api.id])
      const page = yield* Machines.list({ limit: 1, offset: 1 })
      expect(page).toMatchObject({ total_count: 2, data: [{ id: billing.id }] })

      advance(1000)
      const renamed = yield* Machines.update(billing.id, { name: "billing-worker", default_token_ttl: 120 })
      expect(renamed).toMatchObject({ name: "billing-worker", default_token_ttl: 120, updated_at: now() })
      expect((yield* Machines.get(api.id)).scoped_machines[0]?.name).toBe("billing-worker")

      expect(yield* Machines.delete(billing.id)).toEqual({ object: "machine", id: billing.id, deleted: true })
      expect((yield* Machines.get(api.id)).scoped_machines).toEqual([])
    }).pipe(Effect.provide(layer))
  })

  it.effect("the secret key: read, rotated with a grace period for the previous one", () => {
    const { layer, emulator, advance } = sdk()
    return Effect.gen(function* () {
      const m = yield* Machines.create({ name: "worker" })
      expect(yield* Machines.getSecretKey(m.id)).toEqual({ object: "machine_secret_key", secret: m.secret_key })
      const rotated = yield* Machines.rotateSecretKey(m.id, { previous_token_ttl: 60 })
      expect(rotated.object).toBe("machine_secret_key")
      expect(rotated.secret).not.toBe(m.secret_key)
      expect((yield* Machines.getSecretKey(m.id)).secret).toBe(rotated.secret)
      const who = (secret: string) =>
        Effect.either(EmulatedMachines.authenticate(emulator.context, secret)).pipe(
          Effect.map((e) => (e._tag === "Right" ? e.right.id : e.left.errors[0]!.code))
        )
      expect(yield* who(rotated.secret)).toBe(m.id)
      expect(yield* who(m.secret_key)).toBe(m.id)
      advance(60_000)
      expect(yield* who(m.secret_key)).toBe("machine_secret_key_invalid")
      const immediate = yield* Machines.rotateSecretKey(m.id, { previous_token_ttl: 0 })
      expect(yield* who(rotated.secret)).toBe("machine_secret_key_invalid")
      expect(yield* who(immediate.secret)).toBe(m.id)
    }).pipe(Effect.provide(layer))
  })

  it.effect("scopes: added, refused (404 unknown, 409 twice, 422 itself), removed", () => {
    const { layer, now } = sdk()
    return Effect.gen(function* () {
      const a = yield* Machines.create({ name: "a" })
      const b = yield* Machines.create({ name: "b" })
      expect(yield* Machines.createScope(a.id, { to_machine_id: b.id })).toEqual({
        object: "machine_scope",
        from_machine_id: a.id,
        to_machine_id: b.id,
        created_at: now()
      })
      expect((yield* Machines.get(a.id)).scoped_machines.map((m) => m.id)).toEqual([b.id])
      expect(yield* failure(Machines.createScope(a.id, { to_machine_id: b.id }))).toEqual({
        tag: "Conflict",
        code: "duplicate_record"
      })
      expect(yield* failure(Machines.createScope(a.id, { to_machine_id: "mch_missing" }))).toEqual({
        tag: "NotFound",
        code: "resource_not_found"
      })
      expect(yield* failure(Machines.createScope(a.id, { to_machine_id: a.id }))).toEqual({
        tag: "UnprocessableEntity",
        code: "form_param_value_invalid"
      })
      expect(yield* Machines.deleteScope(a.id, b.id)).toEqual({
        object: "machine_scope",
        from_machine_id: a.id,
        to_machine_id: b.id,
        deleted: true
      })
      expect(yield* failure(Machines.deleteScope(a.id, b.id))).toEqual({ tag: "NotFound", code: "resource_not_found" })
    }).pipe(Effect.provide(layer))
  })

  it.effect("each documented failure of the other operations: 404 for an unknown machine, 422 for bad input", () => {
    const { layer } = sdk()
    return Effect.gen(function* () {
      const notFound = { tag: "NotFound", code: "resource_not_found" }
      expect(yield* failure(Machines.get("mch_missing"))).toEqual(notFound)
      expect(yield* failure(Machines.update("mch_missing", { name: "x" }))).toEqual(notFound)
      expect(yield* failure(Machines.delete("mch_missing"))).toEqual(notFound)
      expect(yield* failure(Machines.getSecretKey("mch_missing"))).toEqual(notFound)
      expect(yield* failure(Machines.rotateSecretKey("mch_missing", { previous_token_ttl: 0 }))).toEqual(notFound)
      expect(yield* failure(Machines.createScope("mch_missing", { to_machine_id: "mch_x" }))).toEqual(notFound)
      expect(yield* failure(Machines.deleteScope("mch_missing", "mch_x"))).toEqual(notFound)
      expect(yield* failure(Machines.create({ name: "x", scoped_machines: ["mch_missing"] }))).toEqual({
        tag: "UnprocessableEntity",
        code: "form_param_value_invalid"
      })
      expect(yield* failure(Machines.list({ order_by: "-secret" }))).toEqual({
        tag: "UnprocessableEntity",
        code: "form_param_format_invalid"
      })
      expect((yield* Machines.list()).total_count).toBe(0)
    }).pipe(Effect.provide(layer))
  })
})

describe("Machines on the wire", () => {
  it("refuses what the schema refuses with 422 (a blank name, a TTL of 0) and takes a PATCH without a body", async () => {
    const { emulator } = setup()
    for (const body of [{ name: "" }, { name: "x", default_token_ttl: 0 }, { name: "x", extra: 1 }]) {
      const reply = await call(emulator, "POST", "/machines", { body })
      expect(reply.status).toBe(422)
    }
    const m = (await call(emulator, "POST", "/machines", { body: { name: "x" } })).body
    const patched = await call(emulator, "PATCH", `/machines/${m.id}`)
    expect(patched.status).toBe(200)
    expect(patched.body).not.toHaveProperty("secret_key")
    const rotate = await call(emulator, "POST", `/machines/${m.id}/secret_key/rotate`, {
      body: { previous_token_ttl: 28801 }
    })
    expect(rotate.body.errors[0]).toMatchObject({ meta: { param_name: "previous_token_ttl" } })
  })
})
