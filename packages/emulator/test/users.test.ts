import { describe, expect, it } from "@effect/vitest"
import * as Users from "../src/resources/Users.js"
import { call, setup } from "./helpers.js"

const USER_REQUIRED = [
  "id",
  "object",
  "username",
  "first_name",
  "last_name",
  "has_image",
  "primary_email_address_id",
  "primary_phone_number_id",
  "primary_web3_wallet_id",
  "password_enabled",
  "two_factor_enabled",
  "totp_enabled",
  "backup_code_enabled",
  "email_addresses",
  "phone_numbers",
  "web3_wallets",
  "passkeys",
  "external_accounts",
  "saml_accounts",
  "enterprise_accounts",
  "public_metadata",
  "external_id",
  "last_sign_in_at",
  "banned",
  "locked",
  "lockout_expires_in_seconds",
  "verification_attempts_remaining",
  "created_at",
  "updated_at",
  "delete_self_enabled",
  "create_organization_enabled",
  "last_active_at",
  "mfa_enabled_at",
  "mfa_disabled_at",
  "legal_accepted_at"
]

const EMAIL_REQUIRED = ["object", "email_address", "verification", "linked_to", "reserved", "created_at", "updated_at"]

describe("POST /users", () => {
  it("creates a spec-shaped user", async () => {
    const { emulator, now } = setup()
    const reply = await call(emulator, "POST", "/users", {
      body: {
        email_address: ["Ada@Example.com", "ada2@example.com"],
        username: "Ada",
        first_name: "Ada",
        last_name: "Lovelace",
        external_id: "ext-1",
        password: "correct horse battery staple",
        public_metadata: { role: "admin" },
        private_metadata: { secret: 1 },
        unsafe_metadata: { theme: "dark" }
      }
    })
    expect(reply.status).toBe(200)
    const user = reply.body
    for (const key of USER_REQUIRED) expect(user).toHaveProperty(key)
    expect(user.id).toMatch(/^user_[0-9A-Za-z]{27}$/)
    expect(user.object).toBe("user")
    expect(user.username).toBe("ada")
    expect(user.first_name).toBe("Ada")
    expect(user.last_name).toBe("Lovelace")
    expect(user.external_id).toBe("ext-1")
    expect(user.password_enabled).toBe(true)
    expect(user.public_metadata).toEqual({ role: "admin" })
    expect(user.private_metadata).toEqual({ secret: 1 })
    expect(user.unsafe_metadata).toEqual({ theme: "dark" })
    expect(user.created_at).toBe(now())
    expect(user.updated_at).toBe(now())
    expect(user.email_addresses).toHaveLength(2)
    const [primary] = user.email_addresses
    for (const key of EMAIL_REQUIRED) expect(primary).toHaveProperty(key)
    expect(primary.object).toBe("email_address")
    expect(primary.email_address).toBe("ada@example.com")
    expect(primary.verification).toMatchObject({ status: "verified", strategy: "admin" })
    expect(user.primary_email_address_id).toBe(primary.id)
    expect(user).not.toHaveProperty("password")
  })

  it("defaults an empty body to a bare user", async () => {
    const { emulator } = setup()
    const reply = await call(emulator, "POST", "/users", { body: {} })
    expect(reply.status).toBe(200)
    expect(reply.body.email_addresses).toEqual([])
    expect(reply.body.primary_email_address_id).toBeNull()
    expect(reply.body.password_enabled).toBe(false)
    expect(reply.body.public_metadata).toEqual({})
  })

  it("rejects unknown keys with 422 form_param_unknown", async () => {
    const { emulator } = setup()
    const reply = await call(emulator, "POST", "/users", { body: { email_address: ["a@example.com"], nickname: "x" } })
    expect(reply.status).toBe(422)
    expect(reply.body.errors[0]).toMatchObject({ code: "form_param_unknown", meta: { param_name: "nickname" } })
  })

  it("rejects wrong types with 422 form_param_format_invalid", async () => {
    const { emulator } = setup()
    const notArray = await call(emulator, "POST", "/users", { body: { email_address: "a@example.com" } })
    expect(notArray.status).toBe(422)
    expect(notArray.body.errors[0]).toMatchObject({
      code: "form_param_format_invalid",
      meta: { param_name: "email_address" }
    })
    const badName = await call(emulator, "POST", "/users", { body: { first_name: 42 } })
    expect(badName.status).toBe(422)
    expect(badName.body.errors[0]).toMatchObject({
      code: "form_param_format_invalid",
      meta: { param_name: "first_name" }
    })
  })

  it("rejects an invalid email with 422 form_param_format_invalid", async () => {
    const { emulator } = setup()
    const reply = await call(emulator, "POST", "/users", { body: { email_address: ["not-an-email"] } })
    expect(reply.status).toBe(422)
    expect(reply.body.errors[0]).toMatchObject({
      code: "form_param_format_invalid",
      meta: { param_name: "email_address" }
    })
  })

  it("rejects a duplicate email (case-insensitive) or username with 422 form_identifier_exists", async () => {
    const { emulator } = setup()
    expect(
      (await call(emulator, "POST", "/users", { body: { email_address: ["a@example.com"], username: "alice" } })).status
    ).toBe(200)
    const dupEmail = await call(emulator, "POST", "/users", { body: { email_address: ["A@EXAMPLE.com"] } })
    expect(dupEmail.status).toBe(422)
    expect(dupEmail.body.errors[0]).toMatchObject({
      code: "form_identifier_exists",
      meta: { param_name: "email_address" }
    })
    const dupUsername = await call(emulator, "POST", "/users", { body: { username: "Alice" } })
    expect(dupUsername.status).toBe(422)
    expect(dupUsername.body.errors[0]).toMatchObject({
      code: "form_identifier_exists",
      meta: { param_name: "username" }
    })
    const dupInBody = await call(emulator, "POST", "/users", {
      body: { email_address: ["b@example.com", "b@example.com"] }
    })
    expect(dupInBody.body.errors[0].code).toBe("form_identifier_exists")
    expect((await call(emulator, "GET", "/users")).body).toHaveLength(1)
  })

  it("rejects a short password with 422 form_password_length_too_short", async () => {
    const { emulator } = setup()
    const reply = await call(emulator, "POST", "/users", { body: { password: "short" } })
    expect(reply.status).toBe(422)
    expect(reply.body.errors[0]).toMatchObject({
      code: "form_password_length_too_short",
      meta: { param_name: "password" }
    })
  })

  it("creates reserved emails and phone numbers", async () => {
    const { emulator } = setup()
    const reply = await call(emulator, "POST", "/users", {
      body: {
        email_address: ["r@example.com"],
        email_address_identification_status: ["reserved"],
        phone_number: ["+15555550100"]
      }
    })
    expect(reply.status).toBe(200)
    expect(reply.body.email_addresses[0]).toMatchObject({ reserved: true, verification: null })
    expect(reply.body.phone_numbers[0]).toMatchObject({
      object: "phone_number",
      phone_number: "+15555550100",
      reserved: false
    })
    expect(reply.body.primary_phone_number_id).toBe(reply.body.phone_numbers[0].id)
  })
})

describe("GET /users/{user_id}", () => {
  it("returns the stored user", async () => {
    const { emulator } = setup()
    const created = Users.seed(emulator, { email_address: ["a@example.com"], first_name: "A" })
    const reply = await call(emulator, "GET", `/users/${created.id}`)
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual(created)
  })

  it("returns 404 resource_not_found for an unknown id", async () => {
    const { emulator } = setup()
    const reply = await call(emulator, "GET", "/users/user_missing")
    expect(reply.status).toBe(404)
    expect(reply.body.errors[0].code).toBe("resource_not_found")
  })

  it("is not affected by mutating a returned object", async () => {
    const { emulator } = setup()
    const created = Users.seed(emulator, { public_metadata: { a: 1 } })
    ;(created.public_metadata as Record<string, unknown>).a = 2
    expect((await call(emulator, "GET", `/users/${created.id}`)).body.public_metadata).toEqual({ a: 1 })
  })
})

describe("GET /users", () => {
  const seedFive = () => {
    const ctx = setup()
    const ids: Array<string> = []
    for (let i = 0; i < 5; i++) {
      ids.push(Users.seed(ctx.emulator, { username: `user${i}` }).id)
      ctx.advance(1000)
    }
    return { ...ctx, ids }
  }

  it("lists newest first as a JSON array", async () => {
    const { emulator, ids } = seedFive()
    const reply = await call(emulator, "GET", "/users")
    expect(reply.status).toBe(200)
    expect(Array.isArray(reply.body)).toBe(true)
    expect(reply.body.map((u: any) => u.id)).toEqual([...ids].reverse())
  })

  it("orders users created at the same millisecond by insertion, newest first", async () => {
    const { emulator } = setup()
    const a = Users.seed(emulator, {})
    const b = Users.seed(emulator, {})
    expect((await call(emulator, "GET", "/users")).body.map((u: any) => u.id)).toEqual([b.id, a.id])
  })

  it("applies limit and offset", async () => {
    const { emulator, ids } = seedFive()
    const reply = await call(emulator, "GET", "/users?limit=2&offset=1")
    expect(reply.body.map((u: any) => u.id)).toEqual([ids[3], ids[2]])
    const tail = await call(emulator, "GET", "/users?limit=10&offset=4")
    expect(tail.body.map((u: any) => u.id)).toEqual([ids[0]])
    expect((await call(emulator, "GET", "/users?offset=5")).body).toEqual([])
  })

  it("defaults limit to 10", async () => {
    const { emulator } = setup()
    for (let i = 0; i < 12; i++) Users.seed(emulator, {})
    expect((await call(emulator, "GET", "/users")).body).toHaveLength(10)
    expect((await call(emulator, "GET", "/users?limit=500")).body).toHaveLength(12)
  })

  it.each(["limit=0", "limit=501", "limit=abc", "limit=1.5", "offset=-1", "offset=x"])(
    "rejects %s with 422 form_param_format_invalid",
    async (query) => {
      const { emulator } = setup()
      const reply = await call(emulator, "GET", `/users?${query}`)
      expect(reply.status).toBe(422)
      expect(reply.body.errors[0]).toMatchObject({
        code: "form_param_format_invalid",
        meta: { param_name: query.split("=")[0] }
      })
    }
  )

  it("filters by email_address and username, and counts", async () => {
    const { emulator } = setup()
    const a = Users.seed(emulator, { email_address: ["a@example.com"], username: "alpha" })
    const b = Users.seed(emulator, { email_address: ["b@example.com"], username: "beta" })
    expect((await call(emulator, "GET", "/users?email_address=A@example.com")).body.map((u: any) => u.id)).toEqual([
      a.id
    ])
    expect((await call(emulator, "GET", "/users?username=beta")).body.map((u: any) => u.id)).toEqual([b.id])
    expect((await call(emulator, "GET", "/users/count")).body).toEqual({ object: "total_count", total_count: 2 })
  })
})

describe("DELETE /users/{user_id}", () => {
  it("deletes and returns a DeletedObject, then 404s", async () => {
    const { emulator } = setup()
    const user = Users.seed(emulator, { email_address: ["a@example.com"] })
    const reply = await call(emulator, "DELETE", `/users/${user.id}`)
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ object: "user", id: user.id, deleted: true })
    expect((await call(emulator, "GET", `/users/${user.id}`)).status).toBe(404)
    const again = await call(emulator, "DELETE", `/users/${user.id}`)
    expect(again.status).toBe(404)
    expect(again.body.errors[0].code).toBe("resource_not_found")
    // the email address is free again
    expect((await call(emulator, "POST", "/users", { body: { email_address: ["a@example.com"] } })).status).toBe(200)
  })
})

describe("state", () => {
  it("reset() forgets every user", async () => {
    const { emulator } = setup()
    Users.seed(emulator, {})
    emulator.reset()
    expect((await call(emulator, "GET", "/users")).body).toEqual([])
  })

  it("seed() throws the Clerk error on invalid params", () => {
    const { emulator } = setup()
    expect(() => Users.seed(emulator, { email_address: ["nope"] })).toThrow()
  })
})
