/**
 * Loading Clerk's OpenAPI document: a real YAML parser (`yaml`), `$ref` resolution through
 * `@apidevtools/json-schema-ref-parser`, and the named overrides for the spec's own defects.
 */
import $RefParser from "@apidevtools/json-schema-ref-parser"
import { readFileSync } from "node:fs"
import { parse } from "yaml"
import { applyOverrides } from "./overrides.js"

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

export const METHODS = ["get", "post", "put", "patch", "delete"] as const

export interface LoadedSpec {
  readonly document: Document
  /** Follows a local `$ref` (`#/components/...`) to its target. */
  readonly resolve: <A>(ref: string) => A
  /** The target of a `$ref`, or the object itself. */
  readonly deref: <A extends { readonly $ref?: string }>(value: A) => A
  /** The file name, for the headers of generated files. */
  readonly fileName: string
}

export const load = async (path: string, options: { readonly wire?: boolean } = {}): Promise<LoadedSpec> => {
  const document = applyOverrides(parse(readFileSync(path, "utf8")) as Document, options)
  // The parser checks that every $ref resolves; `get` then follows them.
  const refs = await $RefParser.resolve(structuredClone(document) as never)
  const resolve = <A>(ref: string): A => {
    if (!ref.startsWith("#/")) throw new Error(`only local $refs are supported: ${ref}`)
    return refs.get(ref) as A
  }
  const deref = <A extends { readonly $ref?: string }>(value: A): A =>
    value.$ref ? deref(resolve<A>(value.$ref)) : value
  return { document, resolve, deref, fileName: path.split("/").pop()! }
}

export const refName = (ref: string): string => ref.slice(ref.lastIndexOf("/") + 1)
