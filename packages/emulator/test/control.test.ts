/**
 * The control API (`/__emulator/...`) through the emulator's web-standard handler: what another
 * process does over HTTP (bin.test.ts drives the same endpoints through the real CLI).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as jose from "jose"
import * as Emulator from "../src/Emulator.js"
import { call, SECRET_KEY, setup } from "./helpers.js"

interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly body: any
}

const control = async (
  emulator: Emulator.ClerkEmulator,
  method: string,
  path: string,
  options: { readonly body?: unknown; readonly rawBody?: string; readonly key?: string | null } = {}
): Promise<Reply> => {
  const headers = new Headers({ "content-type": "application/json" })
  const key = options.key === undefined ? SECRET_KEY : options.key
  if (key !== null) headers.set("authorization", `Bearer ${key}`)
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
  const response = await emulator.handle(
    new Request(`https://api.clerk.com/__emulator${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
  )
  return { status: response.status, headers: response.headers, body: await response.json() }
}

const codes = (reply: Reply): Array<string> => reply.body.errors.map((e: { code: string }) => e.code)

describe("the control API: its guard", () => {
  it("needs the secret key when the emulator has one; 401 authentication_invalid otherwise", async () => {
    const { emulator } = setup({ secretKey: SECRET_KEY })
    for (const key of [null, "sk_test_other", "not-a-bearer"]) {
      const reply = await control(emulator, "POST", "/reset", { key })
      expect(reply.status).toBe(401)
      expect(codes(reply)).toEqual(["authentication_invalid"])
    }
    expect((await control(emulator, "POST", "/reset")).status).toBe(200)
  })

  it("with a control key, only that key; the API still takes only the secret key", async () => {
    const { emulator } = setup({ secretKey: SECRET_KEY, control: { key: "ctl_local" } })
    expect((await control(emulator, "GET", "")).status).toBe(401)
    expect((await control(emulator, "GET", "", { key: "ctl_local" })).status).toBe(200)
    expect((await call(emulator, "GET", "/users", { authorization: "Bearer ctl_local" })).status).toBe(401)
  })

  it("control: false leaves no control API: its paths are unknown paths", async () => {
    const { emulator } = setup({ control: false })
    const reply = await control(emulator, "POST", "/reset")
    expect(reply.status).toBe(404)
    expect(codes(reply)).toEqual(["resource_not_found"])
  })

  it("bad requests are clear 4xx: unknown endpoint, wrong method (with Allow), not JSON, a missing body", async () => {
    const { emulator } = setup()
    expect(await control(emulator, "GET", "/nothing")).toMatchObject({ status: 404 })
    const wrong = await control(emulator, "GET", "/reset")
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get("allow")).toBe("POST")
    expect(codes(wrong)).toEqual(["method_not_allowed"])
    const notJson = await control(emulator, "POST", "/seed", { rawBody: "{users" })
    expect([notJson.status, codes(notJson)]).toEqual([400, ["malformed_request_body"]])
    const missing = await control(emulator, "PUT", "/faults")
    expect([missing.status, codes(missing)]).toEqual([400, ["malformed_request_body"]])
    const notObject = await control(emulator, "POST", "/session_tokens", { body: "user_1" })
    expect([notObject.status, codes(notObject)]).toEqual([400, ["malformed_request_body"]])
  })
})

describe("the control API: state", () => {
  it("GET /__emulator describes the instance: JWKS URL, issuer, public key, webhook secret", async () => {
    const { emulator } = setup()
    const reply = await control(emulator, "GET", "")
    expect(reply.body).toEqual({
      object: "emulator",
      control_url: "https://api.clerk.com/__emulator",
      jwks_url: "https://api.clerk.com/.well-known/jwks.json",
      session_token_issuer: emulator.sessionTokens.issuer,
      jwt_key: emulator.sessionTokens.publicKeyPem,
      webhook_signing_secret: emulator.webhooks.secret
    })
  })

  it("seed adds to the state and answers the ids; an invalid seed changes nothing; reset goes back", async () => {
    const { emulator } = setup({ seed: { users: [{ id: "user_first", username: "first" }] } })
    const seeded = await control(emulator, "POST", "/seed", {
      body: {
        users: [{ id: "user_ada", username: "ada" }, { username: "bob" }],
        organizations: [{ name: "Acme", memberships: [{ user_id: "user_ada", role: "org:admin" }] }],
        allowlist: ["*@example.com"]
      }
    })
    expect(seeded.status).toBe(200)
    expect(seeded.body).toEqual({
      object: "seed",
      users: ["user_ada", expect.stringMatching(/^user_\w{27}$/)],
      organizations: [expect.stringMatching(/^org_/)],
      invitations: [],
      allowlist: [expect.stringMatching(/^alid_/)],
      blocklist: []
    })
    expect((await call(emulator, "GET", "/users/count")).body.total_count).toBe(3)
    expect(emulator.webhooks.events()).toEqual([]) // a seed emits no webhooks

    // the second user clashes with the first: nothing of this seed stays
    const clash = await control(emulator, "POST", "/seed", {
      body: { users: [{ username: "carol" }, { username: "ADA" }] }
    })
    expect([clash.status, codes(clash)]).toEqual([422, ["seed_invalid"]])
    expect(clash.body.errors[0].long_message).toMatch(/users\[1\].*form_identifier_exists/)
    expect((await call(emulator, "GET", "/users/count")).body.total_count).toBe(3)
    // a seed that breaks the schema: Clerk's 422 items, naming the key
    const shape = await control(emulator, "POST", "/seed", { body: { users: [{ email_address: "x" }] } })
    expect(shape.status).toBe(422)
    expect(shape.body.errors.map((e: any) => [e.code, e.meta.param_name])).toContainEqual([
      "form_param_format_invalid",
      "users.0.email_address"
    ])
    const unknown = await control(emulator, "POST", "/seed", { body: { groups: [] } })
    expect(unknown.body.errors.map((e: any) => [e.code, e.meta.param_name])).toEqual([["form_param_unknown", "groups"]])

    expect((await control(emulator, "POST", "/reset")).body).toEqual({
      object: "reset",
      state: true,
      faults: false,
      webhooks: false
    })
    expect((await call(emulator, "GET", "/users")).body.map((u: { id: string }) => u.id)).toEqual(["user_first"])
  })

  it("snapshots: take (named or numbered), list, restore as often as needed, delete; unknown ids are 404", async () => {
    const { emulator } = setup()
    await call(emulator, "POST", "/users", { body: { username: "ada" } })
    expect((await control(emulator, "POST", "/snapshots")).body).toEqual({ object: "snapshot", id: "snap_1" })
    expect((await control(emulator, "POST", "/snapshots", { body: { name: "base" } })).body.id).toBe("base")
    expect((await control(emulator, "GET", "/snapshots")).body).toEqual({
      data: [
        { object: "snapshot", id: "snap_1" },
        { object: "snapshot", id: "base" }
      ],
      total_count: 2
    })
    for (let round = 0; round < 2; round++) {
      await call(emulator, "POST", "/users", { body: { username: `later${round}` } })
      expect((await call(emulator, "GET", "/users/count")).body.total_count).toBe(2)
      expect((await control(emulator, "POST", "/snapshots/base/restore")).body).toEqual({
        object: "snapshot",
        id: "base",
        restored: true
      })
      expect((await call(emulator, "GET", "/users/count")).body.total_count).toBe(1)
    }
    expect((await control(emulator, "DELETE", "/snapshots/base")).body).toEqual({
      object: "snapshot",
      id: "base",
      deleted: true
    })
    const gone = await control(emulator, "POST", "/snapshots/base/restore")
    expect([gone.status, codes(gone)]).toEqual([404, ["resource_not_found"]])
    const badName = await control(emulator, "POST", "/snapshots", { body: { name: "../etc" } })
    expect([badName.status, badName.body.errors[0].meta.param_name]).toEqual([422, "name"])
  })

  it("keeps at most 100 snapshots: the 101st is a 422; reusing a name is not a new one", async () => {
    const { emulator } = setup()
    for (let i = 0; i < 100; i++) expect((await control(emulator, "POST", "/snapshots")).status).toBe(200)
    const over = await control(emulator, "POST", "/snapshots", { body: { name: "one-more" } })
    expect([over.status, codes(over)]).toEqual([422, ["snapshot_limit_reached"]])
    expect((await control(emulator, "POST", "/snapshots", { body: { name: "snap_7" } })).status).toBe(200)
  })
})

describe("the control API: faults", () => {
  it("PUT replaces, POST adds, GET lists rules and injections, DELETE clears; the rules apply to the API", async () => {
    const { emulator } = setup()
    const put = await control(emulator, "PUT", "/faults", {
      body: [{ operation: "Users.list", status: 503, times: 1 }]
    })
    expect(put.body).toEqual({ rules: [{ operation: "Users.list", status: 503, times: 1 }], injected: [] })
    const added = await control(emulator, "POST", "/faults", {
      body: { operation: ["Users.count"], status: 429, retryAfter: 3, latency: "5 millis" }
    })
    expect(added.body.rules).toHaveLength(2)

    const limited = await emulator.handle(
      new Request("https://api.clerk.com/v1/users/count", { headers: { authorization: `Bearer ${SECRET_KEY}` } })
    )
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "3"])
    expect((await call(emulator, "GET", "/users")).status).toBe(503)
    expect((await call(emulator, "GET", "/users")).status).toBe(200) // times: 1
    // control requests are never faulted
    expect((await control(emulator, "GET", "/faults")).body.injected).toEqual([
      { operation: "Users.count", method: "GET", path: "/v1/users/count", latencyMs: 5, status: 429, reset: false },
      { operation: "Users.list", method: "GET", path: "/v1/users", latencyMs: 0, status: 503, reset: false }
    ])
    expect((await control(emulator, "DELETE", "/faults")).body.rules).toEqual([])
    expect((await call(emulator, "GET", "/users/count")).status).toBe(200)
  })

  it("an invalid rule is a 422 naming the key, and the rules stay as they were", async () => {
    const { emulator } = setup({ faults: [{ status: 500, operation: "Users.get" }] })
    for (const [rule, key] of [
      [{ status: 200 }, "0.status"],
      [{ rate: 2 }, "0.rate"],
      [{ latency: "forever" }, "0.latency"],
      [{ latency: 1e12 }, "0.latency"],
      [{ status: 503, colour: "red" }, "0.colour"]
    ] as const) {
      const reply = await control(emulator, "PUT", "/faults", { body: [rule] })
      expect([reply.status, reply.body.errors[0].meta.param_name]).toEqual([422, key])
    }
    expect(emulator.faults.rules()).toEqual([{ status: 500, operation: "Users.get" }])
  })

  it("reset with faults: true goes back to the rules the emulator started with", async () => {
    const { emulator } = setup({ faults: [{ status: 500, operation: "Users.get" }] })
    await control(emulator, "DELETE", "/faults")
    const reply = await control(emulator, "POST", "/reset", { body: { faults: true } })
    expect(reply.body.faults).toBe(true)
    expect(emulator.faults.rules()).toEqual([{ status: 500, operation: "Users.get" }])
  })
})

describe("the control API: session tokens and webhooks", () => {
  it("mints a session token that verifies against the public JWKS; an unknown user is a 404", async () => {
    const { emulator } = setup({
      now: () => Date.now(),
      seed: {
        users: [{ id: "user_ada", username: "ada" }],
        organizations: [{ id: "org_acme", name: "Acme", memberships: [{ user_id: "user_ada", role: "org:admin" }] }]
      }
    })
    const minted = await control(emulator, "POST", "/session_tokens", {
      body: { userId: "user_ada", organizationId: "org_acme", expiresInSeconds: 300, claims: { plan: "pro" } }
    })
    expect(minted.status).toBe(200)
    expect(minted.body).toEqual({
      object: "session_token",
      token: expect.any(String),
      sessionId: expect.stringMatching(/^sess_/)
    })
    const jwks = await (await emulator.handle(new Request("http://127.0.0.1/.well-known/jwks.json"))).json()
    const { payload } = await jose.jwtVerify(minted.body.token, jose.createLocalJWKSet(jwks as jose.JSONWebKeySet), {
      issuer: emulator.sessionTokens.issuer
    })
    expect(payload).toMatchObject({ sub: "user_ada", sid: minted.body.sessionId, plan: "pro", o: { id: "org_acme" } })
    expect(payload.exp! - payload.iat!).toBe(300)
    // the session exists for the API too
    expect((await call(emulator, "GET", `/sessions/${minted.body.sessionId}`)).body.status).toBe("active")

    const unknown = await control(emulator, "POST", "/session_tokens", { body: { userId: "user_nobody" } })
    expect([unknown.status, codes(unknown)]).toEqual([404, ["resource_not_found"]])
    const badShape = await control(emulator, "POST", "/session_tokens", { body: { user_id: "user_ada" } })
    expect(badShape.body.errors.map((e: any) => [e.code, e.meta.param_name]).sort()).toEqual([
      ["form_param_missing", "userId"],
      ["form_param_unknown", "user_id"]
    ])
  })

  it("lists events (by type) and deliveries, flushes pending deliveries, clears the records", async () => {
    const received: Array<string> = []
    const { emulator } = setup({
      webhooks: {
        handler: (request) =>
          Effect.promise(async () => {
            received.push(((await request.json()) as { type: string }).type)
          })
      }
    })
    await call(emulator, "POST", "/users", { body: { username: "ada" } })
    const created = await call(emulator, "POST", "/users", { body: { username: "bob" } })
    await call(emulator, "DELETE", `/users/${created.body.id}`)

    const all = await control(emulator, "GET", "/webhooks/events")
    expect(all.body.total_count).toBe(3)
    expect(all.body.data.map((e: { type: string }) => e.type)).toEqual(["user.created", "user.created", "user.deleted"])
    const deleted = await control(emulator, "GET", "/webhooks/events?type=user.deleted")
    expect(deleted.body.data).toEqual([expect.objectContaining({ type: "user.deleted", data: expect.anything() })])

    const flushed = await control(emulator, "POST", "/webhooks/flush")
    expect(flushed.body).toMatchObject({ object: "webhooks", events: 3, deliveries: 3, pending: false })
    expect(received).toHaveLength(3)
    const deliveries = await control(emulator, "GET", "/webhooks/deliveries")
    expect(deliveries.body.data.map((d: any) => [d.target, d.ok, d.status, d.event.type])).toEqual([
      ["handler", true, 200, "user.created"],
      ["handler", true, 200, "user.created"],
      ["handler", true, 200, "user.deleted"]
    ])
    expect(deliveries.body.data[0].headers["svix-signature"]).toMatch(/^v1,/)
    const badTimeout = await control(emulator, "POST", "/webhooks/flush?timeout_ms=soon")
    expect([badTimeout.status, badTimeout.body.errors[0].meta.param_name]).toEqual([422, "timeout_ms"])

    expect((await control(emulator, "DELETE", "/webhooks")).body).toEqual({
      object: "webhooks",
      secret: emulator.webhooks.secret,
      events: 0,
      deliveries: 0
    })
    const resetAll = await control(emulator, "POST", "/reset", { body: { webhooks: true } })
    expect(resetAll.body.webhooks).toBe(true)
  })
})
