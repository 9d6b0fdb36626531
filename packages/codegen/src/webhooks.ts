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

export const loadWebhooks = async (
  path: string
): Promise<{ readonly spec: LoadedSpec; readonly document: WebhooksDocument }> => {
  const document = nullableRefs(parse(readFileSync(path, "utf8"))) as WebhooksDocument
  const refs = await $RefParser.resolve(structuredClone(document) as never)
  const resolve = <A>(ref: string): A => {
    if (!ref.startsWith("#/")) throw new Error(`only local $refs are supported: ${ref}`)
    return refs.get(ref) as A
  }
  const deref = <A extends { readonly $ref?: string }>(value: A): A =>
    value.$ref ? deref(resolve<A>(value.$ref)) : value
  const spec: LoadedSpec = { document: document as never, resolve, deref, fileName: path.split("/").pop()! }
  return { spec, document }
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

export const webhookEventsFile = (spec: LoadedSpec, document: WebhooksDocument): string => {
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
  const { spec, document } = await loadWebhooks(path)
  const outDir = join(root, "packages/auth/src/generated")
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  const file = join(outDir, "WebhookEvents.ts")
  writeFileSync(file, await format(webhookEventsFile(spec, document), file))
  return `${Object.keys(document["x-webhooks"]).length} webhook event types from ${spec.fileName}`
}
