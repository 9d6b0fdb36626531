/**
 * Clerk's webhook events spec (`webhooks-2025-04-15.yml`, an OpenAPI 3.0 document whose
 * `x-webhooks` lists one POST per event type) -> `packages/auth/src/generated/WebhookEvents.ts`:
 * one Schema per event type (`type` a closed literal, `data` the event's payload), the union of
 * them discriminated by `type`, and `UnknownEvent` for types Clerk adds later.
 *
 * The document is loaded by the Backend API's loader (spec.ts) with the webhooks' own fixes
 * (webhookOverrides.ts). Schemas are converted by the same `convert` as the Backend API's
 * responses (response mode: open enums, unknown fields kept by the decoder), so both read Clerk's
 * JSON the same way.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { pascal, schemaName } from "./names.js"
import { annotated, comment, since, substitute } from "./print.js"
import { type Context, convert, discriminatorsOf, type Emitted } from "./schema.js"
import { load, type LoadedSpec, type SchemaObject, type WebhooksDocument } from "./spec.js"
import { applyWebhookOverrides } from "./webhookOverrides.js"

/** The webhooks spec, fixed and indexed, and what the fixes relaxed (for the generated file's header). */
export const loadWebhooks = async (
  path: string
): Promise<{ readonly spec: LoadedSpec<WebhooksDocument>; readonly relaxed: ReadonlyArray<string> }> => {
  let relaxed: ReadonlyArray<string> = []
  const spec = await load<WebhooksDocument>(path, (document) => {
    const fixed = applyWebhookOverrides(document)
    relaxed = fixed.relaxed
    return fixed.document
  })
  return { spec, relaxed }
}

/** The event's body schema with its `allOf` flattened one level and `type` made the event's literal. */
const eventSchema = (spec: LoadedSpec<unknown>, type: string, body: SchemaObject): SchemaObject => {
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

interface Event {
  /** The event type (`user.created`). */
  readonly type: string
  /** Its declaration's name (`UserCreatedEvent`). */
  readonly name: string
  readonly description: string
  readonly schema: SchemaObject
}

/** Replaces the `«Component»` markers of converted schemas with the components' names. */
const named = (text: string) => substitute(text, schemaName)

/** A component of the webhooks spec: its type, then its Schema. */
const componentDeclaration = (name: string, schema: SchemaObject, { ts, expr }: Emitted): string => {
  const id = schemaName(name)
  const where = `\`#/components/schemas/${name}\``
  return `${comment([schema.description?.trim(), schema.description ? "" : undefined, ...since("schemas", where)])}export type ${id} = ${named(ts)}

${comment(since("schemas", where))}export const ${id}: Schema.Schema<${id}> = ${annotated(named(expr), id)}
`
}

/** An event: its interface, then its Schema. */
const eventDeclaration = (event: Event, { ts, expr }: Emitted): string => `${comment(
  since("events", `\`${event.type}\`: ${event.description}`)
)}export interface ${event.name} ${named(ts)}

${comment(since("events", `\`${event.type}\``))}export const ${event.name}: Schema.Schema<${event.name}> = ${annotated(named(expr), event.name)}
`

export const webhookEventsFile = (spec: LoadedSpec<WebhooksDocument>, relaxed: ReadonlyArray<string>): string => {
  const { document } = spec
  const events: ReadonlyArray<Event> = Object.entries(document["x-webhooks"]).map(([type, entry]) => ({
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
  // the members' discriminators are closed, as the Backend API's are (schema.ts), so that both
  // generators make the same type of the same schema
  const discriminators = discriminatorsOf(document)
  const context = (refs: Set<string>, component: string, events: ReadonlySet<string> = new Set()): Context => ({
    spec,
    mode: "response",
    refs,
    discriminators: new Set([...discriminators, ...events]),
    component
  })

  // Components reached from the events, declared dependencies first.
  const components: Array<string> = []
  const declared = new Set<string>()
  const visiting = new Set<string>()
  const declare = (name: string): void => {
    if (declared.has(name)) return
    if (visiting.has(name))
      throw new Error(`webhook schemas: ${name} is recursive, which this emitter does not support`)
    visiting.add(name)
    const schema = document.components.schemas[name]
    if (!schema) throw new Error(`webhook schemas: #/components/schemas/${name} is missing`)
    const refs = new Set<string>()
    const emitted = convert(schema, context(refs, name))
    for (const dep of refs) declare(dep)
    if (names.has(schemaName(name))) {
      throw new Error(`webhook schemas: ${schemaName(name)} names both a component and an event`)
    }
    visiting.delete(name)
    declared.add(name)
    components.push(componentDeclaration(name, schema, emitted))
  }
  const eventCode = events.map((event) => {
    const refs = new Set<string>()
    const emitted = convert(event.schema, context(refs, event.name, new Set([`${event.name}.type`])))
    for (const dep of refs) declare(dep)
    return eventDeclaration(event, emitted)
  })

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

${components.join("\n")}
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
  const { spec, relaxed } = await loadWebhooks(path)
  const outDir = join(root, "packages/auth/src/generated")
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  const file = join(outDir, "WebhookEvents.ts")
  writeFileSync(file, await format(webhookEventsFile(spec, relaxed), file))
  return `${Object.keys(spec.document["x-webhooks"]).length} webhook event types from ${spec.fileName}`
}
