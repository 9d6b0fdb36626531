import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"

/** @internal */
export interface Order {
  readonly field: string
  readonly sign: 1 | -1
}

type Read<R> = (item: R) => string | number | null | undefined

const split = (value: string): Order => ({
  field: value.replace(/^[+-]/, ""),
  sign: value.startsWith("-") ? -1 : 1
})

// nulls last in either direction
const compareValues = (x: string | number | null, y: string | number | null): number =>
  x === null || y === null ? (x === y ? 0 : x === null ? 1 : -1) : x < y ? -1 : x > y ? 1 : 0

/**
 * The implementation of `Resource.orderBy`: sorts by the field `order_by` names (the default when
 * it is left out or empty, or names no field), nulls last in either direction, equal values in the
 * order given, reversed for `-`.
 *
 * @internal
 */
export const declare = <R>(defaultOrder: string, fields: { readonly [field: string]: Read<R> }) => ({
  default: defaultOrder,
  fields: Object.keys(fields),
  sort: (items: Iterable<R>, orderBy: string | undefined): Array<R> => {
    const wanted = split(orderBy === undefined || orderBy === "" ? defaultOrder : orderBy)
    const order = fields[wanted.field] === undefined ? split(defaultOrder) : wanted
    const read = fields[order.field]!
    return Array.from(items, (item, index) => ({ item, index, value: read(item) ?? null }))
      .sort((a, b) => {
        const c = compareValues(a.value, b.value)
        return a.value === null || b.value === null
          ? c || order.sign * (a.index - b.index)
          : order.sign * (c || a.index - b.index)
      })
      .map((entry) => entry.item)
  }
})

/**
 * The router's check of `order_by` against a list's fields: a field with an optional `+` or `-`
 * prefix. Any other value is a 422 `form_param_format_invalid` naming `order_by` and the fields.
 *
 * @internal
 */
export const check = (
  raw: string | undefined,
  fields: ReadonlyArray<string>
): Effect.Effect<void, ApiError.ApiError> =>
  raw === undefined || raw === "" || fields.includes(split(raw).field)
    ? Effect.void
    : Effect.fail(
        ApiError.paramFormatInvalid(
          "order_by",
          `order_by must be one of ${fields.join(", ")}, with an optional + or -.`
        )
      )

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
