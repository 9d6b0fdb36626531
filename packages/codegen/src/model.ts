/**
 * The spec turned into the model the emitters print: services, operations, their inputs, their
 * success schema and their documented errors.
 */
import * as ClerkError from "@effect-clerk/backend/ClerkError"
import type * as ClerkOperation from "@effect-clerk/backend/ClerkOperation"
import { lowerCamel, pascal, serviceName, trimServiceNoun } from "./names.js"
import { rateLimitOf } from "./rateLimits.js"
import { convert, discriminatorsOf, type Emitted, type Mode } from "./schema.js"
import {
  type LoadedSpec,
  METHODS,
  type Operation as SpecOperation,
  type Parameter,
  refName,
  type Response,
  type SchemaObject
} from "./spec.js"

/**
 * The class of a 4xx status (its `_tag`, the name the generated error types print), read from the
 * runtime's own table, `ClerkError.statusClasses`; `undefined` for a status without one.
 */
export const statusClass = (status: number): string | undefined =>
  (ClerkError.statusClasses as Partial<Record<number, { readonly _tag: string }>>)[status]?._tag
/** The statuses any call can meet (`ClerkError.Always`): no operation lists them among its own. */
const ALWAYS: ReadonlySet<number> = new Set(ClerkError.alwaysStatuses)

export interface PathParam {
  readonly name: string
  readonly arg: string
  readonly description: string | undefined
  readonly schema: SchemaObject
  /** The argument's type and schema (request rules: enums closed, patterns checked). */
  readonly emitted: Emitted
}

export interface Input {
  /** The exported type/schema name (`CreateBody`, `ListParams`), or a component's name. */
  readonly typeName: string
  /** Emitted inline (declared in the group module) or a component reference. */
  readonly inline: Emitted | undefined
  readonly schema: SchemaObject
  readonly required: boolean
}

export interface Operation {
  readonly operationId: string
  readonly service: string
  readonly tag: string
  readonly method: string
  readonly httpMethod: string
  readonly path: string
  readonly summary: string | undefined
  readonly description: string | undefined
  readonly deprecated: boolean
  readonly pathParams: ReadonlyArray<PathParam>
  readonly query:
    (Input & { readonly csv: ReadonlyArray<string>; readonly parameters: ReadonlyArray<Parameter> }) | undefined
  readonly body: (Input & { readonly multipart: boolean }) | undefined
  /** The 2xx body; `undefined` when the operation answers with no content. */
  readonly success:
    | (Emitted & { readonly schema: SchemaObject; readonly status: number; readonly named: string | undefined })
    | undefined
  readonly successStatus: number
  /** The envelope answered with `paginated: true` (declared as `named`), for the operations that offer it. */
  readonly paginated: (Emitted & { readonly named: string }) | undefined
  /** Documented statuses with a class of their own (not 401, 429, 5xx), ascending. */
  readonly errors: ReadonlyArray<number>
  /** How Clerk's rate limit counts it, when not as the rule (rateLimits.ts). */
  readonly rateLimit: ClerkOperation.RateLimit | undefined
  /** Every documented status, for the docs. */
  readonly documented: ReadonlyArray<number>
  /** Component schemas this operation refers to directly. */
  readonly refs: ReadonlySet<string>
}

export interface Service {
  readonly name: string
  readonly tag: string
  readonly description: string | undefined
  readonly operations: ReadonlyArray<Operation>
  readonly refs: ReadonlySet<string>
}

export interface Model {
  readonly spec: LoadedSpec
  readonly services: ReadonlyArray<Service>
  readonly operations: ReadonlyArray<Operation>
  /** Component schema name -> the mode it is emitted in (request if any request uses it). */
  readonly componentModes: ReadonlyMap<string, Mode>
  readonly discriminators: ReadonlySet<string>
}

const schemaRefs = (node: unknown, out: Set<string> = new Set()): Set<string> => {
  if (Array.isArray(node)) node.forEach((item) => schemaRefs(item, out))
  else if (node !== null && typeof node === "object") {
    const ref = (node as { $ref?: unknown }).$ref
    if (typeof ref === "string" && ref.startsWith("#/components/schemas/")) out.add(refName(ref))
    for (const value of Object.values(node)) schemaRefs(value, out)
  }
  return out
}

export const build = (spec: LoadedSpec): Model => {
  const { document } = spec
  const raw: Array<{ path: string; httpMethod: string; op: SpecOperation; shared: ReadonlyArray<Parameter> }> = []
  for (const [path, item] of Object.entries(document.paths)) {
    const shared = (item["parameters"] as ReadonlyArray<Parameter> | undefined) ?? []
    for (const method of METHODS) {
      const op = item[method] as SpecOperation | undefined
      if (op) raw.push({ path, httpMethod: method.toUpperCase(), op, shared })
    }
  }

  // Which components requests use (closed, strict) and which discriminate unions.
  const graph = new Map(Object.entries(document.components.schemas).map(([name, s]) => [name, schemaRefs(s)]))
  const requestUsed = new Set<string>()
  const close = (names: Iterable<string>) => {
    const queue = [...names]
    while (queue.length > 0) {
      const name = queue.pop()!
      if (requestUsed.has(name)) continue
      requestUsed.add(name)
      queue.push(...(graph.get(name) ?? []))
    }
  }
  for (const { op, shared } of raw) {
    close(schemaRefs(op.requestBody))
    close(schemaRefs([...shared, ...(op.parameters ?? [])]))
  }
  const componentModes = new Map<string, Mode>(
    Object.keys(document.components.schemas).map((name) => [name, requestUsed.has(name) ? "request" : "response"])
  )
  const discriminators = discriminatorsOf(document)

  // Method names: the override when unique in the service, else lowerCamel(operationId).
  const byService = new Map<string, Array<(typeof raw)[number]>>()
  for (const entry of raw) {
    const tag = entry.op.tags[0]!
    const list = byService.get(tag) ?? []
    list.push(entry)
    byService.set(tag, list)
  }

  const operations: Array<Operation> = []
  const services: Array<Service> = []
  for (const [tag, entries] of byService) {
    const overrides = entries.map((entry) => entry.op["x-speakeasy-name-override"])
    const first = entries.map((entry) => {
      const override = entry.op["x-speakeasy-name-override"]
      const unique = override !== undefined && overrides.filter((name) => name === override).length === 1
      return unique ? override : lowerCamel(entry.op.operationId)
    })
    // A method does not repeat its service's noun when the shorter name stays unique (names.ts).
    const trimmed = first.map((method) => trimServiceNoun(serviceName(tag), method))
    const candidates = first.map((method, i) => trimmed[i] ?? method)
    const serviceOps = entries.map((entry, i) => {
      const short = trimmed[i]
      const method = short !== undefined && candidates.filter((name) => name === short).length === 1 ? short : first[i]!
      return operation(spec, tag, method, entry.path, entry.httpMethod, entry.op, entry.shared)
    })
    const names = serviceOps.map((op) => op.method)
    const duplicate = names.find((name, i) => names.indexOf(name) !== i)
    if (duplicate) throw new Error(`${tag}: two operations are named ${duplicate}`)
    const refs = new Set(serviceOps.flatMap((op) => [...op.refs]))
    services.push({
      name: serviceName(tag),
      tag,
      description: document.tags?.find((t) => t.name === tag)?.description,
      operations: serviceOps,
      refs
    })
    operations.push(...serviceOps)
  }
  services.sort((a, b) => a.name.localeCompare(b.name))
  return { spec, services, operations, componentModes, discriminators }
}

const operation = (
  spec: LoadedSpec,
  tag: string,
  method: string,
  path: string,
  httpMethod: string,
  op: SpecOperation,
  shared: ReadonlyArray<Parameter>
): Operation => {
  const refs = new Set<string>()
  const ctx = (mode: Mode) => ({ spec, mode, refs, discriminators: new Set<string>() })
  const parameters = [...shared, ...(op.parameters ?? [])].map((p) => spec.deref(p))
  const Method = pascal(method)

  const pathParams = parameters
    .filter((p) => p.in === "path")
    .map((p) => ({
      name: p.name,
      arg: lowerCamel(p.name),
      description: p.description,
      schema: p.schema,
      emitted: convert(p.schema, ctx("request"))
    }))
  const templateParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)
  if (templateParams.join() !== pathParams.map((p) => p.name).join()) {
    // keep the template's order
    pathParams.sort((a, b) => templateParams.indexOf(a.name) - templateParams.indexOf(b.name))
    if (templateParams.join() !== pathParams.map((p) => p.name).join()) {
      throw new Error(`${op.operationId}: path parameters do not match ${path}`)
    }
  }

  const queryParams = parameters.filter((p) => p.in === "query")
  let query: Operation["query"]
  if (queryParams.length > 0) {
    const schema: SchemaObject = {
      type: "object",
      additionalProperties: false,
      properties: Object.fromEntries(
        queryParams.map((p) => [
          p.name,
          {
            ...p.schema,
            ...(p.description ? { description: p.description } : {}),
            ...(p.deprecated ? { deprecated: true } : {})
          }
        ])
      ),
      required: queryParams.filter((p) => p.required).map((p) => p.name)
    }
    query = {
      typeName: `${Method}Params`,
      inline: convert(schema, ctx("request")),
      schema,
      required: queryParams.some((p) => p.required),
      csv: queryParams.filter((p) => p.schema.type === "array" && p.explode === false).map((p) => p.name),
      parameters: queryParams
    }
  }

  let body: Operation["body"]
  if (op.requestBody) {
    const [contentType, media] = Object.entries(op.requestBody.content)[0]!
    const schema = media.schema ?? {}
    const resolved = spec.deref(schema)
    const inline = schema.$ref ? undefined : convert(schema, ctx("request"))
    if (schema.$ref) convert(schema, ctx("request"))
    body = {
      typeName: schema.$ref ? pascal(refName(schema.$ref)) : `${Method}Body`,
      inline,
      schema,
      // A body whose schema requires properties cannot be left out, whatever `required` says.
      required: op.requestBody.required === true || (resolved.required?.length ?? 0) > 0,
      multipart: contentType === "multipart/form-data"
    }
  }

  const statuses = Object.keys(op.responses)
    .map(Number)
    .sort((a, b) => a - b)
  const successStatus = statuses.find((s) => s >= 200 && s < 300)
  if (successStatus === undefined) throw new Error(`${op.operationId}: no 2xx response`)
  const okResponse = spec.deref<Response>(op.responses[String(successStatus)]!)
  const okSchema = okResponse.content?.["application/json"]?.schema
  let success: Operation["success"]
  if (okSchema) {
    const emitted = convert(okSchema, ctx("response"))
    success = {
      ...emitted,
      schema: okSchema,
      status: successStatus,
      named: okSchema.$ref ? undefined : `${Method}Response`
    }
  }
  // `paginated: true` answers an envelope the spec does not document (overrides.ts, paginated-envelope).
  const envelope = (op as { readonly "x-paginated-envelope"?: SchemaObject })["x-paginated-envelope"]
  const paginated: Operation["paginated"] = envelope
    ? { ...convert(envelope, ctx("response")), named: `${Method}Page` }
    : undefined
  const errors = statuses.filter((s) => s >= 400 && s < 500 && !ALWAYS.has(s))
  for (const status of errors) {
    if (!statusClass(status)) throw new Error(`${op.operationId}: no error class for status ${status}`)
  }
  for (const status of statuses) {
    if (status >= 300 && status < 400) throw new Error(`${op.operationId}: 3xx responses are not supported`)
  }

  return {
    operationId: op.operationId,
    service: serviceName(tag),
    tag,
    method,
    httpMethod,
    path,
    summary: op.summary,
    description: op.description,
    deprecated: op.deprecated === true,
    pathParams,
    query,
    body,
    success,
    paginated,
    successStatus,
    errors,
    rateLimit: rateLimitOf(op),
    documented: statuses,
    refs
  }
}
