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
