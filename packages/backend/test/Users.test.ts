import { ClerkTest, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { fixtures } from "./fixtures.js"

/** A spec-valid User, as the generator samples it, plus a field the spec does not declare (kept). */
const user = {
  ...(fixtures.find((f) => f.operationId === "GetUser")!.response.body as Record<string, unknown>),
  id: "user_1",
  email_addresses: [
    {
      id: "idn_1",
      object: "email_address",
      email_address: "ada@example.com",
      reserved: false,
      verification: null,
      linked_to: [],
      created_at: 1,
      updated_at: 1
    }
  ],
  field_from_the_future: []
}

const withClerk = (handler: ClerkTest.Handler) =>
  Effect.provide(Users.layer.pipe(Layer.provideMerge(ClerkTest.layer(handler))))

describe("Users", () => {
  it.effect("create sends POST /v1/users with the body", () =>
    Effect.gen(function* () {
      const created = yield* Users.create({
        email_address: ["ada@example.com"],
        first_name: "Ada",
        skip_password_checks: false
      })
      expect(created.email_addresses[0]?.email_address).toBe("ada@example.com")
      expect((created as unknown as { field_from_the_future: unknown }).field_from_the_future).toEqual([])
      const [request] = yield* ClerkTest.requests
      expect(request!.method).toBe("POST")
      expect(request!.url.toString()).toBe("https://api.clerk.com/v1/users")
      expect(request!.json).toEqual({
        email_address: ["ada@example.com"],
        first_name: "Ada",
        skip_password_checks: false
      })
    }).pipe(withClerk(() => ClerkTest.json(200, user)))
  )

  it.effect("list serializes arrays as repeated keys and sends 0, omits what was not given", () =>
    Effect.gen(function* () {
      const users = yield* Users.list({ email_address: ["a@x.io", "b@x.io"], limit: 20, offset: 0, query: "" })
      expect(users.map((u) => u.id)).toEqual(["user_1"])
      const [request] = yield* ClerkTest.requests
      expect(request!.method).toBe("GET")
      expect(request!.url.pathname).toBe("/v1/users")
      expect(request!.url.search).toBe("?email_address=a%40x.io&email_address=b%40x.io&query=&limit=20&offset=0")
      yield* Users.list()
      const [, bare] = yield* ClerkTest.requests
      expect(bare!.url.search).toBe("")
    }).pipe(withClerk(() => ClerkTest.json(200, [user])))
  )

  it.effect("list validates limit and offset before sending", () =>
    Effect.gen(function* () {
      for (const params of [{ limit: 0 }, { limit: 501 }, { offset: -1 }, { limit: 2.5 }]) {
        const error = yield* Effect.flip(Users.list(params))
        expect(error._tag).toBe("InvalidInput")
        expect(error._tag === "InvalidInput" && error.location).toBe("query")
      }
      const error = yield* Effect.flip(Users.list({ limit: 10, page: 2 } as Users.ListParams))
      expect(error._tag).toBe("InvalidInput")
      expect(yield* ClerkTest.requests).toHaveLength(0)
    }).pipe(withClerk(() => ClerkTest.json(200, [])))
  )

  it.effect("get and delete encode the id; delete is reachable as Users.delete", () =>
    Effect.gen(function* () {
      const found = yield* Users.get("user/1")
      expect(found.id).toBe("user_1")
      const deleted = yield* Users.delete("user_1")
      expect(deleted).toEqual({ object: "user", id: "user_1", deleted: true })
      const [get, del] = yield* ClerkTest.requests
      expect(`${get!.method} ${get!.url.pathname}`).toBe("GET /v1/users/user%2F1")
      expect(`${del!.method} ${del!.url.pathname}`).toBe("DELETE /v1/users/user_1")
    }).pipe(
      withClerk((request) =>
        request.method === "DELETE"
          ? ClerkTest.json(200, { object: "user", id: "user_1", deleted: true })
          : ClerkTest.json(200, user)
      )
    )
  )

  it.effect("get: 404 is NotFound, 400 BadRequest; delete: an undocumented 422 is UnexpectedResponse", () =>
    Effect.gen(function* () {
      const missing = yield* Effect.flip(Users.get("user_404"))
      expect(missing._tag).toBe("NotFound")
      const bad = yield* Effect.flip(Users.get("user_400"))
      expect(bad._tag).toBe("BadRequest")
      const odd = yield* Effect.flip(Users.delete("user_422"))
      expect(odd._tag).toBe("UnexpectedResponse")
    }).pipe(
      withClerk((request) => {
        const status = Number(request.url.pathname.slice(-3))
        return ClerkTest.clerkError(status, "code", "message")
      })
    )
  )
})
