import { describe, expect, it } from "@effect/vitest"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { stringify } from "yaml"
import { loadWebhooks, webhookEventsFile } from "../src/webhooks.js"

const write = (document: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), "webhooks-")), "webhooks.yml")
  writeFileSync(file, stringify(document))
  return file
}

const event = (type: string, data: string, example?: unknown) => ({
  post: {
    description: `${type} happened`,
    requestBody: {
      content: {
        "application/json": {
          schema: {
            allOf: [{ $ref: "#/components/schemas/WebhookEventPayload" }, { properties: { data: { $ref: data } } }],
            required: ["data"]
          },
          ...(example === undefined ? {} : { example })
        }
      }
    }
  }
})

const doc = {
  openapi: "3.0.3",
  info: { title: "Test Webhooks", version: "1" },
  "x-webhooks": {
    "thing.created": event("thing.created", "#/components/schemas/Thing", {
      type: "thing.created",
      object: "event",
      data: { id: "t_1", owner: null }
    }),
    "thing.deleted": event("thing.deleted", "#/components/schemas/Thing")
  },
  components: {
    schemas: {
      WebhookEventPayload: {
        properties: { object: { type: "string" }, type: { type: "string" } },
        required: ["object", "type"]
      },
      Thing: {
        type: "object",
        properties: {
          id: { type: "string" },
          name: { type: "string" },
          owner: { $ref: "#/components/schemas/Owner" },
          kind: { type: "string", enum: ["a", "b"] }
        },
        required: ["id", "name", "owner"]
      },
      Owner: { type: "object", properties: { id: { type: "string" } }, required: ["id"] }
    }
  }
}

describe("webhook events emitter", () => {
  it("one schema per event, type a closed literal, the union and UnknownEvent", async () => {
    const { spec, relaxed } = await loadWebhooks(write(doc))
    const file = webhookEventsFile(spec, relaxed)
    expect(file).toContain("export interface ThingCreatedEvent")
    expect(file).toContain('readonly type: "thing.created"')
    expect(file).toContain('type: /*#__PURE__*/ Schema.Literal("thing.deleted")')
    expect(file).toContain('export const eventTypes = ["thing.created", "thing.deleted"] as const')
    expect(file).toContain("export type KnownEvent = ThingCreatedEvent | ThingDeletedEvent")
    // response mode: enums stay open
    expect(file).toContain('readonly kind?: "a" | "b" | (string & {}) | undefined')
    // components come before their users
    expect(file.indexOf("export const Owner")).toBeLessThan(file.indexOf("export const Thing"))
  })

  it("where the example contradicts the schema, the example wins, and the header lists it", async () => {
    const { spec, relaxed } = await loadWebhooks(write(doc))
    expect(relaxed).toEqual(["Thing.name optional", "Thing.owner nullable"])
    const file = webhookEventsFile(spec, relaxed)
    expect(file).toContain(" * - Thing.name optional")
    expect(file).toContain("readonly name?: string | undefined")
    expect(file).toContain("readonly owner: Owner | null")
    // what the example has stays required
    expect(file).toContain("readonly id: string")
  })

  it("a union's discriminator stays a closed literal in its members, as in the Backend API's schemas", async () => {
    const discriminated = structuredClone(doc) as typeof doc & {
      components: { schemas: Record<string, unknown> & { Thing: { properties: Record<string, unknown> } } }
    }
    const member = (object: string) => ({
      type: "object",
      properties: { object: { type: "string", enum: [object] }, at: { type: "integer" } },
      required: ["object"]
    })
    discriminated.components.schemas["CodeCheck"] = member("code_check")
    discriminated.components.schemas["LinkCheck"] = member("link_check")
    discriminated.components.schemas.Thing.properties["check"] = {
      oneOf: [{ $ref: "#/components/schemas/CodeCheck" }, { $ref: "#/components/schemas/LinkCheck" }],
      discriminator: { propertyName: "object" }
    }
    const { spec, relaxed } = await loadWebhooks(write(discriminated))
    const file = webhookEventsFile(spec, relaxed)
    // the members' `object` selects the member: closed, where another enum stays open
    expect(file).toContain('readonly object: "code_check"\n')
    expect(file).toContain('object: /*#__PURE__*/ Schema.Literal("link_check")')
    expect(file).toContain('readonly kind?: "a" | "b" | (string & {}) | undefined')
  })

  it("a recursive component is refused rather than emitted wrong", async () => {
    const recursive = structuredClone(doc) as typeof doc & {
      components: { schemas: { Owner: { properties: Record<string, unknown> } } }
    }
    recursive.components.schemas.Owner.properties["thing"] = { $ref: "#/components/schemas/Thing" }
    const { spec, relaxed } = await loadWebhooks(write(recursive))
    expect(() => webhookEventsFile(spec, relaxed)).toThrow(/recursive/)
  })
})
