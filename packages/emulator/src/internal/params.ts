import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"

/**
 * An RFC 3339 date-time parameter (`created_at`, `legal_accepted_at`) as Unix milliseconds;
 * `undefined` when absent, null or blank; a 422 `form_param_format_invalid` when unreadable.
 *
 * @internal
 */
export const timestamp = (
  name: string,
  value: string | null | undefined
): Effect.Effect<number | undefined, ApiError.ApiError> => {
  if (value === undefined || value === null || value === "") return Effect.succeed(undefined)
  const ms = Date.parse(value)
  return Number.isNaN(ms)
    ? Effect.fail(ApiError.paramFormatInvalid(name, `${name} must be an RFC3339 date-time.`))
    : Effect.succeed(ms)
}

/**
 * Clerk's `+id` / `-id` filters (spec `GetUserList`, `ListOrganizations`: "the `+` and `-` can be
 * prepended to the ID, which denote whether the respective ID should be included or excluded"): a
 * predicate over ids, always true when no value is given.
 *
 * @internal
 */
export const includeExclude = (values: ReadonlyArray<string> | undefined): ((id: string) => boolean) => {
  const list = values ?? []
  const include = list.filter((v) => !v.startsWith("-")).map((v) => v.replace(/^\+/, ""))
  const exclude = list.filter((v) => v.startsWith("-")).map((v) => v.slice(1))
  return (id) => (include.length === 0 || include.includes(id)) && !exclude.includes(id)
}
