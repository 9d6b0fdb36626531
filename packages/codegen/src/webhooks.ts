/**
 * Clerk's webhook events spec (`webhooks-2025-04-15.yml`, an OpenAPI 3.0 document whose
 * `x-webhooks` lists one POST per event type) -> `packages/auth/src/generated/WebhookEvents.ts`:
 * one Schema per event type (`type` a closed literal, `data` the event's payload), the union of
 * them discriminated by `type`, and `UnknownEvent` for types Clerk adds later.
 *
 * Schemas are converted by the same `convert` as the Backend API's responses (response mode:
 * open enums, unknown fields kept by the decoder), so both read Clerk's JSON the same way.
 */
import $RefParser from "@apidevtools/json-schema-ref-parser"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { parse } from "yaml"
import { pascal, schemaName } from "./names.js"
import { type Context, convert, pure } from "./schema.js"
import type { LoadedSpec, SchemaObject } from "./spec.js"

interface WebhooksDocument {
  readonly info: { readonly title: string }
  readonly "x-webhooks": Record<
    string,
    {
      readonly post: {
        readonly description?: string
        readonly requestBody: { readonly content: { readonly "application/json": { readonly schema: SchemaObject } } }
      }
    }
  >
  readonly components: { readonly schemas: Record<string, SchemaObject> }
}

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

export const loadWebhooks = async (
  path: string
): Promise<{
  readonly spec: LoadedSpec
  readonly document: WebhooksDocument
  readonly relaxed: ReadonlyArray<string>
}> => {
  const document = nullableRefs(parse(readFileSync(path, "utf8"))) as Mutable<WebhooksDocument>
  // Every $ref must resolve (the parser checks); they are then followed in the document itself,
  // which relaxToExamples has adjusted.
  await $RefParser.resolve(structuredClone(document) as never)
  const relaxed = relaxToExamples(document)
  const resolve = <A>(ref: string): A => pointer(document, ref) as A
  const deref = <A extends { readonly $ref?: string }>(value: A): A =>
    value.$ref ? deref(resolve<A>(value.$ref)) : value
  const spec: LoadedSpec = { document: document as never, resolve, deref, fileName: path.split("/").pop()! }
  return { spec, document, relaxed }
}

/** The event's body schema with its `allOf` flattened one level and `type` made the event's literal. */
const eventSchema = (spec: LoadedSpec, type: string, body: SchemaObject): SchemaObject => {
  const properties: Record<string, SchemaObject> = {}
  const required = new Set<string>(body.required ?? [])
  const visit = (member: SchemaObject) => {
    const resolved = spec.deref(member)
    resolved.allOf?.forEach(visit)
    Object.assign(properties, resolved.properties ?? {})
    for (const name of resolved.required ?? []) required.add(name)
  }
  visit(body)
  properties["type"] = { type: "string", enum: [type], description: "The event type" }
  required.add("type")
  return { type: "object", properties, required: [...required].filter((name) => name in properties) }
}

const eventName = (type: string) => `${pascal(type.replace(/\./g, " "))}Event`

const doc = (lines: ReadonlyArray<string>) =>
  `/**\n${lines.map((line) => ` * ${line.replace(/\*\//g, "*\\/")}`.trimEnd()).join("\n")}\n */\n`

export const webhookEventsFile = (
  spec: LoadedSpec,
  document: WebhooksDocument,
  relaxed: ReadonlyArray<string>
): string => {
  const events = Object.entries(document["x-webhooks"]).map(([type, entry]) => ({
    type,
    name: eventName(type),
    description: entry.post.description ?? type,
    schema: eventSchema(spec, type, entry.post.requestBody.content["application/json"].schema)
  }))
  const names = new Set<string>()
  for (const event of events) {
    if (names.has(event.name)) throw new Error(`two webhook events are named ${event.name}`)
    names.add(event.name)
  }

  // Components reached from the events, emitted dependencies first.
  const emitted = new Map<string, { readonly deps: ReadonlySet<string>; readonly code: string }>()
  const order: Array<string> = []
  const visiting = new Set<string>()
  const replaceRefs = (text: string) => text.replace(/«([^»]+)»/g, (_, name: string) => schemaName(name))
  const context = (
    refs: Set<string>,
    component?: string,
    discriminators: ReadonlySet<string> = new Set()
  ): Context => ({
    spec,
    mode: "response",
    refs,
    discriminators,
    component
  })
  const emitComponent = (name: string): void => {
    if (emitted.has(name)) return
    if (visiting.has(name))
      throw new Error(`webhook schemas: ${name} is recursive, which this emitter does not support`)
    visiting.add(name)
    const schema = document.components.schemas[name]
    if (!schema) throw new Error(`webhook schemas: #/components/schemas/${name} is missing`)
    const refs = new Set<string>()
    const { ts, expr } = convert(schema, context(refs, name))
    for (const dep of refs) emitComponent(dep)
    const id = schemaName(name)
    if (names.has(id)) throw new Error(`webhook schemas: ${id} names both a component and an event`)
    const description = schema.description ? [schema.description.trim(), ""] : []
    const code =
      doc([...description, `\`#/components/schemas/${name}\``, "", "@since 0.1.0", "@category schemas"]) +
      `export type ${id} = ${replaceRefs(ts)}\n\n` +
      doc([`\`#/components/schemas/${name}\``, "", "@since 0.1.0", "@category schemas"]) +
      `export const ${id}: Schema.Schema<${id}> = ${pure("Schema.annotations", replaceRefs(expr), `{ identifier: ${JSON.stringify(id)} }`)}\n`
    visiting.delete(name)
    emitted.set(name, { deps: refs, code })
    order.push(name)
  }

  const eventCode: Array<string> = []
  for (const event of events) {
    const refs = new Set<string>()
    const { ts, expr } = convert(event.schema, context(refs, event.name, new Set([`${event.name}.type`])))
    for (const dep of refs) emitComponent(dep)
    eventCode.push(
      doc([`\`${event.type}\`: ${event.description}`, "", "@since 0.1.0", "@category events"]) +
        `export interface ${event.name} ${replaceRefs(ts)}\n\n` +
        doc([`\`${event.type}\``, "", "@since 0.1.0", "@category events"]) +
        `export const ${event.name}: Schema.Schema<${event.name}> = ${pure("Schema.annotations", replaceRefs(expr), `{ identifier: ${JSON.stringify(event.name)} }`)}\n`
    )
  }

  const types = events.map((event) => JSON.stringify(event.type))
  return `/**
 * Clerk's webhook events, one Schema per event type, and their union.
 *
 * Generated by @effect-clerk/codegen from ${spec.fileName} (${document.info.title}).
 * Do not edit: change the generator (packages/codegen/src/webhooks.ts) and run \`pnpm codegen\`.
 *
 * Where the spec's schemas contradict its own examples, the examples win (a receiver must not
 * reject what Clerk sends):
${relaxed.map((line) => ` * - ${line}`).join("\n")}
 *
 * @since 0.1.0
 */

import * as Schema from "effect/Schema"

${order.map((name) => emitted.get(name)!.code).join("\n")}
${eventCode.join("\n")}
/**
 * The ${events.length} event types of ${spec.fileName}.
 *
 * @since 0.1.0
 * @category events
 */
export const eventTypes = [${types.join(", ")}] as const

/**
 * @since 0.1.0
 * @category events
 */
export type EventType = (typeof eventTypes)[number]

const known: ReadonlySet<string> = /*#__PURE__*/ new Set<string>(eventTypes)

/**
 * An event of a type this version does not know (Clerk adds event types over time): \`eventType\`
 * is its \`type\`, \`payload\` the whole event as sent. Its own \`type\` is \`"unknown"\`, so a
 * \`switch (event.type)\` still narrows the known events.
 *
 * @since 0.1.0
 * @category events
 */
export interface UnknownEvent {
  readonly type: "unknown"
  readonly eventType: string
  readonly payload: { readonly [key: string]: unknown }
}

/**
 * @since 0.1.0
 * @category events
 */
export const UnknownEvent: Schema.Schema<UnknownEvent, { readonly type: string; readonly [key: string]: unknown }> =
  /*#__PURE__*/ Schema.transform(
    /*#__PURE__*/ Schema.Struct(
      { type: /*#__PURE__*/ Schema.String.pipe(/*#__PURE__*/ Schema.filter((type) => !known.has(type))) },
      /*#__PURE__*/ Schema.Record({ key: Schema.String, value: Schema.Unknown })
    ),
    /*#__PURE__*/ Schema.Struct({
      type: /*#__PURE__*/ Schema.Literal("unknown"),
      eventType: Schema.String,
      payload: /*#__PURE__*/ Schema.Record({ key: Schema.String, value: Schema.Unknown })
    }),
    {
      strict: false,
      decode: (raw) => ({ type: "unknown" as const, eventType: raw.type, payload: raw }),
      encode: (event) => ({ ...event.payload, type: event.eventType })
    }
  )

/**
 * Every known event.
 *
 * @since 0.1.0
 * @category events
 */
export type KnownEvent = ${events.map((event) => event.name).join(" | ")}

/**
 * A webhook event: a known one (discriminated by \`type\`), or an \`UnknownEvent\`. An event of a
 * known type whose payload does not match fails to decode rather than becoming an \`UnknownEvent\`.
 *
 * @since 0.1.0
 * @category events
 */
export type WebhookEvent = KnownEvent | UnknownEvent

/**
 * @since 0.1.0
 * @category events
 */
export const WebhookEvent: Schema.Schema<
  WebhookEvent,
  KnownEvent | { readonly type: string; readonly [key: string]: unknown }
> = /*#__PURE__*/ Schema.Union(
  ${events.map((event) => event.name).join(",\n  ")},
  UnknownEvent
)
`
}

/**
 * Regenerates packages/auth/src/generated from the webhooks spec beside the Backend API's (or
 * CLERK_WEBHOOKS_SPEC). Called by main.ts.
 */
export const writeWebhooks = async (
  root: string,
  bapiSpecPath: string,
  format: (content: string, filepath: string) => Promise<string>
): Promise<string> => {
  const path = process.env["CLERK_WEBHOOKS_SPEC"] ?? join(dirname(bapiSpecPath), "webhooks-2025-04-15.yml")
  const { spec, document, relaxed } = await loadWebhooks(path)
  const outDir = join(root, "packages/auth/src/generated")
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  const file = join(outDir, "WebhookEvents.ts")
  writeFileSync(file, await format(webhookEventsFile(spec, document, relaxed), file))
  return `${Object.keys(document["x-webhooks"]).length} webhook event types from ${spec.fileName}`
}
