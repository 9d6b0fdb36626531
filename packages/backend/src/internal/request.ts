/**
 * The request of a call: its path parameters checked and put into the path template, its query and
 * body encoded by the operation's schemas (an upload's body by multipart.ts). Bad input is an
 * `InvalidInput`, and nothing is sent.
 *
 * @internal
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpMethod from "@effect/platform/HttpMethod"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import * as ClerkError from "../ClerkError.js"
import * as Multipart from "./multipart.js"

/** A query value as it goes on the URL; arrays repeat the key (`style: form`, `explode: true`). */
export type QueryValue = string | number | boolean | ReadonlyArray<string | number | boolean> | null | undefined

type Encoder = (input: unknown) => Either.Either<unknown, ParseResult.ParseIssue>

/** What building the requests of an operation needs from its spec. */
export interface RequestSpec {
  readonly name: string
  readonly method: HttpMethod.HttpMethod
  readonly path: string
  readonly pathSchema?: Schema.Schema<any, any> | undefined
  readonly query?: Schema.Schema<any, any> | undefined
  readonly queryCsv?: ReadonlyArray<string> | undefined
  readonly body?: Schema.Schema<any, any> | undefined
  readonly multipart?: boolean | undefined
  readonly optionalBody?: boolean | undefined
}

/** The same, compiled once per operation: the template split, the encoders made. */
export interface RequestPlan {
  readonly name: string
  readonly method: HttpMethod.HttpMethod
  /** The path template split at its parameters: text, name, text, name, ..., text. */
  readonly pathParts: ReadonlyArray<string>
  readonly encodePath: Encoder | undefined
  readonly encodeQuery: Encoder | undefined
  /** Array query parameters sent comma-separated (`style: form`, `explode: false`). */
  readonly queryCsv: ReadonlySet<string>
  readonly encodeBody: Encoder | undefined
  readonly optionalBody: boolean
  readonly multipart: boolean
  /** Reads upload files given as a path. */
  readonly fileSystem: Option.Option<FileSystem.FileSystem>
}

export interface RequestInput {
  readonly path?: { readonly [name: string]: string } | undefined
  readonly query?: unknown
  readonly body?: unknown
}

/** Inputs reject keys the spec does not declare. */
const encodeOptions = { errors: "all", onExcessProperty: "error" } as const

const encoder = (schema: Schema.Schema<any, any> | undefined): Encoder | undefined =>
  schema ? ParseResult.encodeUnknownEither(schema, encodeOptions) : undefined

export const compile = (spec: RequestSpec, fileSystem: Option.Option<FileSystem.FileSystem>): RequestPlan => ({
  name: spec.name,
  method: spec.method,
  pathParts: spec.path.split(/\{([^}]+)\}/),
  encodePath: encoder(spec.pathSchema),
  encodeQuery: encoder(spec.query),
  queryCsv: new Set(spec.queryCsv ?? []),
  encodeBody: encoder(spec.body),
  optionalBody: spec.optionalBody === true,
  multipart: spec.multipart === true,
  fileSystem
})

const invalid = (plan: RequestPlan, location: "body" | "query" | "path", description: string) =>
  Either.left(new ClerkError.InvalidInput({ operation: plan.name, location, description }))

/** The request (its URL relative to the base URL), or why the input cannot be sent. */
export const build = (
  plan: RequestPlan,
  input: RequestInput
): Effect.Effect<HttpClientRequest.HttpClientRequest, ClerkError.InvalidInput> => {
  const parts = plan.pathParts
  let url = parts[0]!
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!
    const value: unknown = input.path?.[name]
    if (typeof value !== "string" || value.length === 0) {
      return invalid(plan, "path", `${name} must be a non-empty string`)
    }
    // Encoding leaves dots alone, and the URL parser resolves a "." or ".." segment: the request
    // would reach another endpoint (`ActorTokens.revoke("..")` as `POST /v1/revoke`).
    if (value === "." || value === "..") {
      return invalid(plan, "path", `${name} must not be "." or ".." (it would change the request's path)`)
    }
    const encoded = encodePathSegment(value)
    if (encoded === undefined) {
      return invalid(plan, "path", `${name} is not well-formed Unicode (it holds a lone surrogate)`)
    }
    url += encoded + parts[i + 1]!
  }
  if (plan.encodePath) {
    const checked = plan.encodePath(input.path)
    if (Either.isLeft(checked)) return invalid(plan, "path", ParseResult.TreeFormatter.formatIssueSync(checked.left))
  }
  let request = HttpClientRequest.make(plan.method)(url)
  if (plan.encodeQuery && input.query !== undefined) {
    const encoded = plan.encodeQuery(input.query)
    if (Either.isLeft(encoded)) return invalid(plan, "query", ParseResult.TreeFormatter.formatIssueSync(encoded.left))
    request = HttpClientRequest.setUrlParams(
      request,
      queryParams(encoded.right as { readonly [key: string]: QueryValue }, plan.queryCsv)
    )
  }
  if (plan.encodeBody && !(input.body === undefined && plan.optionalBody)) {
    const encoded = plan.encodeBody(input.body)
    if (Either.isLeft(encoded)) return invalid(plan, "body", ParseResult.TreeFormatter.formatIssueSync(encoded.left))
    if (plan.multipart) {
      const withBody = request
      return Effect.map(Multipart.formData(plan.fileSystem, plan.name, encoded.right), (form) =>
        HttpClientRequest.bodyUint8Array(withBody, form.bytes, form.contentType)
      )
    }
    request = HttpClientRequest.bodyUnsafeJson(request, encoded.right)
  }
  return Either.right(request)
}

/** `encodeURIComponent`, which throws on a lone surrogate: then `undefined`. */
const encodePathSegment = (value: string): string | undefined => {
  try {
    return encodeURIComponent(value)
  } catch {
    return undefined
  }
}

const queryParams = (
  encoded: { readonly [key: string]: QueryValue },
  csv: ReadonlySet<string>
): Array<[string, string]> => {
  const params: Array<[string, string]> = []
  for (const key of Object.keys(encoded)) {
    const value = encoded[key]
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) {
      if (csv.has(key)) params.push([key, value.map(String).join(",")])
      else for (const item of value) params.push([key, String(item)])
    } else {
      params.push([key, String(value)])
    }
  }
  return params
}
