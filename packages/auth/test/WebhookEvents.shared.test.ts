/**
 * Every event example of Clerk's webhooks spec decodes with the generated schemas, to its own type.
 * Reads ../shared/clerk-openapi/webhooks-2025-04-15.yml (or CLERK_WEBHOOKS_SPEC): runs under
 * `pnpm test:contract` only.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { parse } from "yaml"
import * as WebhookEvents from "../src/generated/WebhookEvents.js"

const path =
  process.env["CLERK_WEBHOOKS_SPEC"] ??
  join(dirname(fileURLToPath(import.meta.url)), "../../../../shared/clerk-openapi/webhooks-2025-04-15.yml")

interface Content {
  readonly example?: unknown
  readonly examples?: Record<string, { readonly $ref?: string; readonly value?: unknown }>
}
interface Doc {
  readonly "x-webhooks": Record<
    string,
    { readonly post: { readonly requestBody: { readonly content: Record<string, Content> } } }
  >
  readonly components: { readonly examples?: Record<string, { readonly value?: unknown }> }
}
const doc = parse(readFileSync(path, "utf8")) as Doc
const decode = Schema.decodeUnknownEither(WebhookEvents.WebhookEvent, { onExcessProperty: "preserve" })

describe("generated webhook events against the spec's examples", () => {
  it("the spec has the 45 event types the generator emitted, in the same order", () => {
    expect(Object.keys(doc["x-webhooks"])).toEqual([...WebhookEvents.eventTypes])
    expect(WebhookEvents.eventTypes).toHaveLength(45)
  })

  for (const [type, entry] of Object.entries(doc["x-webhooks"])) {
    it(`${type}: its example decodes to a ${type} event`, () => {
      const content = entry.post.requestBody.content["application/json"]!
      const ref = content.examples?.["default"]?.$ref
      const example = content.example ?? (ref ? doc.components.examples?.[ref.split("/").pop()!]?.value : undefined)
      expect(example).toBeDefined()
      const result = decode(example)
      if (Either.isLeft(result)) throw new Error(String(result.left))
      expect(result.right.type).toBe(type)
    })
  }
})
