/**
 * Validates response bodies against Clerk's Backend API spec (OpenAPI 3.0.3) with ajv (draft-07).
 *
 * The OpenAPI 3.0 schema dialect is converted to JSON Schema first:
 * - `nullable: true` → `type: [T, "null"]` (plus `null` in `enum`); when the schema has no `type` or
 *   combines `$ref`/`oneOf`/`anyOf`/`allOf`, it becomes `anyOf: [{ type: "null" }, <schema>]`.
 * - boolean `exclusiveMinimum`/`exclusiveMaximum` (draft-04 style) → numeric draft-07 form.
 * - `$ref: "#/components/..."` → `"openapi.json#/components/..."`: all components are registered once
 *   as one ajv schema with that `$id`; `#/components/responses/X` refs are resolved here.
 * - `discriminator`: its `mapping` is dropped and ajv's `discriminator: true` is tried; if ajv rejects
 *   the shape, the operation falls back to a second ajv instance that ignores `discriminator`
 *   (plain `oneOf` semantics).
 * - `example`, `x-*`, `xml`, `externalDocs`, `deprecated`, `readOnly`, `writeOnly` are dropped;
 *   formats are not validated (`ajv-formats` is not resolvable from packages/backend), ajv runs with
 *   `strict: false`.
 *
 */
import { readFileSync } from "node:fs"
import { Ajv } from "ajv"
import type { ErrorObject, ValidateFunction } from "ajv"
import { parse as parseYaml } from "yaml"
import { specPath } from "./Prism.js"

export type ValidationResult = { readonly valid: true } | { readonly valid: false; readonly errors: string }

export interface Operation {
  readonly operationId: string
  /** Lower-case: get, post, put, patch, delete, ... */
  readonly method: string
  /** Spec path, e.g. `/users/{user_id}` (without the `/v1` server prefix, as Prism serves it). */
  readonly path: string
  readonly tags: ReadonlyArray<string>
  readonly deprecated: boolean
  /** `security: []` on the operation: no bearer token needed. */
  readonly public: boolean
  /** Declared response statuses, e.g. `["200", "400", "4XX", "default"]`. */
  readonly statuses: ReadonlyArray<string>
  /** The raw (unconverted) OpenAPI operation object. */
  readonly raw: Readonly<Record<string, unknown>>
}

export interface SpecValidator {
  readonly operations: () => ReadonlyArray<Operation>
  readonly operation: (operationId: string) => Operation | undefined
  /**
   * Validates a (parsed JSON) response body for an operation's status. Looks up the exact status, then
   * `4XX`-style ranges, then `default`. A response declared without content requires an empty body
   * (`undefined`, `null` or `""`). Unknown operation or undeclared status → invalid.
   */
  readonly validateResponse: (operationId: string, status: number, body: unknown) => ValidationResult
}

type Json = Record<string, unknown>

const isObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

const SPEC_ID = "openapi.json"
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
const DROPPED = new Set(["example", "examples", "xml", "externalDocs", "deprecated", "readOnly", "writeOnly"])

/** OpenAPI 3.0 schema object → draft-07 JSON Schema (see the module comment). */
const convertSchema = (schema: unknown, withDiscriminator: boolean): unknown => {
  if (!isObject(schema)) return schema
  const out: Json = {}
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key) || key.startsWith("x-") || key === "nullable") continue
    switch (key) {
      case "$ref":
        out[key] = typeof value === "string" && value.startsWith("#/") ? `${SPEC_ID}${value}` : value
        break
      case "properties":
      case "patternProperties":
      case "definitions":
        out[key] = isObject(value)
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertSchema(v, withDiscriminator)]))
          : value
        break
      case "items":
        out[key] = Array.isArray(value)
          ? value.map((v) => convertSchema(v, withDiscriminator))
          : convertSchema(value, withDiscriminator)
        break
      case "additionalProperties":
      case "not":
      case "propertyNames":
      case "contains":
      case "if":
      case "then":
      case "else":
        out[key] = convertSchema(value, withDiscriminator)
        break
      case "allOf":
      case "anyOf":
      case "oneOf":
        out[key] = Array.isArray(value) ? value.map((v) => convertSchema(v, withDiscriminator)) : value
        break
      case "discriminator":
        if (withDiscriminator && isObject(value)) out[key] = { propertyName: value["propertyName"] }
        break
      default:
        out[key] = value
    }
  }
  for (const bound of ["Minimum", "Maximum"] as const) {
    const exclusive = out[`exclusive${bound}`]
    const limit = out[bound.toLowerCase()]
    if (exclusive === true && typeof limit === "number") {
      out[`exclusive${bound}`] = limit
      delete out[bound.toLowerCase()]
    } else if (typeof exclusive === "boolean") delete out[`exclusive${bound}`]
  }
  if (schema["nullable"] === true) {
    const composite = "$ref" in out || "oneOf" in out || "anyOf" in out || "allOf" in out
    if (typeof out["type"] === "string" && !composite) {
      out["type"] = [out["type"], "null"]
      if (Array.isArray(out["enum"]) && !out["enum"].includes(null)) out["enum"] = [...out["enum"], null]
      return out
    }
    return { anyOf: [{ type: "null" }, out] }
  }
  return out
}

const resolveRef = (spec: Json, value: unknown): unknown => {
  let current = value
  for (let depth = 0; isObject(current) && typeof current["$ref"] === "string" && depth < 20; depth++) {
    const ref = current["$ref"] as string
    if (!ref.startsWith("#/")) throw new Error(`SpecValidator: unsupported $ref ${ref}`)
    current = ref
      .slice(2)
      .split("/")
      .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>((node, segment) => (isObject(node) ? node[segment] : undefined), spec)
    if (current === undefined) throw new Error(`SpecValidator: dangling $ref ${ref}`)
  }
  return current
}

const formatErrors = (errors: ReadonlyArray<ErrorObject> | null | undefined): string =>
  (errors ?? [])
    .map((e) => {
      const where = e.instancePath === "" ? "body" : `body${e.instancePath}`
      const params =
        e.keyword === "required"
          ? ""
          : e.keyword === "additionalProperties"
            ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})`
            : e.keyword === "enum"
              ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})`
              : ""
      return `${where} ${e.message ?? e.keyword}${params} [${e.schemaPath}]`
    })
    .join("\n")

const pickMedia = (content: Json): unknown => {
  const types = Object.keys(content)
  const json = types.find((t) => t === "application/json") ?? types.find((t) => /json/i.test(t)) ?? types[0]
  return json === undefined ? undefined : content[json]
}

export const make = (path: string = specPath()): SpecValidator => {
  const spec = parseYaml(readFileSync(path, "utf8")) as Json
  const components = isObject(spec["components"]) ? spec["components"] : {}
  const paths = isObject(spec["paths"]) ? spec["paths"] : {}
  const globalSecurity = spec["security"]

  const operations: Array<Operation> = []
  const byId = new Map<string, Operation>()
  for (const [route, item] of Object.entries(paths)) {
    if (!isObject(item)) continue
    for (const method of METHODS) {
      const raw = item[method]
      if (!isObject(raw) || typeof raw["operationId"] !== "string") continue
      const responses = isObject(raw["responses"]) ? raw["responses"] : {}
      const security = raw["security"] ?? globalSecurity
      const operation: Operation = {
        operationId: raw["operationId"],
        method,
        path: route,
        tags: Array.isArray(raw["tags"]) ? (raw["tags"] as Array<string>) : [],
        deprecated: raw["deprecated"] === true,
        public: Array.isArray(security) && security.length === 0,
        statuses: Object.keys(responses),
        raw
      }
      operations.push(operation)
      byId.set(operation.operationId, operation)
    }
  }

  // Two ajv instances: with discriminator support, and a fallback without it.
  const instances = [true, false].map((withDiscriminator) => {
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateFormats: false,
      validateSchema: false,
      discriminator: withDiscriminator,
      logger: false
    })
    const converted: Json = {}
    for (const [section, entries] of Object.entries(components)) {
      converted[section] =
        section === "schemas" && isObject(entries)
          ? Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, convertSchema(v, withDiscriminator)]))
          : entries
    }
    ajv.addSchema({ $id: SPEC_ID, components: converted })
    return { ajv, withDiscriminator }
  })

  const cache = new Map<string, ValidateFunction | "no-schema" | "no-content">()

  const compile = (operation: Operation, statusKey: string): ValidateFunction | "no-schema" | "no-content" => {
    const cacheKey = `${operation.operationId} ${statusKey}`
    const cached = cache.get(cacheKey)
    if (cached !== undefined) return cached
    const responses = operation.raw["responses"] as Json
    const response = resolveRef(spec, responses[statusKey])
    let result: ValidateFunction | "no-schema" | "no-content"
    if (!isObject(response) || !isObject(response["content"]) || Object.keys(response["content"]).length === 0) {
      result = "no-content"
    } else {
      const media = resolveRef(spec, pickMedia(response["content"]))
      const schema = isObject(media) ? media["schema"] : undefined
      if (schema === undefined) result = "no-schema"
      else {
        let lastError: unknown
        let compiled: ValidateFunction | undefined
        for (const { ajv, withDiscriminator } of instances) {
          try {
            compiled = ajv.compile(convertSchema(schema, withDiscriminator) as Json)
            break
          } catch (error) {
            lastError = error
          }
        }
        if (compiled === undefined) {
          throw new Error(`SpecValidator: cannot compile ${cacheKey}: ${String(lastError)}`, { cause: lastError })
        }
        result = compiled
      }
    }
    cache.set(cacheKey, result)
    return result
  }

  const statusKeyFor = (operation: Operation, status: number): string | undefined => {
    const exact = String(status)
    const range = `${exact[0]}XX`
    return (
      operation.statuses.find((s) => s === exact) ??
      operation.statuses.find((s) => s.toUpperCase() === range) ??
      operation.statuses.find((s) => s === "default")
    )
  }

  const validateResponse = (operationId: string, status: number, body: unknown): ValidationResult => {
    const operation = byId.get(operationId)
    if (operation === undefined) return { valid: false, errors: `unknown operationId ${operationId}` }
    const statusKey = statusKeyFor(operation, status)
    if (statusKey === undefined) {
      return {
        valid: false,
        errors: `${operationId} declares no response for status ${status} (declared: ${operation.statuses.join(", ")})`
      }
    }
    const validate = compile(operation, statusKey)
    if (validate === "no-schema") return { valid: true }
    if (validate === "no-content") {
      return body === undefined || body === null || body === ""
        ? { valid: true }
        : { valid: false, errors: `${operationId} ${statusKey} declares no content but a body was returned` }
    }
    return validate(body) ? { valid: true } : { valid: false, errors: formatErrors(validate.errors) }
  }

  return {
    operations: () => operations,
    operation: (operationId) => byId.get(operationId),
    validateResponse
  }
}
