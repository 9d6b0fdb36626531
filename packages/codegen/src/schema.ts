/**
 * OpenAPI 3.0 schema -> an Effect Schema expression and its written-out TypeScript type.
 *
 * Rules (the README's "schemas" section repeats them for users):
 * - Requests are strict: enums are closed literals, integers are checked as integers, `minimum`,
 *   `maximum`, `minLength`, `maxLength`, `pattern`, `minItems`, `maxItems`, `uniqueItems` and
 *   required-only `anyOf`/`oneOf` groups (`domain` or `domains`) are checked, and objects reject keys
 *   the spec does not list unless it allows them (`additionalProperties`).
 * - Responses are lenient where the server may move ahead of the spec: enums are open (a new value
 *   decodes as a string, typed `"a" | "b" | (string & {})`), integers are numbers (int64 fits a JS
 *   number for every value Clerk sends: timestamps in ms), constraints are not checked, and unknown
 *   fields are kept (the decoder runs with `onExcessProperty: "preserve"`). Discriminator properties
 *   stay closed literals, since they select the member of a union, and a discriminated union gets one
 *   more member for a discriminator value the spec does not list (the object is kept whole).
 * - `nullable` -> `NullOr`, `allOf` -> one merged object, `oneOf`/`anyOf` -> `Union`,
 *   `additionalProperties` -> an index signature (`Record`), `format: binary` -> a file (multipart only).
 */
import { propertyKey } from "./names.js"
import { type LoadedSpec, refName, type SchemaObject } from "./spec.js"

export type Mode = "request" | "response"

export interface Emitted {
  /** The TypeScript type, written out. */
  readonly ts: string
  /** The Schema expression. */
  readonly expr: string
}

export interface Context {
  readonly spec: LoadedSpec<unknown>
  readonly mode: Mode
  /** Component schemas referenced (by spec name). */
  readonly refs: Set<string>
  /** `Component.property` pairs that discriminate a union: kept closed in responses. */
  readonly discriminators: ReadonlySet<string>
  /** The component being emitted, when it is one. */
  readonly component?: string | undefined
  /** Set while converting a discriminator property. */
  readonly discriminatorProperty?: boolean | undefined
}

/**
 * The `Component.property` pairs of a document that discriminate a union (`discriminator` on a
 * `oneOf`/`anyOf` of `$ref`s): in responses they stay closed literals, since they select the member.
 */
export const discriminatorsOf = (document: unknown): ReadonlySet<string> => {
  const found = new Set<string>()
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (node === null || typeof node !== "object") return
    const schema = node as SchemaObject
    if (schema.discriminator) {
      for (const member of [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) {
        if (member.$ref) found.add(`${refName(member.$ref)}.${schema.discriminator.propertyName}`)
      }
    }
    Object.values(node).forEach(visit)
  }
  visit(document)
  return found
}

export const pure = (callee: string, ...args: Array<string>) => `/*#__PURE__*/ ${callee}(${args.join(", ")})`

const literal = (value: unknown) => JSON.stringify(value)

const docComment = (schema: SchemaObject): string => {
  const lines: Array<string> = []
  if (schema.description) lines.push(...schema.description.trim().split("\n"))
  if (schema.deprecated) lines.push("@deprecated")
  if (lines.length === 0) return ""
  return `/**\n${lines.map((line) => ` * ${line.replace(/\*\//g, "*\\/")}`.trimEnd()).join("\n")}\n */\n`
}

export const convert = (schema: SchemaObject, ctx: Context): Emitted => {
  if (schema.$ref) {
    const name = refName(schema.$ref)
    ctx.refs.add(name)
    // A marker the module printer replaces with the local name of the import.
    const id = `«${name}»`
    return { ts: id, expr: id }
  }
  const inner = convertInner(schema, ctx)
  return schema.nullable ? { ts: `${inner.ts} | null`, expr: pure("Schema.NullOr", inner.expr) } : inner
}

const convertInner = (schema: SchemaObject, ctx: Context): Emitted => {
  const emitted = convertShape(schema, ctx)
  const groups = requiredGroups(schema)
  if (!groups || ctx.mode !== "request") return emitted
  // `anyOf: [{ required: [domain] }, { required: [domains] }]`: one group must be present (`oneOf`:
  // exactly one), checked before anything is sent.
  const which = schema.oneOf ? "exactly one" : "at least one"
  const present = "(names) => names.every((name) => value[name] !== undefined)"
  const test = `(value: any) => ${JSON.stringify(groups)}.filter(${present}).length ${schema.oneOf ? "=== 1" : ">= 1"}`
  const description = `${which} of ${groups.map((names) => names.join(" + ")).join(", ")}`
  return {
    ts: emitted.ts,
    expr: `${emitted.expr}.pipe(${pure("Schema.filter", test, `{ description: ${JSON.stringify(description)} }`)})`
  }
}

/** The property groups of `anyOf`/`oneOf` members that only list `required` properties. */
const requiredGroups = (schema: SchemaObject): ReadonlyArray<ReadonlyArray<string>> | undefined => {
  const members = schema.oneOf ?? schema.anyOf
  if (!members || alternatives(schema)) return undefined
  return members.map((member) => [...(member.required ?? [])])
}

const convertShape = (schema: SchemaObject, ctx: Context): Emitted => {
  if (schema.allOf) {
    if (schema.allOf.length === 1 && !schema.properties) return convert(schema.allOf[0]!, ctx)
    return convertObject(mergeAllOf(schema, ctx), ctx)
  }
  const members = alternatives(schema)
  if (members) {
    const emitted = members.map((member) => convert(member, ctx))
    if (schema.discriminator && ctx.mode === "response") emitted.push(unknownMember(schema, ctx))
    if (emitted.length === 1) return emitted[0]!
    return { ts: emitted.map((e) => e.ts).join(" | "), expr: pure("Schema.Union", ...emitted.map((e) => e.expr)) }
  }
  switch (schema.type ?? (schema.properties ? "object" : undefined)) {
    case "string":
      return convertString(schema, ctx)
    case "integer":
    case "number":
      return convertNumber(schema, ctx)
    case "boolean":
      return schema.enum && ctx.mode === "request"
        ? { ts: schema.enum.map(literal).join(" | "), expr: pure("Schema.Literal", ...schema.enum.map(literal)) }
        : { ts: "boolean", expr: "Schema.Boolean" }
    case "array": {
      const items = schema.items ? convert(schema.items, ctx) : { ts: "unknown", expr: "Schema.Unknown" }
      let expr = pure("Schema.Array", items.expr)
      if (ctx.mode === "request") {
        const checks: Array<string> = []
        if (schema.minItems !== undefined) checks.push(pure("Schema.minItems", String(schema.minItems)))
        if (schema.maxItems !== undefined) checks.push(pure("Schema.maxItems", String(schema.maxItems)))
        if (schema.uniqueItems) {
          checks.push(
            pure(
              "Schema.filter",
              "(items: ReadonlyArray<unknown>) => new Set(items.map((item) => JSON.stringify(item))).size === items.length",
              '{ description: "an array without duplicates" }'
            )
          )
        }
        if (checks.length > 0) expr = `${expr}.pipe(${checks.join(", ")})`
      }
      return { ts: `ReadonlyArray<${parenthesize(items.ts)}>`, expr }
    }
    case "object":
      return convertObject(schema, ctx)
    default:
      return { ts: "unknown", expr: "Schema.Unknown" }
  }
}

const parenthesize = (ts: string) => (ts.includes("|") || ts.includes("&") ? `(${ts})` : ts)

const convertString = (schema: SchemaObject, ctx: Context): Emitted => {
  if (schema.enum) {
    const values = schema.enum.filter((value) => value !== null)
    const closed = ctx.mode === "request" || ctx.discriminatorProperty === true
    if (closed) {
      return { ts: values.map(literal).join(" | "), expr: pure("Schema.Literal", ...values.map(literal)) }
    }
    return { ts: `${values.map(literal).join(" | ")} | (string & {})`, expr: "Schema.String" }
  }
  if (schema.format === "binary") return { ts: "ClerkFile.ClerkFile", expr: "ClerkFile.ClerkFile" }
  if (ctx.mode === "request") {
    const checks: Array<string> = []
    if (schema.minLength !== undefined) checks.push(pure("Schema.minLength", String(schema.minLength)))
    if (schema.maxLength !== undefined) checks.push(pure("Schema.maxLength", String(schema.maxLength)))
    if (schema.pattern !== undefined) {
      checks.push(pure("Schema.pattern", `/*#__PURE__*/ new RegExp(${JSON.stringify(schema.pattern)})`))
    }
    if (checks.length > 0) return { ts: "string", expr: `Schema.String.pipe(${checks.join(", ")})` }
  }
  return { ts: "string", expr: "Schema.String" }
}

const convertNumber = (schema: SchemaObject, ctx: Context): Emitted => {
  if (schema.enum) {
    return { ts: schema.enum.map(literal).join(" | "), expr: pure("Schema.Literal", ...schema.enum.map(literal)) }
  }
  if (ctx.mode === "response") return { ts: "number", expr: "Schema.Number" }
  const checks: Array<string> = []
  if (schema.minimum !== undefined) {
    const check = schema.exclusiveMinimum ? "Schema.greaterThan" : "Schema.greaterThanOrEqualTo"
    checks.push(pure(check, String(schema.minimum)))
  }
  if (schema.maximum !== undefined) {
    const check = schema.exclusiveMaximum ? "Schema.lessThan" : "Schema.lessThanOrEqualTo"
    checks.push(pure(check, String(schema.maximum)))
  }
  const base = schema.type === "integer" ? "Schema.Int" : "Schema.Number"
  return { ts: "number", expr: checks.length > 0 ? `${base}.pipe(${checks.join(", ")})` : base }
}

/** `allOf` members (after following refs) merged into one object schema. */
const mergeAllOf = (schema: SchemaObject, ctx: Context): SchemaObject => {
  const properties: Record<string, SchemaObject> = {}
  const required = new Set<string>(schema.required ?? [])
  let additionalProperties: SchemaObject["additionalProperties"] = schema.additionalProperties
  const visit = (member: SchemaObject) => {
    const resolved = ctx.spec.deref(member)
    if (resolved.allOf) resolved.allOf.forEach(visit)
    Object.assign(properties, resolved.properties ?? {})
    for (const name of resolved.required ?? []) required.add(name)
    if (resolved.additionalProperties !== undefined && additionalProperties === undefined) {
      additionalProperties = resolved.additionalProperties
    }
  }
  schema.allOf!.forEach(visit)
  Object.assign(properties, schema.properties ?? {})
  return {
    type: "object",
    properties,
    required: [...required].filter((name) => name in properties),
    ...(additionalProperties !== undefined ? { additionalProperties } : {})
  }
}

const convertObject = (schema: SchemaObject, ctx: Context): Emitted => {
  const properties = Object.entries(schema.properties ?? {})
  const required = new Set(schema.required ?? [])
  const additional = schema.additionalProperties
  const index =
    additional === true || (additional === undefined && properties.length === 0)
      ? { ts: "unknown", expr: "Schema.Unknown" }
      : typeof additional === "object"
        ? convert(additional, ctx)
        : undefined
  if (properties.length === 0) {
    if (!index) return { ts: "{}", expr: pure("Schema.Struct", "{}") }
    return {
      ts: `{ readonly [key: string]: ${index.ts} }`,
      expr: pure("Schema.Record", `{ key: Schema.String, value: ${index.expr} }`)
    }
  }
  const tsFields: Array<string> = []
  const exprFields: Array<string> = []
  for (const [name, property] of properties) {
    const key = propertyKey(name)
    const isDiscriminator = ctx.component !== undefined && ctx.discriminators.has(`${ctx.component}.${name}`)
    const emitted = convert(property, { ...ctx, discriminatorProperty: isDiscriminator })
    const doc = docComment(ctx.spec.deref(property))
    if (required.has(name)) {
      tsFields.push(`${doc}readonly ${key}: ${emitted.ts}`)
      exprFields.push(`${key}: ${emitted.expr}`)
    } else {
      tsFields.push(`${doc}readonly ${key}?: ${emitted.ts} | undefined`)
      exprFields.push(`${key}: ${pure("Schema.optional", emitted.expr)}`)
    }
  }
  if (index) tsFields.push(`readonly [key: string]: unknown`)
  const struct = `{\n${exprFields.join(",\n")}\n}`
  return {
    ts: `{\n${tsFields.join("\n")}\n}`,
    expr: index
      ? pure("Schema.Struct", struct, pure("Schema.Record", `{ key: Schema.String, value: ${index.expr} }`))
      : pure("Schema.Struct", struct)
  }
}

/**
 * The member of an open discriminated union (responses) that takes what Clerk adds later: an object
 * whose discriminator is a string none of the known members uses, kept whole (every field). A known
 * discriminator with a body that does not fit its member is still a mismatch.
 */
const unknownMember = (schema: SchemaObject, ctx: Context): Emitted => {
  const property = schema.discriminator!.propertyName
  const known = new Set<string>(Object.keys(schema.discriminator!.mapping ?? {}))
  for (const member of alternatives(schema) ?? []) {
    for (const value of ctx.spec.deref(member).properties?.[property]?.enum ?? []) {
      if (typeof value === "string") known.add(value)
    }
  }
  const key = propertyKey(property)
  const values = JSON.stringify([...known].sort())
  const description = JSON.stringify(`${property}: none of ${[...known].sort().join(", ")}`)
  const unknown = pure(
    "Schema.filter",
    `(value: string) => !${values}.includes(value)`,
    `{ description: ${description} }`
  )
  const kind = `Schema.String.pipe(${unknown})`
  return {
    ts: `{ readonly ${key}: string; readonly [key: string]: unknown }`,
    expr: pure(
      "Schema.Struct",
      `{ ${key}: ${kind} }`,
      pure("Schema.Record", "{ key: Schema.String, value: Schema.Unknown }")
    )
  }
}

/**
 * The real alternatives of a `oneOf`/`anyOf`. Members that only add `required` (as in
 * `anyOf: [{ required: [domain] }, { required: [domains] }]`) constrain the object they sit on
 * rather than offer alternatives: they are left out, and the object is emitted as it is.
 */
export const alternatives = (schema: SchemaObject): ReadonlyArray<SchemaObject> | undefined => {
  const members = (schema.oneOf ?? schema.anyOf)?.filter(
    (member) => !(member.required && Object.keys(member).every((key) => key === "required" || key === "description"))
  )
  return members && members.length > 0 ? members : undefined
}
