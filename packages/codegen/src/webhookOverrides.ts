/**
 * Named fixes of Clerk's webhooks spec (webhooks-2025-04-15.yml), applied to the parsed document
 * before it is indexed and printed (webhooks.ts), as overrides.ts fixes the Backend API's. Unlike
 * those, they are rules, not one fix per defect: the spec's examples are what Clerk sends.
 */
import type { SchemaObject, WebhooksDocument } from "./spec.js"

/**
 * `{ $ref, nullable: true }`: OpenAPI 3.0 ignores siblings of `$ref`, but Clerk means "this, or
 * null" (and sends null). Rewritten to `{ anyOf: [{ $ref }], nullable: true }`, which says so.
 */
const nullableRefs = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(nullableRefs)
  if (node === null || typeof node !== "object") return node
  const object = node as Record<string, unknown>
  if (typeof object["$ref"] === "string" && object["nullable"] === true) {
    return { anyOf: [{ $ref: object["$ref"] }], nullable: true }
  }
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, nullableRefs(value)]))
}

type Mutable<A> = { -readonly [K in keyof A]: Mutable<A[K]> }

/** A local JSON pointer (`#/components/schemas/User`) resolved in the document itself. */
const pointer = (document: unknown, ref: string): unknown => {
  if (!ref.startsWith("#/")) throw new Error(`only local $refs are supported: ${ref}`)
  let node: unknown = document
  for (const part of ref.slice(2).split("/")) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~")
    node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`)
  }
  return node
}

/**
 * Where the spec contradicts its own examples, the examples win: a webhook receiver that rejects
 * an event Clerk really sends gets it retried until Svix disables the endpoint. For each event's
 * example (inline, or `examples.default` -> `#/components/examples/...`), a property the schema
 * requires but the example leaves out becomes optional, and a `null` where the schema has no
 * `nullable` becomes nullable. Returns what was relaxed, for the generated file's header.
 */
const relaxToExamples = (document: Mutable<WebhooksDocument>): ReadonlyArray<string> => {
  const relaxed = new Set<string>()
  const deref = (schema: Mutable<SchemaObject>): { schema: Mutable<SchemaObject>; name: string | undefined } => {
    let name: string | undefined
    while (schema.$ref) {
      name = schema.$ref.slice(schema.$ref.lastIndexOf("/") + 1)
      schema = pointer(document, schema.$ref) as Mutable<SchemaObject>
    }
    return { schema, name }
  }
  const walk = (input: Mutable<SchemaObject>, value: unknown, where: string): void => {
    const { schema, name } = deref(input)
    const here = name ?? where
    if (Array.isArray(value)) {
      if (schema.items) for (const item of value) walk(schema.items, item, `${here}[]`)
      return
    }
    if (typeof value !== "object" || value === null) return
    const members = schema.anyOf ?? schema.oneOf
    if (members?.length === 1) return walk(members[0]!, value, here)
    for (const member of schema.allOf ?? []) walk(member, value, here)
    const object = value as Record<string, unknown>
    if (schema.required) {
      const missing = schema.required.filter((key) => !(key in object))
      if (missing.length > 0) {
        schema.required = schema.required.filter((key) => !missing.includes(key))
        for (const key of missing) relaxed.add(`${here}.${key} optional`)
      }
    }
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      if (!(key in object)) continue
      if (object[key] === null && !deref(property).schema.nullable && !property.nullable) {
        schema.properties![key] = property.$ref
          ? { anyOf: [{ $ref: property.$ref }], nullable: true }
          : { ...property, nullable: true }
        relaxed.add(`${here}.${key} nullable`)
        continue
      }
      walk(property, object[key], `${here}.${key}`)
    }
  }
  for (const [type, entry] of Object.entries(document["x-webhooks"])) {
    const content = entry.post.requestBody.content["application/json"] as Mutable<{
      schema: SchemaObject
      example?: unknown
      examples?: Record<string, { $ref?: string; value?: unknown }>
    }>
    const examples: Array<unknown> = content.example !== undefined ? [content.example] : []
    for (const example of Object.values(content.examples ?? {})) {
      const resolved = (example.$ref ? pointer(document, example.$ref) : example) as { value?: unknown }
      if (resolved.value !== undefined) examples.push(resolved.value)
    }
    for (const example of examples) walk(content.schema, example, type)
  }
  return [...relaxed].sort()
}

/**
 * Both fixes, in order: nullable `$ref`s first (so that an example's null meets a nullable
 * schema), then the examples. Returns the fixed document and what was relaxed.
 */
export const applyWebhookOverrides = (
  document: WebhooksDocument
): { readonly document: WebhooksDocument; readonly relaxed: ReadonlyArray<string> } => {
  const fixed = nullableRefs(document) as Mutable<WebhooksDocument>
  return { document: fixed, relaxed: relaxToExamples(fixed) }
}
