/**
 * Contract fixtures: for every operation, spec-valid sample inputs, the request they must produce,
 * a spec-valid sample 2xx body, and the class each documented error status must decode into.
 * The hand-written runners in packages/backend/test read them (contract.test.ts against a mocked
 * HttpClient, prism.test.ts against Prism).
 */
import RandExp from "randexp"
import { type Model, type Operation, statusClass } from "./model.js"
import { alternatives } from "./schema.js"
import type { SchemaObject } from "./spec.js"

/** A file argument, in JSON: the runner turns it into a Blob. */
export const FILE = { $file: "sample.png" } as const

/**
 * A deterministic string matching `pattern` and the length limits (randexp driven by a seeded
 * generator, so the fixtures are the same on every run).
 */
const matching = (schema: SchemaObject & { readonly pattern: string }): string => {
  let seed = 42
  const fits = (value: string) =>
    value.length >= (schema.minLength ?? 0) && value.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY)
  for (let attempt = 0; attempt < 100; attempt++) {
    const generator = new RandExp(schema.pattern)
    generator.max = Math.max(4, schema.minLength ?? 0)
    generator.randInt = (low: number, high: number) => {
      // An LCG's low bits cycle fast: take the high ones.
      seed = (seed * 1103515245 + 12345) % 2147483648
      return low + ((seed >>> 16) % (high - low + 1))
    }
    const value = generator.gen()
    if (fits(value)) return value
  }
  throw new Error(`no sample matches ${schema.pattern} within the length limits`)
}

const sampleString = (schema: SchemaObject, name: string): string => {
  if (schema.pattern !== undefined) return matching({ ...schema, pattern: schema.pattern })
  let value: string
  switch (schema.format) {
    case "email":
      value = "user@example.com"
      break
    case "date-time":
      value = "2026-01-02T03:04:05Z"
      break
    case "date":
      value = "2026-01-02"
      break
    case "uri":
    case "url":
      value = "https://example.com/path"
      break
    default:
      value = /url$/i.test(name) ? "https://example.com/path" : `sample_${name || "value"}`
  }
  if (schema.maxLength !== undefined && value.length > schema.maxLength) value = value.slice(0, schema.maxLength)
  if (schema.minLength !== undefined) value = value.padEnd(schema.minLength, "x")
  return value
}

interface SampleOptions {
  /** How deep in the object tree: optional properties stop being filled in past 4 levels. */
  readonly depth: number
}

export const sample = (model: Model, input: SchemaObject, name: string, options: SampleOptions): unknown => {
  const schema = model.spec.deref(input)
  if (schema.allOf) {
    const merged: Record<string, unknown> = {}
    for (const member of schema.allOf) Object.assign(merged, sample(model, member, name, options) as object)
    if (schema.properties) {
      const { allOf: _allOf, ...own } = schema
      Object.assign(merged, sample(model, own, name, options))
    }
    return merged
  }
  const members = alternatives(schema)
  if (members) return sample(model, members[0]!, name, options)
  if (schema.enum) return schema.enum.find((value) => value !== null)
  switch (schema.type ?? (schema.properties ? "object" : undefined)) {
    case "string":
      return schema.format === "binary" ? FILE : sampleString(schema, name)
    case "integer":
    case "number": {
      const low =
        schema.minimum === undefined
          ? Math.min(1, schema.maximum ?? 1)
          : schema.minimum + (schema.exclusiveMinimum ? 1 : 0)
      return schema.maximum !== undefined ? Math.min(low, schema.maximum - (schema.exclusiveMaximum ? 1 : 0)) : low
    }
    case "boolean":
      return true
    case "array": {
      const count = Math.max(1, schema.minItems ?? 1)
      return Array.from({ length: count }, (_, i) =>
        sample(model, schema.items ?? {}, count > 1 ? `${name}${i}` : name, options)
      )
    }
    case "object": {
      const required = new Set(schema.required ?? [])
      const result: Record<string, unknown> = {}
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        const resolved = model.spec.deref(property)
        const include = required.has(key) || (!resolved.deprecated && !property.deprecated && options.depth < 4)
        if (include) result[key] = sample(model, property, key, { ...options, depth: options.depth + 1 })
      }
      return result
    }
    default:
      return {}
  }
}

export interface Fixture {
  readonly operationId: string
  readonly service: string
  readonly method: string
  /** The spec's path template (`/users/{user_id}`): path parameters are the first `args`, in its order. */
  readonly route: string
  readonly args: ReadonlyArray<unknown>
  readonly request: {
    readonly method: string
    /** Path relative to the base URL, encoded. */
    readonly path: string
    readonly query: ReadonlyArray<readonly [string, string]>
    readonly body?: unknown
    /** Multipart fields: strings, or `FILE` for the file. */
    readonly form?: Record<string, unknown>
  }
  readonly response: { readonly status: number; readonly body?: unknown }
  /** Status -> error `_tag`. */
  readonly errors: Record<string, string>
}

const queryPairs = (op: Operation, params: Record<string, unknown>): Array<readonly [string, string]> => {
  const pairs: Array<readonly [string, string]> = []
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) {
      if (op.query!.csv.includes(key)) pairs.push([key, value.map(String).join(",")])
      else for (const item of value) pairs.push([key, String(item)])
    } else pairs.push([key, String(value)])
  }
  return pairs
}

const fixture = (model: Model, op: Operation): Fixture => {
  const top = { depth: 0 }
  const args: Array<unknown> = op.pathParams.map((p) =>
    p.schema.enum || p.schema.pattern ? sample(model, p.schema, p.name, top) : `${p.name.replace(/_id$/, "")}_sample1`
  )
  let body: unknown
  if (op.body) {
    body = sample(model, op.body.schema, "body", top)
    args.push(body)
  }
  let params: Record<string, unknown> | undefined
  if (op.query) {
    params = sample(model, op.query.schema, "params", top) as Record<string, unknown>
    // The spec documents only the bare list; `paginated: true` answers an envelope it does not
    // describe (overrides.ts, paginated-envelope), so the contract sample asks for the list.
    if (op.paginated) params["paginated"] = false
    args.push(params)
  }
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(String(args[op.pathParams.findIndex((p) => p.name === name)]))
  )
  // Every documented error status, plus the ones any call can meet.
  const errors: Record<string, string> = {}
  for (const status of [...op.documented.filter((s) => s >= 400), 401, 429, 503]) {
    errors[status] = statusClass(status) ?? "ServerError"
  }
  return {
    operationId: op.operationId,
    service: op.service,
    method: op.method,
    route: op.path,
    args,
    request: {
      method: op.httpMethod,
      path,
      query: params ? queryPairs(op, params) : [],
      ...(op.body && !op.body.multipart ? { body } : {}),
      ...(op.body?.multipart ? { form: body as Record<string, unknown> } : {})
    },
    response: {
      status: op.successStatus,
      ...(op.success ? { body: sample(model, op.success.schema, "response", top) } : {})
    },
    errors
  }
}

export const fixturesFile = (model: Model): string =>
  JSON.stringify(
    model.operations.map((op) => fixture(model, op)),
    null,
    1
  )
