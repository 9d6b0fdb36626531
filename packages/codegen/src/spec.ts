/**
 * An OpenAPI 3.0 document as the generator reads it, and its loader: a real YAML parser (`yaml`),
 * then the caller's patch (the named fixes of the spec's defects: overrides.ts for the Backend
 * API, webhookOverrides.ts for the webhook events), then `$ref` resolution through
 * `@apidevtools/json-schema-ref-parser`. The loader knows no spec and no fix: both the Backend API
 * and the webhooks spec are loaded by it.
 */
import $RefParser from "@apidevtools/json-schema-ref-parser"
import { readFileSync } from "node:fs"
import { parse } from "yaml"

export interface SchemaObject {
  readonly $ref?: string
  readonly type?: string
  readonly format?: string
  readonly enum?: ReadonlyArray<string | number | boolean | null>
  readonly nullable?: boolean
  readonly properties?: Record<string, SchemaObject>
  readonly required?: ReadonlyArray<string>
  readonly additionalProperties?: boolean | SchemaObject
  readonly items?: SchemaObject
  readonly allOf?: ReadonlyArray<SchemaObject>
  readonly oneOf?: ReadonlyArray<SchemaObject>
  readonly anyOf?: ReadonlyArray<SchemaObject>
  readonly discriminator?: { readonly propertyName: string; readonly mapping?: Record<string, string> }
  readonly description?: string
  readonly deprecated?: boolean
  readonly minimum?: number
  readonly maximum?: number
  /** OpenAPI 3.0's boolean form: `minimum` itself is excluded. */
  readonly exclusiveMinimum?: boolean
  readonly exclusiveMaximum?: boolean
  readonly minLength?: number
  readonly maxLength?: number
  readonly pattern?: string
  readonly minItems?: number
  readonly maxItems?: number
  readonly uniqueItems?: boolean
  readonly default?: unknown
  readonly example?: unknown
}

export interface Parameter {
  readonly $ref?: string
  readonly name: string
  readonly in: "query" | "path" | "header" | "cookie"
  readonly required?: boolean
  readonly description?: string
  readonly schema: SchemaObject
  readonly style?: string
  readonly explode?: boolean
  readonly deprecated?: boolean
}

export interface MediaType {
  readonly schema?: SchemaObject
}

export interface Response {
  readonly $ref?: string
  readonly description?: string
  readonly content?: Record<string, MediaType>
}

export interface Operation {
  readonly operationId: string
  readonly summary?: string
  readonly description?: string
  readonly deprecated?: boolean
  readonly tags: ReadonlyArray<string>
  readonly parameters?: ReadonlyArray<Parameter>
  readonly requestBody?: { readonly required?: boolean; readonly content: Record<string, MediaType> }
  readonly responses: Record<string, Response>
  readonly "x-speakeasy-name-override"?: string
}

export interface Document {
  readonly openapi: string
  readonly info: { readonly title: string; readonly version: string }
  readonly tags?: ReadonlyArray<{ readonly name: string; readonly description?: string }>
  readonly paths: Record<string, Record<string, unknown>>
  readonly components: {
    readonly schemas: Record<string, SchemaObject>
    readonly responses: Record<string, Response>
    readonly parameters?: Record<string, Parameter>
  }
}

/** Clerk's webhooks spec: an OpenAPI 3.0 document whose `x-webhooks` holds one POST per event type. */
export interface WebhooksDocument {
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

export const METHODS = ["get", "post", "put", "patch", "delete"] as const

/** A document, patched and indexed. */
export interface LoadedSpec<D = Document> {
  readonly document: D
  /** The target of a local `$ref` (`#/components/...`), or the object itself. */
  readonly deref: <A extends { readonly $ref?: string }>(value: A) => A
  /** The file name, for the headers of generated files. */
  readonly fileName: string
}

/**
 * Reads the document at `path`, lets `patch` fix it, checks that every `$ref` of the result
 * resolves (the parser fails otherwise), and indexes it.
 */
export const load = async <D = Document>(
  path: string,
  patch: (document: D) => D = (document) => document
): Promise<LoadedSpec<D>> => {
  const document = patch(parse(readFileSync(path, "utf8")) as D)
  const refs = await $RefParser.resolve(structuredClone(document) as never)
  const deref = <A extends { readonly $ref?: string }>(value: A): A => {
    if (value.$ref === undefined) return value
    if (!value.$ref.startsWith("#/")) throw new Error(`only local $refs are supported: ${value.$ref}`)
    return deref(refs.get(value.$ref) as A)
  }
  return { document, deref, fileName: path.split("/").pop()! }
}

export const refName = (ref: string): string => ref.slice(ref.lastIndexOf("/") + 1)
