import * as BackendUsers from "@effect-clerk/backend/Users"
import { describe, expect, it } from "@effect/vitest"
import * as Emulator from "../src/Emulator.js"
import { all as operations } from "../src/internal/operations.js"
import * as Paths from "../src/internal/paths.js"
import * as Users from "../src/resources/Users.js"
import { call, setup } from "./helpers.js"

const concrete = (path: string) => path.replace(/\{([^}]+)\}/g, (_, name: string) => `${name}_1`)

describe("routing from the generated operation table", () => {
  it("has all 249 operations, each unique by method and path", () => {
    expect(operations).toHaveLength(249)
    expect(new Set(operations.map((o) => `${o.method} ${o.path}`)).size).toBe(249)
    expect(new Set(operations.map((o) => o.name)).size).toBe(249)
  })

  it("matches every operation's own path to that operation, literal segments before parameters", () => {
    const router = Paths.make(operations)
    for (const op of operations) {
      const match = router.match(op.method, `/v1${concrete(op.path)}`)
      expect(match?.operation.name, `${op.method} ${op.path}`).toBe(op.name)
      for (const name of op.pathParams) expect(match?.params[name]).toBe(`${name}_1`)
    }
    expect(router.match("GET", "/v1/users/count")?.operation.name).toBe("Users.count")
    expect(router.match("GET", "/v1/users/user_1")?.operation.name).toBe("Users.get")
  })

  it("answers 400 not_emulated, naming the operation, for every operation it does not emulate", async () => {
    const { emulator } = setup()
    const emulated = new Set(Emulator.emulatedOperations().map((o) => o.name))
    const missing = operations.filter((o) => !emulated.has(o.name))
    expect(missing.length).toBeGreaterThan(0)
    for (const op of missing) {
      const reply = await call(emulator, op.method, concrete(op.path))
      expect(reply.status, op.name).toBe(400)
      expect(reply.body.errors[0]).toMatchObject({
        code: "not_emulated",
        long_message: expect.stringContaining(`${op.name} is not emulated`),
        meta: { operation: op.name, operation_id: op.operationId }
      })
    }
  })

  it("refuses a resource that names an operation the API does not have, or one emulated twice", () => {
    const route = {
      operation: { ...BackendUsers.operations.get, name: "Users.fly" },
      handler: () => undefined as never
    }
    expect(() => Emulator.make({ resources: [{ name: "x", routes: [route] }] })).toThrow(/Users.fly/)
    expect(() => Emulator.make({ resources: [Users.resource, Users.resource] })).toThrow(/emulated twice/)
  })
})

describe("request validation with the generated request schemas", () => {
  it("checks the query: integers, ranges, booleans; the first order_by wins", async () => {
    const { emulator } = setup()
    for (const query of ["limit=0", "limit=501", "limit=abc", "offset=-1", "banned=maybe"]) {
      const reply = await call(emulator, "GET", `/users?${query}`)
      expect(reply.status, query).toBe(422)
      expect(reply.body.errors[0]).toMatchObject({
        code: "form_param_format_invalid",
        meta: { param_name: query.split("=")[0] }
      })
    }
    Users.seed(emulator, { username: "bob" })
    Users.seed(emulator, { username: "alice" })
    const ordered = await call(emulator, "GET", "/users?order_by=username&order_by=-username")
    expect(ordered.body.map((u: { username: string }) => u.username)).toEqual(["alice", "bob"])
  })

  it("checks the body: missing, unknown and mistyped keys, in one 422 with every problem", async () => {
    const { emulator } = setup()
    const reply = await call(emulator, "POST", "/actor_tokens", { body: { actor: { sub: 1 }, color: "red" } })
    expect(reply.status).toBe(422)
    const items = reply.body.errors.map((e: { code: string; meta: { param_name: string } }) => [
      e.code,
      e.meta.param_name
    ])
    expect(items).toEqual(
      expect.arrayContaining([
        ["form_param_missing", "user_id"],
        ["form_param_format_invalid", "actor.sub"],
        ["form_param_unknown", "color"]
      ])
    )
    // a required body that is absent: each required key is reported missing
    const empty = await call(emulator, "POST", "/actor_tokens")
    expect(empty.body.errors.map((e: { meta: { param_name: string } }) => e.meta.param_name).sort()).toEqual([
      "actor",
      "user_id"
    ])
  })
})
