import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"

/** @internal */
export interface Order {
  readonly field: string
  readonly sign: 1 | -1
}

/**
 * Clerk's `order_by`: a field with an optional `+` (ascending, implied) or `-` (descending) prefix.
 * A field outside `allowed` is a 422 `form_param_format_invalid`.
 *
 * @internal
 */
export const parse = (
  raw: string | undefined,
  fallback: string,
  allowed: ReadonlyArray<string>
): Effect.Effect<Order, ApiError.ApiError> => {
  const value = raw === undefined || raw === "" ? fallback : raw
  const sign = value.startsWith("-") ? -1 : 1
  const field = value.replace(/^[+-]/, "")
  return allowed.includes(field)
    ? Effect.succeed({ field, sign })
    : Effect.fail(
        ApiError.paramFormatInvalid(
          "order_by",
          `order_by must be one of ${allowed.join(", ")}, with an optional + or -.`
        )
      )
}

/**
 * Compares by `value` (nulls last in either direction), then by insertion `sequence` in the same
 * direction, so that equal values keep a stable, documented order.
 *
 * @internal
 */
export const compare =
  <A extends { readonly sequence: number }>(
    order: Order,
    value: (a: A, field: string) => string | number | null | undefined
  ) =>
  (a: A, b: A): number => {
    const x = value(a, order.field) ?? null
    const y = value(b, order.field) ?? null
    if (x === null || y === null) {
      return x === y ? order.sign * (a.sequence - b.sequence) : x === null ? 1 : -1
    }
    const c = x < y ? -1 : x > y ? 1 : 0
    return c !== 0 ? order.sign * c : order.sign * (a.sequence - b.sequence)
  }

/** `{ data, total_count }`, Clerk's paginated list shape, after `offset`/`limit` (default 10). */
export const page = <A>(
  items: ReadonlyArray<A>,
  query: { readonly limit?: number | undefined; readonly offset?: number | null | undefined }
): { readonly data: ReadonlyArray<A>; readonly total_count: number } => {
  const offset = query.offset ?? 0
  return { data: items.slice(offset, offset + (query.limit ?? 10)), total_count: items.length }
}
