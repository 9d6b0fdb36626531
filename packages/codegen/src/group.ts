/**
 * The printer of one group module (packages/backend/src/generated/<Group>.ts), one function per
 * declaration, in the module's order: the schemas of its inputs and answers, the error unions, the
 * service tag and interface, the operations table, `make`, `layer`, the accessors and the streams
 * (streams.ts).
 */
import type { Model, Operation, Service } from "./model.js"
import { statusClass } from "./model.js"
import { pascal, RESERVED, schemaName } from "./names.js"
import * as Paginated from "./paginated.js"
import { comment, declaration, type File, header, since, substitute, usesFile } from "./print.js"
import { pure } from "./schema.js"
import { refName } from "./spec.js"
import { listStream, streamSections } from "./streams.js"

/** The names a group module declares, and the local name of each component it imports. */
interface Scope {
  readonly service: Service
  readonly own: ReadonlySet<string>
  /** A component whose name meets one of the module's own is imported as `<Name>Schema`. */
  readonly local: (ref: string) => string
  /** Replaces the `«Component»` markers of converted schemas with the local names. */
  readonly sub: (text: string) => string
}

const scopeOf = (service: Service): Scope => {
  const own = new Set<string>([service.name, "make", "layer", "operations"])
  for (const op of service.operations) {
    own.add(errorName(op))
    if (op.query) own.add(op.query.typeName)
    if (op.body?.inline) own.add(op.body.typeName)
    if (op.success?.named) own.add(op.success.named)
    if (op.paginated) own.add(op.paginated.named)
    if (RESERVED.has(op.method) ? false : own.has(op.method)) {
      throw new Error(`${service.name}.${op.method} clashes with a declaration`)
    }
  }
  const local = (ref: string) => (own.has(schemaName(ref)) ? `${schemaName(ref)}Schema` : schemaName(ref))
  return { service, own, local, sub: (text) => substitute(text, local) }
}

// -----------------------------------------------------------------------------------------------
// an operation's signature
// -----------------------------------------------------------------------------------------------

const errorName = (op: Operation) => `${pascal(op.method)}Error`

const successType = (op: Operation) => (op.success ? (op.success.named ?? op.success.ts) : "void")

interface Arg {
  readonly name: string
  readonly type: string
  readonly optional: boolean
}

const args = (op: Operation): ReadonlyArray<Arg> => {
  const list: Array<Arg> = op.pathParams.map((p) => ({ name: p.arg, type: p.emitted.ts, optional: false }))
  if (op.body) list.push({ name: "body", type: op.body.typeName, optional: !op.body.required })
  if (op.query) list.push({ name: "params", type: op.query.typeName, optional: !op.query.required })
  // Only trailing arguments may be optional.
  let trailing = true
  for (let i = list.length - 1; i >= 0; i--) {
    if (!list[i]!.optional) trailing = false
    else if (!trailing) list[i] = { ...list[i]!, type: `${list[i]!.type} | undefined`, optional: false }
  }
  return list
}

const signature = (op: Operation) =>
  args(op)
    .map((a) => `${a.name}${a.optional ? "?" : ""}: ${a.type}`)
    .join(", ")

/** The path arguments alone (the paginated overloads add `params`). */
const pathSignature = (op: Operation) => op.pathParams.map((p) => `${p.arg}: ${p.emitted.ts}`).join(", ")

const argNames = (op: Operation) =>
  args(op)
    .map((a) => a.name)
    .join(", ")

const errorType = (op: Operation) => {
  const parts = op.errors.map((s) => `ClerkError.${statusClass(s)}`)
  if (args(op).length > 0) parts.push("ClerkError.InvalidInput")
  parts.push("ClerkError.Always")
  return parts.join(" | ")
}

const methodDoc = (op: Operation, indent: string, tags: ReadonlyArray<string> = []) =>
  comment(
    [
      op.summary,
      "",
      `\`${op.httpMethod} ${op.path}\` (\`${op.operationId}\`)`,
      op.description && op.description.trim() !== op.summary?.trim() ? `\n${op.description.trim()}` : undefined,
      op.pathParams.length > 0 ? "" : undefined,
      ...op.pathParams.map((p) => `@param ${p.arg} ${p.description ?? `\`${p.name}\``}`),
      op.deprecated ? "@deprecated" : undefined,
      ...(tags.length > 0 ? ["", ...tags] : [])
    ],
    indent
  )

// -----------------------------------------------------------------------------------------------
// declarations
// -----------------------------------------------------------------------------------------------

/** The schemas declared in the module for `op`: its query, inline body, inline answer and page. */
const operationSchemas = ({ service, sub }: Scope, op: Operation): ReadonlyArray<string> => {
  const schema = (typeName: string, emitted: { readonly ts: string; readonly expr: string }, what: string) =>
    declaration(
      typeName,
      sub(emitted.ts),
      sub(emitted.expr),
      comment(since("schemas", what)),
      `${service.name}.${typeName}`
    )
  const form = op.body?.multipart ? "multipart form" : "JSON body"
  return [
    ...(op.query ? [schema(op.query.typeName, op.query.inline!, `The query of \`${op.method}\`.`)] : []),
    ...(op.body?.inline ? [schema(op.body.typeName, op.body.inline, `The ${form} of \`${op.method}\`.`)] : []),
    ...(op.success?.named
      ? [schema(op.success.named, op.success, `The ${op.successStatus} body of \`${op.method}\`.`)]
      : []),
    ...(op.paginated
      ? [schema(op.paginated.named, op.paginated, `The body of \`${op.method}\` with \`paginated: true\`.`)]
      : [])
  ]
}

const errorDeclaration = (op: Operation): string =>
  comment(
    since(
      "errors",
      `What \`${op.method}\` can fail with: the statuses the spec documents for it, then what any call can meet.`
    )
  ) + `export type ${errorName(op)} = ${errorType(op)}\n`

const tagDeclaration = ({ name, description }: Service): string =>
  comment(since("tags", description)) +
  `export class ${name} extends Context.Tag("@effect-clerk/backend/${name}")<${name}, ${name}.Service>() {}\n`

const serviceMember = ({ sub }: Scope, op: Operation): string =>
  op.paginated
    ? `${methodDoc(op, "    ")}    readonly ${op.method}: {
${sub(Paginated.overloads(op, pathSignature(op), successType(op), errorName(op), undefined))}
}`
    : `${methodDoc(op, "    ")}    readonly ${op.method}: (${sub(signature(op))}) => Effect.Effect<${sub(successType(op))}, ${errorName(op)}>`

const serviceInterface = (scope: Scope): string => `/**
 * @since 0.1.0
 */
export declare namespace ${scope.service.name} {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
${scope.service.operations.map((op) => serviceMember(scope, op)).join("\n")}
  }
}
`

/** One entry of the `operations` table: the operation as data (ClerkOperation.ts). */
const operationEntry = (model: Model, { service, sub }: Scope, op: Operation): string => {
  const checkedPath = op.pathParams.some((p) => p.emitted.expr !== "Schema.String")
  const pathSchema = pure("Schema.Struct", `{ ${op.pathParams.map((p) => `${p.name}: ${p.emitted.expr}`).join(", ")} }`)
  const body = op.body && sub(op.body.inline ? op.body.typeName : `«${refName(op.body.schema.$ref!)}»`)
  const maxPageSize = listStream(model, op)?.maxPageSize
  const fields = [
    `name: "${service.name}.${op.method}"`,
    `operationId: "${op.operationId}"`,
    `method: "${op.httpMethod}"`,
    `path: "${op.path}"`,
    `pathParams: [${op.pathParams.map((p) => JSON.stringify(p.name)).join(", ")}]`,
    ...(checkedPath ? [`pathSchema: ${pathSchema}`] : []),
    ...(op.query ? [`query: ${op.query.typeName}`] : []),
    ...(op.query && op.query.csv.length > 0 ? [`queryCsv: ${JSON.stringify(op.query.csv)}`] : []),
    ...(body ? [`body: ${body}`] : []),
    ...(op.body?.multipart ? ["multipart: true"] : []),
    ...(op.body && !op.body.required ? ["optionalBody: true"] : []),
    `success: ${op.success ? sub(op.success.named ?? op.success.expr) : "undefined"}`,
    `successStatus: ${op.successStatus}`,
    ...(op.paginated ? [`paginated: ${op.paginated.named}`] : []),
    `errors: [${op.errors.join(", ")}]`,
    ...(maxPageSize !== undefined ? [`maxPageSize: ${maxPageSize}`] : []),
    ...(op.rateLimit !== undefined ? [`rateLimit: ${JSON.stringify(op.rateLimit)}`] : [])
  ]
  return `  ${op.method}: {
${fields.map((field) => `    ${field}`).join(",\n")}
  }`
}

/** The group's operations as data: what its `make` runs and a server can route by. */
const operationsTable = (model: Model, scope: Scope): string => `/**
 * The operations of ${scope.service.name} as data (\`ClerkOperation\`): what \`make\` runs, and what a
 * server can route by.
 *
 * @since 0.2.0
 * @category operations
 */
export const operations = {
${scope.service.operations.map((op) => operationEntry(model, scope, op)).join(",\n")}
} as const satisfies { readonly [method: string]: ClerkOperation.Any }
`

/** A service method: the run of its operation with the arguments put in place. */
const serviceMethod = (service: Service, op: Operation): string => {
  const input = [
    ...(op.pathParams.length > 0 ? [`path: { ${op.pathParams.map((p) => `${p.name}: ${p.arg}`).join(", ")} }`] : []),
    ...(op.body ? ["body"] : []),
    ...(op.query ? ["query: params"] : [])
  ]
  const run = `(${argNames(op)}) => $${op.method}({ ${input.join(", ")} })`
  return `    ${op.method}: ${op.paginated ? `(${run}) as ${service.name}.Service["${op.method}"]` : run}`
}

const makeDeclaration = (service: Service): string => `/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<${service.name}.Service, never, ClerkClient> = Effect.map(ClerkClient, (client) => {
${service.operations.map((op) => `  const $${op.method} = Operation.make(client, operations.${op.method})`).join("\n")}
  return ${service.name}.of({
${service.operations.map((op) => serviceMethod(service, op)).join(",\n")}
  })
})
`

const layerDeclaration = ({ name }: Service): string => `/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<${name}, never, ClerkClient> = /*#__PURE__*/ Layer.effect(${name}, make)
`

/** A reserved word (`delete`) is bound as `delete_` and exported under its own name. */
const binding = (op: Operation) => (RESERVED.has(op.method) ? `${op.method}_` : op.method)

const accessor = ({ service, sub }: Scope, op: Operation): string => {
  const doc = methodDoc(op, "", ["@since 0.1.0", "@category accessors"])
  const call = `Effect.flatMap(${service.name}, (service) => service.${op.method}(${argNames(op)}))`
  return op.paginated
    ? `${doc}export const ${binding(op)}: {
${sub(Paginated.overloads(op, pathSignature(op), successType(op), errorName(op), service.name))}
} = (${sub(signature(op))}) =>
  // the overloads above type the result by the value of \`paginated\`
  ${call} as never
`
    : `${doc}export const ${binding(op)} = (${sub(signature(op))}): Effect.Effect<${sub(successType(op))}, ${errorName(op)}, ${service.name}> =>
  ${call}
`
}

/** The accessors bound under another name, exported under their own (each specifier documented: docgen reads each). */
const reservedExports = (service: Service): ReadonlyArray<string> => {
  const renamed = service.operations.filter((op) => binding(op) !== op.method)
  if (renamed.length === 0) return []
  const specifier = (op: Operation) =>
    comment(
      since("accessors", `\`${op.method}\`, exported under its own name (a reserved word cannot be a binding).`),
      "  "
    ) + `  ${binding(op)} as ${op.method}`
  return [
    `export {
${renamed.map(specifier).join(",\n")}
}
`
  ]
}

/** The components the operations use, re-exported from the group (each specifier documented). */
const componentExports = (names: ReadonlyArray<string>): ReadonlyArray<string> => {
  if (names.length === 0) return []
  const specifier = (name: string) =>
    comment(since("schemas", "The component schema the operations of this group use (`./schemas/`)."), "  ") +
    `  ${name}`
  return [
    `export {
${names.map(specifier).join(",\n")}
}`,
    ""
  ]
}

const imports = (scope: Scope, body: string, streams: boolean): ReadonlyArray<string> => {
  const refs = [...new Set([...scope.service.refs, ...[...body.matchAll(/«([^»]+)»/g)].map((m) => m[1]!)])].sort()
  return [
    `import * as Context from "effect/Context"`,
    `import * as Effect from "effect/Effect"`,
    `import * as Layer from "effect/Layer"`,
    ...(body.includes("Schema.") ? [`import * as Schema from "effect/Schema"`] : []),
    ...(streams ? [`import * as Stream from "effect/Stream"`] : []),
    ...(usesFile(body) ? [`import * as ClerkFile from "../ClerkFile.js"`] : []),
    `import { ClerkClient } from "../ClerkClient.js"`,
    `import type * as ClerkError from "../ClerkError.js"`,
    `import type * as ClerkOperation from "../ClerkOperation.js"`,
    `import * as Operation from "../internal/operation.js"`,
    ...(streams ? [`import * as Paginate from "../internal/paginate.js"`] : []),
    ...refs.map((ref) =>
      scope.local(ref) === schemaName(ref)
        ? `import { ${schemaName(ref)} } from "./schemas/${schemaName(ref)}.js"`
        : `import { ${schemaName(ref)} as ${scope.local(ref)} } from "./schemas/${schemaName(ref)}.js"`
    )
  ]
}

export const serviceFile = (model: Model, service: Service): File => {
  const scope = scopeOf(service)
  // streams of the lists that page with limit/offset (streams.ts)
  const streams = streamSections(model, service, new Set([...scope.own, ...service.operations.map((op) => op.method)]))
  const body = [
    ...service.operations.flatMap((op) => operationSchemas(scope, op)),
    ...service.operations.map(errorDeclaration),
    tagDeclaration(service),
    serviceInterface(scope),
    operationsTable(model, scope),
    makeDeclaration(service),
    layerDeclaration(service),
    ...service.operations.map((op) => accessor(scope, op)),
    ...reservedExports(service),
    ...streams
  ].join("\n")
  const content = [
    header(model, `${service.tag}${service.description ? `: ${service.description}` : ""}`),
    ...imports(scope, body, streams.length > 0),
    "",
    ...componentExports([...service.refs].sort().map(scope.local)),
    scope.sub(body)
  ].join("\n")
  return { path: `${service.name}.ts`, content }
}
