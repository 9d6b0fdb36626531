import type * as ClerkOperation from "@effect-clerk/backend/ClerkOperation"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import * as ApiError from "../ApiError.js"
import * as Metadata from "./metadata.js"
import { fromSearchParams } from "./query.js"

// bulk operations (`Invitations.bulkCreate`) take a JSON array
const acceptsArray = (ast: SchemaAST.AST): boolean =>
  ast._tag === "TupleType" ||
  ((ast._tag === "Refinement" || ast._tag === "Transformation") && acceptsArray(ast.from)) ||
  (ast._tag === "Suspend" && acceptsArray(ast.f()))

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const paramName = (path: ReadonlyArray<PropertyKey>): string => path.map(String).join(".")

/**
 * The status of a request that breaks the operation's schema: 422, as Clerk answers, unless the
 * operation documents 400 and not 422. Those are mostly the machine-auth endpoints (`APIKeys.*`,
 * `M2MTokens.*`, `OAuthAccessTokens.verify`), whose spec documents a 400 "Invalid
 * 'url_parameter.example': Failed regex check" for a bad request; answering 422 there would be a
 * status the operation does not document (an `UnexpectedResponse` to the SDK).
 *
 * @internal
 */
export const invalidStatus = (operation: ClerkOperation.Any): 400 | 422 => {
  const errors: ReadonlyArray<number> = operation.errors
  return errors.includes(400) && !errors.includes(422) ? 400 : 422
}

/**
 * Maps a Schema parse error to Clerk's error items (status 422, or `status`): a missing key is
 * `form_param_missing`, a key the schema does not declare is `form_param_unknown`, anything else is
 * `form_param_format_invalid`. Each item carries `meta.param_name` (nested keys are joined with `.`).
 *
 * @internal
 */
export const fromParseError = (error: ParseResult.ParseError, status: 400 | 422 = 422): ApiError.ApiError => {
  const seen = new Set<string>()
  const items: Array<ApiError.ClerkErrorItem> = []
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const name = paramName(issue.path) || "body"
    const item =
      issue._tag === "Missing"
        ? ApiError.paramMissingItem(name)
        : issue._tag === "Unexpected"
          ? ApiError.paramUnknownItem(name)
          : ApiError.paramFormatInvalidItem(name)
    const key = `${item.code}:${name}`
    if (!seen.has(key)) {
      seen.add(key)
      items.push(item)
    }
  }
  return new ApiError.ApiError({ status, errors: items })
}

/**
 * Validates a JSON body with `schema`, rejecting keys the schema does not declare. A body that is
 * not a JSON object is a 400 `malformed_request_body`; a body that breaks the schema is a 422 (or
 * `status`, see {@link invalidStatus}) with one item per problem (see {@link fromParseError}).
 *
 * @internal
 */
export const validateBody = <A, I>(
  schema: Schema.Schema<A, I, never>,
  body: unknown,
  status: 400 | 422 = 422
): Effect.Effect<A, ApiError.ApiError> => {
  if (!isPlainObject(body) && !(Array.isArray(body) && acceptsArray(schema.ast))) {
    return Effect.fail(ApiError.malformedBody("The request body must be a JSON object."))
  }
  return Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "error" })(body).pipe(
    Effect.mapError((error) => fromParseError(error, status))
  )
}

/**
 * A body read as JSON: `undefined` when empty, 400 `malformed_request_body` when it is not JSON.
 *
 * @internal
 */
export const readJson = (request: Request): Effect.Effect<unknown, ApiError.ApiError> =>
  Effect.tryPromise({
    try: () => request.text(),
    catch: () => ApiError.malformedBody("The request body could not be read.")
  }).pipe(
    Effect.flatMap((text) =>
      text.trim() === ""
        ? Effect.succeed(undefined)
        : Effect.try({
            try: (): unknown => JSON.parse(text),
            catch: () => ApiError.malformedBody("The request body is not valid JSON.")
          })
    )
  )

/**
 * A `multipart/form-data` body as an object: each field once (a repeated one as an array), files as
 * `File`s (the generated `ClerkFile` schema takes a `Blob`), other values as strings. Anything that
 * is not a multipart form is a 400 `malformed_request_body`.
 */
const readForm = (request: Request): Effect.Effect<Record<string, unknown>, ApiError.ApiError> =>
  (request.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")
    ? Effect.tryPromise({
        try: async () => {
          const out: Record<string, unknown> = {}
          for (const [key, value] of await request.formData()) {
            const before = out[key]
            out[key] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value]
          }
          return out
        },
        catch: () => ApiError.malformedBody("The request body is not a readable multipart/form-data form.")
      })
    : Effect.fail(ApiError.malformedBody("This operation takes a multipart/form-data body."))

/**
 * The query of a request, decoded with the operation's generated schema (`undefined` for an
 * operation without one). Keys the schema does not declare are dropped, as the API ignores them.
 *
 * @internal
 */
export const query = (operation: ClerkOperation.Any, url: URL): Effect.Effect<unknown, ApiError.ApiError> =>
  operation.query === undefined
    ? Effect.succeed(undefined)
    : Schema.decodeUnknown(operation.query, { errors: "all" })(
        fromSearchParams(operation.query.ast, url.searchParams, new Set(operation.queryCsv ?? []))
      ).pipe(Effect.mapError((error) => fromParseError(error, invalidStatus(operation))))

/**
 * The body of a request, decoded with the operation's generated schema: JSON, or a multipart form
 * for an operation whose entry says `multipart` (`undefined` for an operation without a body, or
 * when an optional body was left out). A required body that is absent is
 * validated as `{}`, so that each required key is reported missing.
 *
 * @internal
 */
export const body = (operation: ClerkOperation.Any, request: Request): Effect.Effect<unknown, ApiError.ApiError> => {
  if (operation.multipart === true)
    return Effect.flatMap(readForm(request), (form) => validateBody(operation.body!, form))
  return Effect.flatMap(readJson(request), (raw) => {
    // a body sent to an operation that takes none must still be JSON, but is not handed over
    if (operation.body === undefined) return Effect.succeed(undefined)
    if (raw === undefined && operation.optionalBody === true) return Effect.succeed(undefined)
    return Effect.tap(
      validateBody(operation.body, raw === undefined ? {} : raw, invalidStatus(operation)),
      Metadata.checkBody
    )
  })
}
