/**
 * The emulator's webhook payloads against Clerk's own description of them
 * (../shared/clerk-openapi/webhooks-2025-04-15.yml), validated with ajv. Needs the spec beside the
 * repository: runs under `pnpm test:contract` only.
 */
import { describe, expect, it } from "@effect/vitest"
import { Ajv } from "ajv"
import * as Effect from "effect/Effect"
import { readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { parse } from "yaml"
import * as Emulator from "../src/Emulator.js"
import * as Invitations from "../src/resources/Invitations.js"
import { call } from "./helpers.js"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..")
const specDir = process.env["CLERK_OPENAPI_SPEC"]
  ? dirname(resolve(process.env["CLERK_OPENAPI_SPEC"]))
  : join(root, "../shared/clerk-openapi")
const spec = parse(readFileSync(join(specDir, "webhooks-2025-04-15.yml"), "utf8")) as {
  "x-webhooks": Record<string, { post: { requestBody: { content: { "application/json": { schema: unknown } } } } }>
  components: { schemas: Record<string, unknown> }
}

type Json = Record<string, unknown>
const isObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)
const ID = "webhooks.json"

// OpenAPI 3.0 -> JSON Schema: `nullable` becomes a null alternative, local $refs point into the
// registered document, examples and x- keys are dropped.
const convert = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(convert)
  if (!isObject(schema)) return schema
  const out: Json = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === "example" || key === "examples" || key === "nullable" || key.startsWith("x-")) continue
    if (key === "$ref" && typeof value === "string") out[key] = `${ID}${value}`
    else if (key === "properties" && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]))
    } else out[key] = convert(value)
  }
  return schema["nullable"] === true ? { anyOf: [{ type: "null" }, out] } : out
}

// int32/int64 are OpenAPI's integer formats: the `integer` type already checks the value; `email`
// (waitlist entries, invitations) is checked loosely, as the emulator checks addresses
const formats = { int32: true, int64: true, email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/ } as const
const ajv = new Ajv({ strict: false, allErrors: true, formats })
ajv.addSchema({ $id: ID, components: { schemas: convert(spec.components.schemas) } })

// Defects of the yml: `OrganizationInvitationAcceptedPayload` is `allOf: [OrganizationInvitation,
// { required: [user_id, data] }]` and `SessionEventPayload` is `allOf: [Session, { required: [user] }]`,
// while `OrganizationInvitation` and `Session` have `additionalProperties: false`: no payload can
// satisfy both halves. Those events are checked against a copy without the closed
// `additionalProperties`, and their base part (without the added keys) against the strict component.
const DEFECTIVE: Record<string, { readonly component: string; readonly added: ReadonlyArray<string> }> = {
  "organizationInvitation.accepted": { component: "OrganizationInvitation", added: ["user_id", "data"] },
  "session.created": { component: "Session", added: ["user"] },
  "session.ended": { component: "Session", added: ["user"] },
  "session.revoked": { component: "Session", added: ["user"] }
}
const relaxed = new Ajv({ strict: false, allErrors: true, formats })
const open = structuredClone(spec.components.schemas) as Record<string, Json>
for (const { component } of Object.values(DEFECTIVE)) delete open[component]!["additionalProperties"]
relaxed.addSchema({ $id: ID, components: { schemas: convert(open) } })
const strictComponents = new Map<string, ReturnType<typeof ajv.compile>>()
const strictComponent = (name: string) => {
  const validate = strictComponents.get(name) ?? ajv.compile({ $ref: `${ID}#/components/schemas/${name}` })
  strictComponents.set(name, validate)
  return validate
}

// one compiled validator per event type (compiling is the slow part of this test)
const validators = new Map<string, ReturnType<typeof ajv.compile>>()
const validatorFor = (type: string) => {
  const cached = validators.get(type)
  if (cached !== undefined) return cached
  const webhook = spec["x-webhooks"][type]
  if (webhook === undefined) throw new Error(`${type} is not in webhooks-2025-04-15.yml`)
  const schema = convert(webhook.post.requestBody.content["application/json"].schema) as object
  const validate = (DEFECTIVE[type] ? relaxed : ajv).compile(schema)
  validators.set(type, validate)
  return validate
}

describe("webhook payloads follow webhooks-2025-04-15.yml", () => {
  it("every event the emulator emits in a full scenario validates against its event's schema", async () => {
    const emulator = Emulator.make({ webhooks: { url: [] } })
    const user = (
      await call(emulator, "POST", "/users", { body: { email_address: ["ada@example.com"], first_name: "Ada" } })
    ).body
    await call(emulator, "PATCH", `/users/${user.id}`, { body: { last_name: "Lovelace" } })
    const org = (await call(emulator, "POST", "/organizations", { body: { name: "Acme", created_by: user.id } })).body
    await call(emulator, "PATCH", `/organizations/${org.id}/metadata`, { body: { public_metadata: { a: 1 } } })
    const inv = (
      await call(emulator, "POST", `/organizations/${org.id}/invitations`, {
        body: { email_address: "bob@example.com", role: "org:member", inviter_user_id: user.id }
      })
    ).body
    const membership = Invitations.acceptOrganizationInvitation(emulator, inv.id)
    const bobId = (membership["public_user_data"] as { user_id: string }).user_id
    await call(emulator, "PATCH", `/organizations/${org.id}/memberships/${bobId}`, { body: { role: "org:admin" } })
    const other = (
      await call(emulator, "POST", `/organizations/${org.id}/invitations`, {
        body: { email_address: "carol@example.com", role: "org:member" }
      })
    ).body
    await call(emulator, "POST", `/organizations/${org.id}/invitations/${other.id}/revoke`)
    await call(emulator, "POST", "/invitations", { body: { email_address: "dan@example.com" } })
    await call(emulator, "POST", "/allowlist_identifiers", { body: { identifier: "+15555550123", notify: true } })
    const { sessionId } = await Effect.runPromise(emulator.sessionTokens.mint({ userId: user.id }))
    await call(emulator, "POST", `/sessions/${sessionId}/revoke`)
    await Effect.runPromise(emulator.sessionTokens.mint({ userId: bobId }))
    const email = (user.email_addresses as Array<{ id: string }>)[0]!.id
    await call(emulator, "POST", `/email_addresses/${email}/prepare_verification`)
    const phone = (
      await call(emulator, "POST", "/phone_numbers", { body: { user_id: user.id, phone_number: "+15555550123" } })
    ).body
    await call(emulator, "POST", `/phone_numbers/${phone.id}/prepare_verification`)
    const entry = (await call(emulator, "POST", "/waitlist_entries", { body: { email_address: "erin@example.com" } }))
      .body
    await call(emulator, "POST", `/waitlist_entries/${entry.id}/invite`, { body: {} })
    await call(emulator, "DELETE", `/organizations/${org.id}/logo`)
    await call(emulator, "DELETE", `/organizations/${org.id}/memberships/${bobId}`)
    await call(emulator, "DELETE", `/users/${bobId}`)
    await call(emulator, "DELETE", `/organizations/${org.id}`)

    const events = emulator.webhooks.events()
    const seen = new Set(events.map((e) => e.type))
    expect([...seen].sort()).toEqual(
      [
        "email.created",
        "organization.created",
        "organization.deleted",
        "organization.updated",
        "organizationInvitation.accepted",
        "organizationInvitation.created",
        "organizationInvitation.revoked",
        "organizationMembership.created",
        "organizationMembership.deleted",
        "organizationMembership.updated",
        "session.created",
        "session.ended",
        "session.revoked",
        "sms.created",
        "user.created",
        "user.deleted",
        "user.updated",
        "waitlistEntry.created",
        "waitlistEntry.updated"
      ].sort()
    )
    for (const event of events) {
      const validate = validatorFor(event.type)
      // what goes over the wire: the JSON text, parsed back
      const wire = JSON.parse(JSON.stringify(event)) as { data: Json }
      const valid = validate(wire)
      expect(valid ? [] : validate.errors, `${event.type}`).toEqual([])
      const defect = DEFECTIVE[event.type]
      if (defect !== undefined) {
        const base = Object.fromEntries(Object.entries(wire.data).filter(([k]) => !defect.added.includes(k)))
        const strict = strictComponent(defect.component)
        expect(strict(base) ? [] : strict.errors, `${event.type} (${defect.component} part)`).toEqual([])
      }
    }
    // compiling a validator per event type takes seconds on a loaded 2-core machine
  }, 30_000)

  it("the validator rejects a payload that breaks the schema (it is not vacuous)", () => {
    const validate = validatorFor("user.deleted")
    expect(
      validate({ object: "event", type: "user.deleted", timestamp: 1, instance_id: "ins_1", data: { deleted: "yes" } })
    ).toBe(false)
    expect(
      validate({
        object: "event",
        type: "user.deleted",
        timestamp: 1,
        instance_id: "ins_1",
        data: { object: "user", deleted: true }
      })
    ).toBe(true)
  })
})
