import { describe, expect, it } from "@effect/vitest"
import * as ActorTokens from "../src/resources/ActorTokens.js"
import * as Users from "../src/resources/Users.js"
import { call, setup } from "./helpers.js"

const ACTOR_TOKEN_REQUIRED = ["object", "id", "user_id", "actor", "status", "created_at", "updated_at"]

const withUser = () => {
  const ctx = setup()
  const user = Users.seed(ctx.emulator, { email_address: ["target@example.com"] })
  return { ...ctx, user }
}

describe("POST /actor_tokens", () => {
  it("creates a pending, spec-shaped token", async () => {
    const { emulator, user, now } = withUser()
    const reply = await call(emulator, "POST", "/actor_tokens", {
      body: { user_id: user.id, actor: { sub: "user_admin", reason: "support" } }
    })
    expect(reply.status).toBe(200)
    const token = reply.body
    for (const key of ACTOR_TOKEN_REQUIRED) expect(token).toHaveProperty(key)
    expect(token.object).toBe("actor_token")
    expect(token.id).toMatch(/^act_[0-9A-Za-z]{27}$/)
    expect(token.status).toBe("pending")
    expect(token.user_id).toBe(user.id)
    expect(token.actor).toEqual({ sub: "user_admin", reason: "support" })
    expect(typeof token.token).toBe("string")
    expect(token.token.length).toBeGreaterThan(20)
    expect(token.url).toBe(`https://emulator.clerk.invalid/v1/tickets/accept?ticket=${token.token}`)
    expect(token.created_at).toBe(now())
    expect(token.updated_at).toBe(now())
  })

  it("accepts expires_in_seconds and session_max_duration_in_seconds", async () => {
    const { emulator, user } = withUser()
    const reply = await call(emulator, "POST", "/actor_tokens", {
      body: {
        user_id: user.id,
        actor: { sub: "user_admin" },
        expires_in_seconds: 60,
        session_max_duration_in_seconds: 120
      }
    })
    expect(reply.status).toBe(200)
    expect(reply.body.status).toBe("pending")
  })

  it("rejects a missing user_id with 422 form_param_missing", async () => {
    const { emulator } = withUser()
    const reply = await call(emulator, "POST", "/actor_tokens", { body: { actor: { sub: "user_admin" } } })
    expect(reply.status).toBe(422)
    expect(reply.body.errors).toEqual([
      expect.objectContaining({ code: "form_param_missing", meta: { param_name: "user_id" } })
    ])
  })

  it("rejects an actor without sub with 422 form_param_missing on actor.sub", async () => {
    const { emulator, user } = withUser()
    const reply = await call(emulator, "POST", "/actor_tokens", { body: { user_id: user.id, actor: {} } })
    expect(reply.status).toBe(422)
    expect(reply.body.errors[0]).toMatchObject({ code: "form_param_missing", meta: { param_name: "actor.sub" } })
  })

  it("rejects wrong types with 422 form_param_format_invalid", async () => {
    const { emulator, user } = withUser()
    for (const body of [
      { user_id: 1, actor: { sub: "x" } },
      { user_id: user.id, actor: "x" },
      { user_id: user.id, actor: { sub: "x" }, expires_in_seconds: "60" },
      { user_id: user.id, actor: { sub: "x" }, expires_in_seconds: 1.5 },
      { user_id: user.id, actor: { sub: "x" }, session_max_duration_in_seconds: -1 }
    ]) {
      const reply = await call(emulator, "POST", "/actor_tokens", { body })
      expect(reply.status).toBe(422)
      expect(reply.body.errors[0].code).toBe("form_param_format_invalid")
    }
  })

  it("rejects unknown keys with 422 form_param_unknown", async () => {
    const { emulator, user } = withUser()
    const reply = await call(emulator, "POST", "/actor_tokens", {
      body: { user_id: user.id, actor: { sub: "x" }, ttl: 5 }
    })
    expect(reply.status).toBe(422)
    expect(reply.body.errors).toEqual([
      expect.objectContaining({ code: "form_param_unknown", meta: { param_name: "ttl" } })
    ])
  })

  it("rejects an unknown user with 422 form_param_value_invalid", async () => {
    const { emulator } = withUser()
    const reply = await call(emulator, "POST", "/actor_tokens", {
      body: { user_id: "user_nobody", actor: { sub: "x" } }
    })
    expect(reply.status).toBe(422)
    expect(reply.body.errors[0]).toMatchObject({ code: "form_param_value_invalid", meta: { param_name: "user_id" } })
    expect(ActorTokens.all(emulator)).toEqual([])
  })
})

describe("POST /actor_tokens/{actor_token_id}/revoke", () => {
  it("revokes a pending token and updates updated_at; revoking again is 400", async () => {
    const { emulator, user, advance, now } = withUser()
    const created = (await call(emulator, "POST", "/actor_tokens", { body: { user_id: user.id, actor: { sub: "a" } } }))
      .body
    advance(5000)
    const revoked = await call(emulator, "POST", `/actor_tokens/${created.id}/revoke`)
    expect(revoked.status).toBe(200)
    expect(revoked.body).toMatchObject({
      id: created.id,
      status: "revoked",
      created_at: created.created_at,
      updated_at: now()
    })
    expect(revoked.body.updated_at).toBeGreaterThan(created.updated_at)

    const again = await call(emulator, "POST", `/actor_tokens/${created.id}/revoke`)
    expect(again.status).toBe(400)
    expect(again.body.errors[0].code).toBe("actor_token_cannot_be_revoked")
    expect(again.body.clerk_trace_id).toMatch(/^[0-9a-f]{32}$/)
  })

  it("refuses to revoke an accepted token with 400", async () => {
    const { emulator, user } = withUser()
    const created = (await call(emulator, "POST", "/actor_tokens", { body: { user_id: user.id, actor: { sub: "a" } } }))
      .body
    expect(ActorTokens.accept(emulator, created.id).status).toBe("accepted")
    const reply = await call(emulator, "POST", `/actor_tokens/${created.id}/revoke`)
    expect(reply.status).toBe(400)
    expect(reply.body.errors[0].code).toBe("actor_token_cannot_be_revoked")
  })

  it("returns 404 resource_not_found for an unknown token", async () => {
    const { emulator } = withUser()
    const reply = await call(emulator, "POST", "/actor_tokens/act_unknown/revoke")
    expect(reply.status).toBe(404)
    expect(reply.body.errors[0].code).toBe("resource_not_found")
  })

  it("keeps a %2F-encoded id as one segment (404)", async () => {
    const { emulator, user } = withUser()
    const created = (await call(emulator, "POST", "/actor_tokens", { body: { user_id: user.id, actor: { sub: "a" } } }))
      .body
    const reply = await call(emulator, "POST", `/actor_tokens/${encodeURIComponent(`${created.id}/revoke`)}/revoke`)
    expect(reply.status).toBe(404)
    expect(reply.body.errors[0].code).toBe("resource_not_found")
    expect(ActorTokens.all(emulator)[0]!.status).toBe("pending")
  })
})

describe("actor token expiry", () => {
  it("a token past expires_in_seconds can no longer be accepted (400 actor_token_expired), still revoked", async () => {
    const { emulator, user, advance } = withUser()
    const reply = await call(emulator, "POST", "/actor_tokens", {
      body: { user_id: user.id, actor: { sub: "user_admin" }, expires_in_seconds: 60 }
    })
    advance(59_999)
    const early = await call(emulator, "POST", "/actor_tokens", {
      body: { user_id: user.id, actor: { sub: "user_admin" }, expires_in_seconds: 60 }
    })
    expect(ActorTokens.accept(emulator, reply.body.id).status).toBe("accepted")
    advance(60_000)
    expect(() => ActorTokens.accept(emulator, early.body.id)).toThrow(
      expect.objectContaining({ status: 400, errors: [expect.objectContaining({ code: "actor_token_expired" })] })
    )
    expect((await call(emulator, "POST", `/actor_tokens/${early.body.id}/revoke`)).body.status).toBe("revoked")
    const zero = await call(emulator, "POST", "/actor_tokens", {
      body: { user_id: user.id, actor: { sub: "user_admin" }, expires_in_seconds: 0 }
    })
    expect(zero.body.errors[0]).toMatchObject({
      code: "form_param_format_invalid",
      meta: { param_name: "expires_in_seconds" }
    })
  })
})
