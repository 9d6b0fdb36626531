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
 * The metadata a request changes (`public_metadata`, `private_metadata`, ...): each key the body
 * gives, deep-merged into the current value (`merge`, spec `UpdateUserMetadata`) or in its place
 * (`replace`, spec `ReplaceUserMetadata`); keys the body leaves out are not changed.
 *
 * @internal
 */
export const changes = <K extends string>(
  keys: ReadonlyArray<K>,
  mode: "merge" | "replace",
  current: { readonly [P in K]?: Metadata | null | undefined },
  body: { readonly [P in K]?: Metadata | undefined } | undefined
): { [P in K]?: Metadata } => {
  const out: { [P in K]?: Metadata } = {}
  for (const key of keys) {
    const given = body?.[key]
    if (given !== undefined) out[key] = mode === "merge" ? deepMerge(current[key] ?? {}, given) : structuredClone(given)
  }
  return out
}
