import { describe, expect, it } from "@effect/vitest"
import * as Invitations from "../src/resources/Invitations.js"
import * as Users from "../src/resources/Users.js"
import { call, setup } from "./helpers.js"

const org = async (emulator: Parameters<typeof call>[0], body: Record<string, unknown>) =>
  (await call(emulator, "POST", "/organizations", { body })).body

describe("Organizations", () => {
  it("creates with a generated or given slug, keeps slugs unique and well-formed, finds by id or slug", async () => {
    const { emulator } = setup()
    const acme = await org(emulator, { name: "Acme Corp!" })
    expect(acme).toMatchObject({ object: "organization", name: "Acme Corp!", slug: "acme-corp", public_metadata: {} })
    const second = await org(emulator, { name: "Acme Corp" })
    expect(second.slug).toBe("acme-corp-2")
    const taken = await call(emulator, "POST", "/organizations", { body: { name: "X", slug: "acme-corp" } })
    expect(taken.status).toBe(422)
    expect(taken.body.errors[0]).toMatchObject({ code: "form_identifier_exists", meta: { param_name: "slug" } })
    const bad = await call(emulator, "POST", "/organizations", { body: { name: "X", slug: "Not OK" } })
    expect(bad.body.errors[0]).toMatchObject({ code: "form_param_format_invalid", meta: { param_name: "slug" } })
    const missing = await call(emulator, "POST", "/organizations", { body: {} })
    expect(missing.body.errors[0]).toMatchObject({ code: "form_param_missing", meta: { param_name: "name" } })
    expect((await call(emulator, "GET", "/organizations/acme-corp")).body.id).toBe(acme.id)
    expect((await call(emulator, "GET", `/organizations/${acme.id}`)).body.slug).toBe("acme-corp")
    expect((await call(emulator, "GET", "/organizations/org_missing")).status).toBe(404)
    const renamed = await call(emulator, "PATCH", `/organizations/${second.id}`, { body: { slug: "acme-corp" } })
    expect(renamed.status).toBe(422)
  })

  it("lists newest first with counts, filters by query and member, and deletes", async () => {
    const { emulator, advance } = setup()
    const user = Users.seed(emulator, { username: "ada" })
    const a = await org(emulator, { name: "Alpha", created_by: user.id })
    advance(1000)
    const b = await org(emulator, { name: "Beta" })
    const listed = await call(emulator, "GET", "/organizations?include_members_count=true")
    expect(listed.body.total_count).toBe(2)
    expect(listed.body.data.map((o: { id: string }) => o.id)).toEqual([b.id, a.id])
    expect(listed.body.data[1].members_count).toBe(1)
    expect(
      (await call(emulator, "GET", "/organizations?query=alp")).body.data.map((o: { id: string }) => o.id)
    ).toEqual([a.id])
    expect((await call(emulator, "GET", `/organizations?user_id=${user.id}`)).body.total_count).toBe(1)
    expect((await call(emulator, "DELETE", `/organizations/${a.id}`)).body).toMatchObject({ id: a.id, deleted: true })
    expect((await call(emulator, "GET", `/users/${user.id}/organization_memberships`)).body.total_count).toBe(0)
  })

  it("merges metadata deeply (null deletes) and replaces it", async () => {
    const { emulator } = setup()
    const o = await org(emulator, { name: "M", public_metadata: { a: { b: 1, c: 2 } } })
    const merged = await call(emulator, "PATCH", `/organizations/${o.id}/metadata`, {
      body: { public_metadata: { a: { c: null, d: 3 } } }
    })
    expect(merged.body.public_metadata).toEqual({ a: { b: 1, d: 3 } })
    const replaced = await call(emulator, "PUT", `/organizations/${o.id}/metadata`, {
      body: { public_metadata: { z: 1 } }
    })
    expect(replaced.body.public_metadata).toEqual({ z: 1 })
  })
})

describe("Organization memberships", () => {
  it("adds members with org:admin / org:member, refuses unknown roles, users and duplicates, updates and deletes", async () => {
    const { emulator } = setup()
    const ada = Users.seed(emulator, { username: "ada", email_address: ["ada@example.com"] })
    const bob = Users.seed(emulator, { username: "bob" })
    const o = await org(emulator, { name: "Acme", created_by: ada.id })
    const path = `/organizations/${o.id}/memberships`
    const added = await call(emulator, "POST", path, { body: { user_id: bob.id, role: "org:member" } })
    expect(added.status).toBe(200)
    expect(added.body).toMatchObject({
      object: "organization_membership",
      role: "org:member",
      organization: { id: o.id },
      public_user_data: { user_id: bob.id, username: "bob" }
    })
    const again = await call(emulator, "POST", path, { body: { user_id: bob.id, role: "org:member" } })
    expect(again.body.errors[0].code).toBe("already_a_member_in_organization")
    const role = await call(emulator, "POST", path, { body: { user_id: ada.id, role: "org:owner" } })
    expect(role.body.errors[0]).toMatchObject({ code: "form_param_value_invalid", meta: { param_name: "role" } })
    const nobody = await call(emulator, "POST", path, { body: { user_id: "user_missing", role: "org:member" } })
    expect(nobody.status).toBe(422)
    expect(
      (
        await call(emulator, "POST", "/organizations/org_missing/memberships", {
          body: { user_id: bob.id, role: "org:member" }
        })
      ).status
    ).toBe(404)

    const listed = await call(emulator, "GET", `${path}?role=org:admin`)
    expect(listed.body.data.map((m: { public_user_data: { user_id: string } }) => m.public_user_data.user_id)).toEqual([
      ada.id
    ])
    const byName = await call(emulator, "GET", `${path}?order_by=-username`)
    expect(byName.body.data.map((m: { role: string }) => m.role)).toEqual(["org:member", "org:admin"])

    const promoted = await call(emulator, "PATCH", `${path}/${bob.id}`, { body: { role: "org:admin" } })
    expect(promoted.body.role).toBe("org:admin")
    expect(promoted.body.permissions).toContain("org:sys_memberships:manage")
    const removed = await call(emulator, "DELETE", `${path}/${bob.id}`)
    expect(removed.body.public_user_data.user_id).toBe(bob.id)
    expect((await call(emulator, "DELETE", `${path}/${bob.id}`)).status).toBe(404)
  })

  it("refuses a member beyond max_allowed_memberships with 403", async () => {
    const { emulator } = setup()
    const a = Users.seed(emulator, { username: "a" })
    const b = Users.seed(emulator, { username: "b" })
    const o = await org(emulator, { name: "Small", created_by: a.id, max_allowed_memberships: 1 })
    const full = await call(emulator, "POST", `/organizations/${o.id}/memberships`, {
      body: { user_id: b.id, role: "org:member" }
    })
    expect(full.status).toBe(403)
  })
})

describe("Invitations", () => {
  it("instance invitations: pending, no duplicates, no existing users, revoke once, accept creates the user", async () => {
    const { emulator } = setup()
    Users.seed(emulator, { email_address: ["taken@example.com"] })
    const created = await call(emulator, "POST", "/invitations", { body: { email_address: "New@Example.com" } })
    expect(created.body).toMatchObject({ object: "invitation", status: "pending", email_address: "new@example.com" })
    const duplicate = await call(emulator, "POST", "/invitations", { body: { email_address: "new@example.com" } })
    expect(duplicate.status).toBe(400)
    const existing = await call(emulator, "POST", "/invitations", { body: { email_address: "taken@example.com" } })
    expect(existing.body.errors[0].code).toBe("form_identifier_exists")
    const ignored = await call(emulator, "POST", "/invitations", {
      body: { email_address: "taken@example.com", ignore_existing: true }
    })
    expect(ignored.status).toBe(200)

    const revoked = await call(emulator, "POST", `/invitations/${created.body.id}/revoke`)
    expect(revoked.body).toMatchObject({ status: "revoked", revoked: true })
    expect((await call(emulator, "POST", `/invitations/${created.body.id}/revoke`)).status).toBe(400)
    expect((await call(emulator, "POST", "/invitations/inv_missing/revoke")).status).toBe(404)

    const other = await call(emulator, "POST", "/invitations", { body: { email_address: "joiner@example.com" } })
    const accepted = Invitations.accept(emulator, other.body.id)
    expect(accepted["status"]).toBe("accepted")
    expect((await call(emulator, "GET", "/users?email_address=joiner@example.com")).body).toHaveLength(1)
    const pending = await call(emulator, "GET", "/invitations?status=pending")
    expect(pending.body.map((i: { email_address: string }) => i.email_address)).toEqual(["taken@example.com"])
  })

  it("an invitation past expires_at reads as expired and cannot be revoked", async () => {
    const { emulator, advance } = setup()
    const inv = await call(emulator, "POST", "/invitations", {
      body: { email_address: "e@example.com", expires_in_days: 1 }
    })
    advance(24 * 3600 * 1000)
    expect((await call(emulator, "GET", "/invitations?status=expired")).body.map((i: { id: string }) => i.id)).toEqual([
      inv.body.id
    ])
    expect((await call(emulator, "POST", `/invitations/${inv.body.id}/revoke`)).body.errors[0].code).toBe(
      "invitation_already_expired"
    )
  })

  it("organization invitations: create, list, get, revoke; accepting creates user and membership with the role", async () => {
    const { emulator } = setup()
    const admin = Users.seed(emulator, { username: "admin", email_address: ["admin@example.com"] })
    const o = await org(emulator, { name: "Acme", created_by: admin.id })
    const base = `/organizations/${o.id}/invitations`
    const inv = await call(emulator, "POST", base, {
      body: { email_address: "new@example.com", role: "org:member", inviter_user_id: admin.id }
    })
    expect(inv.body).toMatchObject({
      status: "pending",
      role: "org:member",
      organization_id: o.id,
      inviter_id: admin.id
    })
    expect(
      (await call(emulator, "POST", base, { body: { email_address: "new@example.com", role: "org:member" } })).status
    ).toBe(400)
    expect(
      (await call(emulator, "POST", base, { body: { email_address: "admin@example.com", role: "org:member" } })).body
        .errors[0].code
    ).toBe("already_a_member_in_organization")
    expect((await call(emulator, "GET", `${base}/${inv.body.id}`)).body.id).toBe(inv.body.id)
    expect((await call(emulator, "GET", `${base}?status=pending`)).body.total_count).toBe(1)

    const membership = Invitations.acceptOrganizationInvitation(emulator, inv.body.id)
    expect(membership).toMatchObject({ role: "org:member", organization: { id: o.id } })
    expect((await call(emulator, "GET", `${base}/${inv.body.id}`)).body.status).toBe("accepted")
    expect((await call(emulator, "GET", `/organizations/${o.id}/memberships`)).body.total_count).toBe(2)
    expect(() => Invitations.acceptOrganizationInvitation(emulator, inv.body.id)).toThrow()

    const second = await call(emulator, "POST", base, {
      body: { email_address: "later@example.com", role: "org:admin" }
    })
    expect((await call(emulator, "POST", `${base}/${second.body.id}/revoke`)).body.status).toBe("revoked")
    const all = await call(emulator, "GET", "/organization_invitations")
    expect(
      all.body.data.map((i: { public_organization_data: { slug: string } }) => i.public_organization_data.slug)
    ).toEqual(["acme", "acme"])
  })
})

describe("Allow-list and block-list", () => {
  it("adds emails, domains and phones once each, lists them and deletes them", async () => {
    const { emulator } = setup()
    const a = await call(emulator, "POST", "/allowlist_identifiers", { body: { identifier: "*@Example.com" } })
    expect(a.body).toMatchObject({
      object: "allowlist_identifier",
      identifier: "*@example.com",
      identifier_type: "email_address"
    })
    expect(
      (await call(emulator, "POST", "/allowlist_identifiers", { body: { identifier: "*@example.com" } })).status
    ).toBe(400)
    expect((await call(emulator, "POST", "/allowlist_identifiers", { body: { identifier: "nope" } })).status).toBe(422)
    expect((await call(emulator, "GET", "/allowlist_identifiers")).body).toHaveLength(1)
    const b = await call(emulator, "POST", "/blocklist_identifiers", { body: { identifier: "+15555550100" } })
    expect(b.body.identifier_type).toBe("phone_number")
    expect((await call(emulator, "GET", "/blocklist_identifiers")).body.total_count).toBe(1)
    expect((await call(emulator, "DELETE", `/blocklist_identifiers/${b.body.id}`)).body).toMatchObject({
      deleted: true
    })
    expect((await call(emulator, "DELETE", `/blocklist_identifiers/${b.body.id}`)).status).toBe(404)
    expect((await call(emulator, "DELETE", `/allowlist_identifiers/${a.body.id}`)).status).toBe(200)
  })
})

describe("bulk invitations", () => {
  it("creates every invitation of the array, or none when one is invalid", async () => {
    const { emulator } = setup()
    const both = await call(emulator, "POST", "/invitations/bulk", {
      body: [{ email_address: "a@example.com" }, { email_address: "b@example.com", expires_in_days: 2 }]
    })
    expect(both.status).toBe(200)
    expect(both.body.map((i: { email_address: string }) => i.email_address)).toEqual(["a@example.com", "b@example.com"])
    const partly = await call(emulator, "POST", "/invitations/bulk", {
      body: [{ email_address: "c@example.com" }, { email_address: "a@example.com" }]
    })
    expect(partly.status).toBe(400)
    expect(partly.body.errors[0].code).toBe("duplicate_record")
    expect((await call(emulator, "GET", "/invitations")).body).toHaveLength(2)
    expect(
      (await call(emulator, "POST", "/invitations/bulk", { body: { email_address: "x@example.com" } })).status
    ).toBe(422)

    const o = await org(emulator, { name: "Bulk" })
    const orgBulk = await call(emulator, "POST", `/organizations/${o.id}/invitations/bulk`, {
      body: [
        { email_address: "m@example.com", role: "org:member" },
        { email_address: "n@example.com", role: "org:owner" }
      ]
    })
    expect(orgBulk.status).toBe(422)
    expect((await call(emulator, "GET", `/organizations/${o.id}/invitations`)).body.total_count).toBe(0)
  })
})
