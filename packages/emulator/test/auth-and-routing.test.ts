import * as BackendUsers from "@effect-clerk/backend/Users"
import { describe, expect, it } from "@effect/vitest"
import * as Emulator from "../src/Emulator.js"
import * as Users from "../src/resources/Users.js"
import { call, setup } from "./helpers.js"

const expectClerkError = (
  reply: { status: number; contentType: string | null; body: any },
  status: number,
  code: string
) => {
  expect(reply.status).toBe(status)
  expect(reply.contentType).toContain("application/json")
  expect(reply.body.errors).toHaveLength(1)
  expect(reply.body.errors[0].code).toBe(code)
  expect(typeof reply.body.errors[0].message).toBe("string")
  expect(typeof reply.body.errors[0].long_message).toBe("string")
  expect(reply.body.clerk_trace_id).toMatch(/^[0-9a-f]{32}$/)
}

describe("authentication", () => {
  it("rejects a request without Authorization with 401 authentication_invalid", async () => {
    const { emulator } = setup()
    expectClerkError(await call(emulator, "GET", "/users", { authorization: null }), 401, "authentication_invalid")
  })

  it("rejects a bearer that is not a secret key", async () => {
    const { emulator } = setup()
    expectClerkError(
      await call(emulator, "GET", "/users", { authorization: "Bearer pk_test_abc" }),
      401,
      "authentication_invalid"
    )
    expectClerkError(
      await call(emulator, "GET", "/users", { authorization: "Basic sk_test_abc" }),
      401,
      "authentication_invalid"
    )
    expectClerkError(await call(emulator, "GET", "/users", { authorization: "Bearer " }), 401, "authentication_invalid")
  })

  it("checks authentication before routing", async () => {
    const { emulator } = setup()
    expectClerkError(await call(emulator, "GET", "/nope", { authorization: null }), 401, "authentication_invalid")
  })

  it("accepts any sk_ key by default", async () => {
    const { emulator } = setup()
    const reply = await call(emulator, "GET", "/users", { authorization: "Bearer sk_live_whatever" })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual([])
  })

  it("accepts only the configured key when secretKey is set", async () => {
    const { emulator } = setup({ secretKey: "sk_test_only" })
    expectClerkError(
      await call(emulator, "GET", "/users", { authorization: "Bearer sk_test_other" }),
      401,
      "authentication_invalid"
    )
    expect((await call(emulator, "GET", "/users", { authorization: "Bearer sk_test_only" })).status).toBe(200)
  })
})

describe("routing", () => {
  it("answers with and without the /v1 prefix", async () => {
    const { emulator } = setup()
    const headers = { authorization: "Bearer sk_test_x" }
    const withPrefix = await emulator.handle(new Request("http://127.0.0.1:1234/v1/users", { headers }))
    const withoutPrefix = await emulator.handle(new Request("http://127.0.0.1:1234/users", { headers }))
    expect(withPrefix.status).toBe(200)
    expect(withoutPrefix.status).toBe(200)
  })

  it("answers unknown routes and unknown methods with 404 resource_not_found", async () => {
    const { emulator } = setup()
    expectClerkError(await call(emulator, "GET", "/no_such_resource"), 404, "resource_not_found")
    expectClerkError(await call(emulator, "PUT", "/users"), 404, "resource_not_found")
    expectClerkError(await call(emulator, "GET", "/actor_tokens/x/revoke"), 404, "resource_not_found")
  })

  it("decodes path segments and keeps %2F-encoded ids as one segment", async () => {
    const { emulator } = setup()
    const user = Users.seed(emulator, { email_address: ["a@example.com"] })
    const encoded = await call(emulator, "GET", `/users/${encodeURIComponent(user.id)}`)
    expect(encoded.status).toBe(200)
    expect(encoded.body.id).toBe(user.id)
    expectClerkError(await call(emulator, "GET", `/users/${user.id}%2Fextra`), 404, "resource_not_found")
    expectClerkError(await call(emulator, "POST", "/actor_tokens/act_1%2Frevoke/revoke"), 404, "resource_not_found")
    expectClerkError(await call(emulator, "GET", "/users/%E0%A4%A"), 404, "resource_not_found")
  })

  it("answers an unparseable JSON body with 400 malformed_request_body", async () => {
    const { emulator } = setup()
    expectClerkError(await call(emulator, "POST", "/users", { rawBody: "{not json" }), 400, "malformed_request_body")
    expectClerkError(await call(emulator, "POST", "/users", { rawBody: "[1,2]" }), 400, "malformed_request_body")
  })

  it("never rejects: a throwing resource becomes a Clerk-shaped 500", async () => {
    const emulator = Emulator.make({
      resources: [
        {
          name: "broken",
          routes: [
            {
              operation: BackendUsers.operations.list,
              handler: () => {
                throw new Error("boom")
              }
            }
          ]
        }
      ]
    })
    expectClerkError(await call(emulator, "GET", "/users"), 500, "internal_clerk_error")
  })
})
