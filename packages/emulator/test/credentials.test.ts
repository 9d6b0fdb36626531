/**
 * Two rules of the router: which credentials a route takes (`Resource.RouteOptions`), and the
 * status of a request that breaks the schema (422, or 400 where the operation documents 400 and
 * not 422). Served with hand-written resources, so that they hold for any route.
 */
import { APIKeys, M2MTokens, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import * as Resource from "../src/Resource.js"
import { call } from "./helpers.js"

const verified = (caller: Resource.Caller) =>
  Effect.succeed({
    object: "machine_to_machine_token",
    id: "mt_00000000000000000000000000000000",
    subject: caller._tag === "MachineSecretKey" ? caller.secret : "instance",
    revoked: false,
    revocation_reason: null,
    expired: false,
    expiration: null,
    last_used_at: null,
    created_at: 0,
    updated_at: 0
  })
const whoami = Resource.route(M2MTokens.operations.verifyToken, ({ caller }) => verified(caller))
const machineOnly = Resource.route(
  M2MTokens.operations.createToken,
  ({ caller }) =>
    Effect.succeed({
      object: "machine_to_machine_token",
      id: "mt_00000000000000000000000000000000",
      subject: caller._tag,
      token: "mt_x",
      revoked: false,
      revocation_reason: null,
      expired: false,
      expiration: null,
      last_used_at: null,
      created_at: 0,
      updated_at: 0
    }),
  { credentials: "machine" }
)
const either = Resource.route(M2MTokens.operations.verifyToken, ({ caller }) => verified(caller), {
  credentials: "secret-key-or-machine"
})
const secretOnly = Resource.route(Users.operations.count, () =>
  Effect.succeed({ object: "total_count", total_count: 0 })
)

const emulator = (routes: ReadonlyArray<Resource.Route>) =>
  Emulator.make({ secretKey: "sk_test_only", resources: [Resource.make("test", routes)] })

describe("the credentials a route takes", () => {
  it("by default the instance's secret key only: a Machine Secret Key is a 401", async () => {
    const e = emulator([secretOnly, whoami])
    expect((await call(e, "GET", "/users/count", { authorization: "Bearer sk_test_only" })).status).toBe(200)
    for (const path of ["/users/count", "/m2m_tokens/verify"]) {
      const reply = await call(e, path === "/users/count" ? "GET" : "POST", path, {
        authorization: "Bearer ak_machine",
        body: path === "/users/count" ? undefined : { token: "mt_x" }
      })
      expect(reply.status).toBe(401)
      expect(reply.body.errors[0].code).toBe("authentication_invalid")
    }
  })

  it("secret-key-or-machine: either, and the handler is told which", async () => {
    const e = emulator([either])
    const asMachine = await call(e, "POST", "/m2m_tokens/verify", {
      authorization: "Bearer ak_machine",
      body: { token: "mt_x" }
    })
    expect(asMachine.body.subject).toBe("ak_machine")
    const asInstance = await call(e, "POST", "/m2m_tokens/verify", {
      authorization: "Bearer sk_test_only",
      body: { token: "mt_x" }
    })
    expect(asInstance.body.subject).toBe("instance")
    // another instance key is still refused
    const other = await call(e, "POST", "/m2m_tokens/verify", { authorization: "Bearer sk_test_other", body: {} })
    expect(other.status).toBe(401)
  })

  it("machine: the instance's secret key is a 401 that says a Machine Secret Key is needed", async () => {
    const e = emulator([machineOnly])
    const asInstance = await call(e, "POST", "/m2m_tokens", { authorization: "Bearer sk_test_only", body: {} })
    expect(asInstance.status).toBe(401)
    expect(asInstance.body.errors[0].long_message).toContain("Machine Secret Key")
    const asMachine = await call(e, "POST", "/m2m_tokens", { authorization: "Bearer ak_machine", body: {} })
    expect(asMachine.status).toBe(201)
    expect(asMachine.body.subject).toBe("MachineSecretKey")
  })
})

describe("the status of a request that breaks the schema", () => {
  const keys = Emulator.make({
    resources: [
      Resource.make("test", [
        Resource.route(APIKeys.operations.verify, () => Effect.die("not reached")),
        Resource.route(APIKeys.operations.list, () => Effect.die("not reached")),
        secretOnly
      ])
    ]
  })

  it("is 400 where the operation documents 400 and not 422 (the machine-auth endpoints), items kept", async () => {
    const body = await call(keys, "POST", "/api_keys/verify", { body: { token: "ak_x" } })
    expect(body.status).toBe(400)
    expect(body.body.errors.map((e: { code: string }) => e.code).sort()).toEqual([
      "form_param_missing",
      "form_param_unknown"
    ])
    const query = await call(keys, "GET", "/api_keys?subject=nobody")
    expect(query.status).toBe(400)
    expect(query.body.errors[0]).toMatchObject({ code: "form_param_format_invalid", meta: { param_name: "subject" } })
  })

  it("is 422 where the operation documents 422", async () => {
    const reply = await call(keys, "GET", "/users/count?banned=maybe")
    expect(reply.status).toBe(422)
  })
})
