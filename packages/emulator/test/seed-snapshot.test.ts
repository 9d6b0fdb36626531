import { describe, expect, it } from "@effect/vitest"
import * as Emulator from "../src/Emulator.js"
import { Resources } from "../src/index.js"
import { call } from "./helpers.js"

const seed = {
  users: [
    { id: "user_ada", email_address: ["ada@example.com"], first_name: "Ada" },
    { id: "user_bob", username: "bob" }
  ],
  organizations: [
    { id: "org_acme", name: "Acme", slug: "acme", memberships: [{ user_id: "user_ada", role: "org:admin" }] }
  ],
  invitations: [{ email_address: "carol@example.com" }],
  allowlist: ["*@example.com"],
  blocklist: ["spam@example.com"]
}

describe("seed", () => {
  it("starts with the seeded users, organizations, memberships, invitations and lists, under the given ids", async () => {
    const emulator = Emulator.make({ seed })
    expect((await call(emulator, "GET", "/users/user_ada")).body).toMatchObject({ id: "user_ada", first_name: "Ada" })
    expect((await call(emulator, "GET", "/users/count")).body.total_count).toBe(2)
    const members = await call(emulator, "GET", "/organizations/org_acme/memberships")
    expect(members.body.data).toHaveLength(1)
    expect(members.body.data[0]).toMatchObject({
      role: "org:admin",
      organization: { id: "org_acme" },
      public_user_data: { user_id: "user_ada" }
    })
    expect((await call(emulator, "GET", "/invitations")).body).toHaveLength(1)
    expect((await call(emulator, "GET", "/allowlist_identifiers")).body).toHaveLength(1)
    expect((await call(emulator, "GET", "/blocklist_identifiers")).body.total_count).toBe(1)
    // seeded identifiers are taken like any other
    const clash = await call(emulator, "POST", "/users", { body: { email_address: ["ada@example.com"] } })
    expect(clash.body.errors[0].code).toBe("form_identifier_exists")
  })

  it("throws on an invalid seed, naming the entry", () => {
    expect(() => Emulator.make({ seed: { users: [{ email_address: "not-an-array" }] } as never })).toThrow(
      /invalid seed/
    )
    expect(() => Emulator.make({ seed: { users: [{ username: "x" }, { username: "X" }] } })).toThrow(
      /users\[1\].*form_identifier_exists/
    )
    expect(() =>
      Emulator.make({
        seed: {
          users: [{ id: "u1" }],
          organizations: [{ name: "A", memberships: [{ user_id: "u2", role: "org:member" }] }]
        }
      })
    ).toThrow(/organizations\[0\]\.memberships\[0\]/)
    expect(() => Emulator.make({ seed: { users: [{ id: "u1" }, { id: "u1" }] } })).toThrow(/used twice/)
    expect(() => Emulator.make({ seed: { groups: [] } as never })).toThrow(/invalid seed/)
  })
})

describe("snapshot, restore, reset", () => {
  it("restores the state of a snapshot any number of times; reset goes back to the seed", async () => {
    const emulator = Emulator.make({ seed })
    const before = emulator.snapshot()
    const created = await call(emulator, "POST", "/users", { body: { username: "temp" } })
    await call(emulator, "DELETE", "/users/user_bob")
    await call(emulator, "PATCH", "/users/user_ada/metadata", { body: { public_metadata: { x: 1 } } })
    expect((await call(emulator, "GET", "/users/count")).body.total_count).toBe(2)

    emulator.restore(before)
    expect((await call(emulator, "GET", `/users/${created.body.id}`)).status).toBe(404)
    expect((await call(emulator, "GET", "/users/user_bob")).status).toBe(200)
    expect((await call(emulator, "GET", "/users/user_ada")).body.public_metadata).toEqual({})

    await call(emulator, "DELETE", "/users/user_ada")
    emulator.restore(before)
    expect((await call(emulator, "GET", "/users/user_ada")).status).toBe(200)

    Resources.Users.seed(emulator, { username: "extra" })
    emulator.reset()
    expect((await call(emulator, "GET", "/users/count")).body.total_count).toBe(2)
    expect(Emulator.make().snapshot().tables.size).toBe(0)
  })
})
