/**
 * The router's rule for request fields a route does not model (`Resource.route`'s options): an
 * unmodeled field is refused by name before the handler runs, never silently dropped; `order_by`
 * is checked against the fields a list declares, and refused on a route that declares none.
 */
import { Invitations, Organizations, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as ApiError from "../src/ApiError.js"
import * as Emulator from "../src/Emulator.js"
import * as Resource from "../src/Resource.js"
import { call } from "./helpers.js"

// a handler that records what it received and answers 418, so a test sees whether it ran
const reached: Array<unknown> = []
const probe = () => (input: { readonly query: unknown; readonly body: unknown }) => {
  reached.push(input.body ?? input.query)
  return Effect.fail(ApiError.make(418, { message: "reached", long_message: "reached", code: "reached" }))
}

const routes = [
  Resource.route(Invitations.operations.create, probe(), {
    unmodeled: ["template_slug", "redirect_url"],
    ignores: { notify: "the emulator sends no email" }
  }),
  Resource.route(Invitations.operations.bulkCreate, probe(), { unmodeled: ["notify"] }),
  Resource.route(Users.operations.count, probe(), { unmodeled: ["web3_wallet"] }),
  // a list with `order_by` in its query but no `orderBy`: it models no order
  Resource.route(Invitations.operations.list, probe()),
  Resource.route(Organizations.operations.list, probe(), {
    orderBy: Resource.orderBy<Organizations.Organization>("-created_at", { name: (o) => o.name })
  })
]

// @ts-expect-error a field that is not in the operation's body or query
Resource.route(Invitations.operations.create, probe(), { unmodeled: ["shoe_size"] })
// @ts-expect-error nor can it be ignored
Resource.route(Invitations.operations.create, probe(), { ignores: { shoe_size: "no" } })

const emulator = Emulator.make({ resources: [Resource.make("probe", routes)] })

describe("unmodeled fields", () => {
  it("are refused with a 422 naming each, before the handler runs", async () => {
    reached.length = 0
    const reply = await call(emulator, "POST", "/invitations", {
      body: { email_address: "ada@example.com", template_slug: "invitation", redirect_url: "https://a.example" }
    })
    expect(reply.status).toBe(422)
    expect(reply.body.errors).toEqual([
      expect.objectContaining({
        code: "not_emulated",
        meta: { param_name: "template_slug", operation: "Invitations.create" }
      }),
      expect.objectContaining({
        code: "not_emulated",
        meta: { param_name: "redirect_url", operation: "Invitations.create" }
      })
    ])
    expect(reply.body.errors[0].long_message).toMatch(/template_slug is not modeled by @effect-clerk\/emulator/)
    expect(reached).toEqual([])
  })

  it("pass when left out or null; an ignored field reaches the handler", async () => {
    reached.length = 0
    const body = { email_address: "ada@example.com", notify: false }
    expect((await call(emulator, "POST", "/invitations", { body })).status).toBe(418)
    const bulk = [{ email_address: "ada@example.com", notify: null }]
    expect((await call(emulator, "POST", "/invitations/bulk", { body: bulk })).status).toBe(418)
    expect(reached).toEqual([body, bulk])
  })

  it("are named by their index in a bulk body", async () => {
    const reply = await call(emulator, "POST", "/invitations/bulk", {
      body: [{ email_address: "a@example.com" }, { email_address: "b@example.com", notify: true }]
    })
    expect(reply.status).toBe(422)
    expect(reply.body.errors.map((e: any) => e.meta.param_name)).toEqual(["1.notify"])
  })

  it("include query parameters", async () => {
    const reply = await call(emulator, "GET", "/users/count?web3_wallet=0x1111")
    expect(reply.status).toBe(422)
    expect(reply.body.errors[0].meta).toEqual({ param_name: "web3_wallet", operation: "Users.count" })
    expect((await call(emulator, "GET", "/users/count?username=ada")).status).toBe(418)
  })
})

describe("order_by", () => {
  it("is refused as unmodeled by a list that declares no order", async () => {
    const reply = await call(emulator, "GET", "/invitations?order_by=-created_at")
    expect(reply.status).toBe(422)
    expect(reply.body.errors[0]).toMatchObject({ code: "not_emulated", meta: { param_name: "order_by" } })
    expect((await call(emulator, "GET", "/invitations")).status).toBe(418)
  })

  it("is checked against the declared fields, with an optional + or -", async () => {
    for (const value of ["name", "+name", "-name", ""]) {
      expect((await call(emulator, "GET", `/organizations?order_by=${encodeURIComponent(value)}`)).status, value).toBe(
        418
      )
    }
    for (const value of ["bogus", "created_at", "*name", "--name"]) {
      const reply = await call(emulator, "GET", `/organizations?order_by=${encodeURIComponent(value)}`)
      expect(reply.status, value).toBe(422)
      expect(reply.body.errors[0]).toMatchObject({
        code: "form_param_format_invalid",
        meta: { param_name: "order_by" },
        long_message: "order_by must be one of name, with an optional + or -."
      })
    }
  })
})

describe("Resource.orderBy", () => {
  const ORDER = Resource.orderBy<{ readonly id: string; readonly n: number | null }>("-n", { n: (x) => x.n })
  const items = [
    { id: "a", n: 2 },
    { id: "b", n: null },
    { id: "c", n: 1 },
    { id: "d", n: 2 }
  ]
  const ids = (orderBy: string | undefined) => ORDER.sort(items, orderBy).map((x) => x.id)

  it("sorts ascending for + or no prefix, descending for -, the default when left out", () => {
    expect(ids("n")).toEqual(["c", "a", "d", "b"])
    expect(ids("+n")).toEqual(["c", "a", "d", "b"])
    // equal values in the order given, reversed for -; nulls last either way
    expect(ids("-n")).toEqual(["d", "a", "c", "b"])
    expect(ids(undefined)).toEqual(["d", "a", "c", "b"])
    expect(ids("")).toEqual(["d", "a", "c", "b"])
    expect(ORDER.fields).toEqual(["n"])
    expect(ORDER.default).toBe("-n")
  })
})
