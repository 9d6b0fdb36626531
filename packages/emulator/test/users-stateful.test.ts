import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Users from "../src/resources/Users.js"
import { call, setup } from "./helpers.js"

const ids = (reply: { body: Array<{ id: string }> }) => reply.body.map((u) => u.id)

describe("Users.update", () => {
  it("changes names and username, keeps usernames unique, and removes a username with an empty string", async () => {
    const { emulator, advance } = setup()
    const ada = Users.seed(emulator, { username: "ada", first_name: "Ada" })
    Users.seed(emulator, { username: "taken" })
    advance(1000)
    const updated = await call(emulator, "PATCH", `/users/${ada.id}`, {
      body: { username: "Countess", last_name: "L" }
    })
    expect(updated.status).toBe(200)
    expect(updated.body).toMatchObject({ username: "countess", first_name: "Ada", last_name: "L" })
    expect(updated.body.updated_at).toBe(ada.updated_at + 1000)

    const clash = await call(emulator, "PATCH", `/users/${ada.id}`, { body: { username: "TAKEN" } })
    expect(clash.status).toBe(422)
    expect(clash.body.errors[0]).toMatchObject({ code: "form_identifier_exists", meta: { param_name: "username" } })

    const cleared = await call(emulator, "PATCH", `/users/${ada.id}`, { body: { username: "" } })
    expect(cleared.body.username).toBeNull()
    // metadata is no longer accepted by UpdateUser (spec, API version 2026-05-12): an unknown key
    const meta = await call(emulator, "PATCH", `/users/${ada.id}`, { body: { public_metadata: {} } })
    expect(meta.body.errors[0]).toMatchObject({ code: "form_param_unknown", meta: { param_name: "public_metadata" } })
    expect((await call(emulator, "PATCH", "/users/user_missing", { body: {} })).status).toBe(404)
  })

  it("accepts only the user's own identification as primary_email_address_id", async () => {
    const { emulator } = setup()
    const user = Users.seed(emulator, { email_address: ["a@example.com", "b@example.com"] })
    const second = user.email_addresses[1]!.id!
    const ok = await call(emulator, "PATCH", `/users/${user.id}`, { body: { primary_email_address_id: second } })
    expect(ok.body.primary_email_address_id).toBe(second)
    const bad = await call(emulator, "PATCH", `/users/${user.id}`, { body: { primary_email_address_id: "idn_x" } })
    expect(bad.status).toBe(422)
    expect(bad.body.errors[0].meta.param_name).toBe("primary_email_address_id")
  })
})

describe("Users metadata", () => {
  it("merges deeply and deletes keys set to null (PATCH), replaces whole fields (PUT)", async () => {
    const { emulator } = setup()
    const user = Users.seed(emulator, {
      public_metadata: { plan: "free", prefs: { theme: "dark", lang: "en" }, tags: ["a"] },
      private_metadata: { secret: 1 }
    })
    const merged = await call(emulator, "PATCH", `/users/${user.id}/metadata`, {
      body: {
        public_metadata: { plan: "pro", prefs: { lang: null, tz: "UTC" }, tags: ["b"], extra: { x: null, y: 1 } }
      }
    })
    expect(merged.status).toBe(200)
    expect(merged.body.public_metadata).toEqual({
      plan: "pro",
      prefs: { theme: "dark", tz: "UTC" },
      tags: ["b"],
      extra: { y: 1 }
    })
    expect(merged.body.private_metadata).toEqual({ secret: 1 })

    const replaced = await call(emulator, "PUT", `/users/${user.id}/metadata`, { body: { private_metadata: { a: 1 } } })
    expect(replaced.body.private_metadata).toEqual({ a: 1 })
    expect(replaced.body.public_metadata).toEqual(merged.body.public_metadata)
    expect((await call(emulator, "GET", `/users/${user.id}`)).body.private_metadata).toEqual({ a: 1 })
    expect((await call(emulator, "PATCH", "/users/user_missing/metadata", { body: {} })).status).toBe(404)
  })
})

describe("Users.list and Users.count filters", () => {
  const population = () => {
    const s = setup()
    const make = (params: Users.CreateUserParams) => {
      const u = Users.seed(s.emulator, params)
      s.advance(1000)
      return u
    }
    const ada = make({ first_name: "Ada", last_name: "Lovelace", username: "ada", email_address: ["ada@math.org"] })
    const odd = make({ first_name: "Oddny", last_name: "Smith", username: "oddny", email_address: ["o@example.com"] })
    const bob = make({ first_name: "Bob", username: "bob", phone_number: ["+15555550100"], external_id: "ext-b" })
    return { ...s, ada, odd, bob }
  }

  it("query matches partially and case-insensitively across names, emails, usernames, ids", async () => {
    const { emulator, ada, odd, bob } = population()
    expect(ids(await call(emulator, "GET", "/users?query=Odd"))).toEqual([odd.id])
    expect(ids(await call(emulator, "GET", "/users?query=MATH"))).toEqual([ada.id])
    expect(ids(await call(emulator, "GET", "/users?query=5550100"))).toEqual([bob.id])
    expect(ids(await call(emulator, "GET", `/users?query=${ada.id.slice(-5)}`))).toEqual([ada.id])
    expect(ids(await call(emulator, "GET", "/users?query=nobody"))).toEqual([])
    expect((await call(emulator, "GET", "/users/count?query=o")).body).toEqual({
      object: "total_count",
      total_count: 3
    })
    expect(ids(await call(emulator, "GET", "/users?name_query=love"))).toEqual([ada.id])
    expect(ids(await call(emulator, "GET", "/users?email_address_query=example"))).toEqual([odd.id])
    expect(ids(await call(emulator, "GET", "/users?external_id=ext-b"))).toEqual([bob.id])
    expect(ids(await call(emulator, "GET", `/users?user_id=${ada.id}&user_id=${bob.id}`))).toEqual([bob.id, ada.id])
    // "+" includes (as no sign does), "-" excludes (spec `GetUserList`, user_id)
    expect(ids(await call(emulator, "GET", `/users?user_id=%2B${ada.id}&user_id=${bob.id}`))).toEqual([bob.id, ada.id])
    expect(ids(await call(emulator, "GET", `/users?user_id=-${ada.id}`))).toEqual([bob.id, odd.id])
    expect((await call(emulator, "GET", `/users/count?user_id=-${ada.id}&user_id=-${odd.id}`)).body.total_count).toBe(1)
  })

  it("filters banned and orders by any documented field with + or -", async () => {
    const { emulator, ada, odd, bob } = population()
    await call(emulator, "POST", `/users/${odd.id}/ban`)
    expect(ids(await call(emulator, "GET", "/users?banned=true"))).toEqual([odd.id])
    expect(ids(await call(emulator, "GET", "/users?banned=false"))).toEqual([bob.id, ada.id])
    expect((await call(emulator, "GET", "/users/count?banned=false")).body.total_count).toBe(2)
    expect(ids(await call(emulator, "GET", "/users"))).toEqual([bob.id, odd.id, ada.id])
    expect(ids(await call(emulator, "GET", "/users?order_by=%2Bcreated_at"))).toEqual([ada.id, odd.id, bob.id])
    expect(ids(await call(emulator, "GET", "/users?order_by=username"))).toEqual([ada.id, bob.id, odd.id])
    expect(ids(await call(emulator, "GET", "/users?order_by=-first_name"))).toEqual([odd.id, bob.id, ada.id])
    const bad = await call(emulator, "GET", "/users?order_by=shoe_size")
    expect(bad.status).toBe(422)
    expect(bad.body.errors[0].meta.param_name).toBe("order_by")
  })

  it("paginates with starting_after over created_at, and rejects it with another order or an offset", async () => {
    const { emulator, ada, odd, bob } = population()
    expect(ids(await call(emulator, "GET", `/users?limit=1&starting_after=${bob.id}`))).toEqual([odd.id])
    expect(ids(await call(emulator, "GET", `/users?starting_after=${odd.id}`))).toEqual([ada.id])
    expect(ids(await call(emulator, "GET", `/users?order_by=created_at&starting_after=${ada.id}`))).toEqual([
      odd.id,
      bob.id
    ])
    expect((await call(emulator, "GET", `/users?order_by=username&starting_after=${ada.id}`)).status).toBe(422)
    expect((await call(emulator, "GET", `/users?offset=1&starting_after=${ada.id}`)).status).toBe(422)
  })
})

describe("ban, lock, delete", () => {
  it("ban revokes the user's active sessions; unban clears the flag", async () => {
    const { emulator } = setup()
    const user = Users.seed(emulator, { username: "u" })
    const { sessionId } = await Effect.runPromise(emulator.sessionTokens.mint({ userId: user.id }))
    const banned = await call(emulator, "POST", `/users/${user.id}/ban`)
    expect(banned.body.banned).toBe(true)
    expect((await call(emulator, "GET", `/sessions/${sessionId}`)).body.status).toBe("revoked")
    expect((await call(emulator, "POST", `/users/${user.id}/unban`)).body.banned).toBe(false)
    expect((await call(emulator, "POST", "/users/user_missing/ban")).status).toBe(404)
  })

  it("bulk ban and unban answer the users, and 404 when one is unknown (changing none)", async () => {
    const { emulator } = setup()
    const a = Users.seed(emulator, { username: "a" })
    const b = Users.seed(emulator, { username: "b" })
    const both = await call(emulator, "POST", "/users/ban", { body: { user_ids: [a.id, b.id] } })
    expect(both.body.map((u: { banned: boolean }) => u.banned)).toEqual([true, true])
    const partly = await call(emulator, "POST", "/users/unban", { body: { user_ids: [a.id, "user_missing"] } })
    expect(partly.status).toBe(404)
    expect((await call(emulator, "GET", `/users/${a.id}`)).body.banned).toBe(true)
  })

  it("lock and unlock", async () => {
    const { emulator } = setup()
    const user = Users.seed(emulator, { username: "u" })
    expect((await call(emulator, "POST", `/users/${user.id}/lock`)).body.locked).toBe(true)
    expect((await call(emulator, "GET", `/users/${user.id}`)).body.locked).toBe(true)
    expect((await call(emulator, "POST", `/users/${user.id}/unlock`)).body.locked).toBe(false)
  })

  it("delete ends the user's sessions and frees the identifiers", async () => {
    const { emulator } = setup()
    const user = Users.seed(emulator, { email_address: ["x@example.com"] })
    const { sessionId } = await Effect.runPromise(emulator.sessionTokens.mint({ userId: user.id }))
    expect((await call(emulator, "DELETE", `/users/${user.id}`)).body).toEqual({
      object: "user",
      id: user.id,
      deleted: true
    })
    expect((await call(emulator, "GET", `/sessions/${sessionId}`)).body.status).toBe("ended")
    const again = await call(emulator, "POST", "/users", { body: { email_address: ["x@example.com"] } })
    expect(again.status).toBe(200)
  })
})
