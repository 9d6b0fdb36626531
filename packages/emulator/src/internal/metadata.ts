import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"

type Json = Record<string, unknown>

const isObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Clerk's metadata merge (spec `UpdateUserMetadata`, `MergeOrganizationMetadata`): "a deep merge
 * will be performed. Deep means that any nested JSON objects will be merged as well. You can
 * remove metadata keys at any level by setting their value to `null`."
 * Returns a new object; neither input is changed.
 *
 * @internal
 */
export const deepMerge = (target: Json, patch: Json): Json => {
  const out: Json = { ...target }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key]
    else if (isObject(value) && isObject(out[key])) out[key] = deepMerge(out[key], value)
    else out[key] = stripNulls(value)
  }
  return out
}

// a null inside a newly added object deletes nothing, and is not stored either
const stripNulls = (value: unknown): unknown => {
  if (!isObject(value)) return structuredClone(value)
  const out: Json = {}
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = stripNulls(v)
  return out
}

type Metadata = { readonly [key: string]: unknown }

/**
 * Clerk's limit on one metadata object: "Metadata is limited to 8KB maximum" (Clerk docs, guides,
 * "User metadata"; the "Organization metadata" guide says the same), counted here as the bytes of
 * its JSON (UTF-8), 8 × 1024.
 *
 * @internal
 */
export const LIMIT_BYTES = 8 * 1024

/**
 * A metadata value over {@link LIMIT_BYTES}: a 422 `form_param_max_length_exceeded` naming the
 * field. Neither the spec nor Clerk's SDKs (clerk/javascript) state the code Clerk answers with;
 * this is the closest documented Clerk form: the 422 `UnprocessableEntity` the spec lists for every
 * metadata write, with the code Clerk uses for a parameter over its size
 * (`form_param_max_length_exceeded`, clerk/javascript packages/shared/src/types/localization.ts).
 *
 * @internal
 */
export const limited = <A>(name: string, value: A): Effect.Effect<A, ApiError.ApiError> => {
  const bytes = new TextEncoder().encode(JSON.stringify(value) ?? "").length
  return bytes <= LIMIT_BYTES
    ? Effect.succeed(value)
    : Effect.fail(
        ApiError.unprocessable({
          message: "is too large",
          long_message: `${name} is ${bytes} bytes; metadata is limited to 8KB (${LIMIT_BYTES} bytes).`,
          code: "form_param_max_length_exceeded",
          meta: { param_name: name }
        })
      )
}

/**
 * Checks every metadata field of a decoded request body (a key ending in `_metadata`, in the body
 * or in each entry of a bulk body) against {@link LIMIT_BYTES}: a rule of the router, so that every
 * write of metadata (create, update, merge, replace, invitations, memberships) is held to it.
 *
 * @internal
 */
export const checkBody = (body: unknown): Effect.Effect<void, ApiError.ApiError> =>
  Effect.forEach(
    (Array.isArray(body) ? body : [body]).flatMap((entry) =>
      isObject(entry) ? Object.entries(entry).filter(([key]) => key.endsWith("_metadata")) : []
    ),
    ([key, value]) => limited(key, value),
    { discard: true }
  )

/**
 * The metadata a request changes (`public_metadata`, `private_metadata`, ...): each key the body
 * gives, deep-merged into the current value (`merge`, spec `UpdateUserMetadata`) or in its place
 * (`replace`, spec `ReplaceUserMetadata`); keys the body leaves out are not changed. A merged value
 * over {@link LIMIT_BYTES} fails (see {@link limited}) and nothing changes.
 *
 * @internal
 */
export const changes = <K extends string>(
  keys: ReadonlyArray<K>,
  mode: "merge" | "replace",
  current: { readonly [P in K]?: Metadata | null | undefined },
  body: { readonly [P in K]?: Metadata | undefined } | undefined
): Effect.Effect<{ [P in K]?: Metadata }, ApiError.ApiError> =>
  Effect.gen(function* () {
    const out: { [P in K]?: Metadata } = {}
    for (const key of keys) {
      const given = body?.[key]
      if (given === undefined) continue
      out[key] = yield* limited(key, mode === "merge" ? deepMerge(current[key] ?? {}, given) : structuredClone(given))
    }
    return out
  })
