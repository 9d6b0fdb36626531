/**
 * The router's rule for request fields the emulator does not model: refused by name, never
 * silently dropped (a request that the emulator accepts has the effect it would have on Clerk, or
 * the route says why not, see `Resource.RouteOptions`).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import type * as Resource from "../Resource.js"
import * as Order from "./order.js"

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const sent = (container: unknown, field: string): boolean =>
  isRecord(container) && container[field] !== undefined && container[field] !== null

// the unmodeled fields a request sends: in its query, in its body (each entry of a bulk body, as `0.field`)
const unmodeledIn = (fields: ReadonlyArray<string>, query: unknown, body: unknown): Array<string> =>
  fields.flatMap((field) => [
    ...(sent(query, field) ? [field] : []),
    ...(Array.isArray(body)
      ? body.flatMap((entry, index) => (sent(entry, field) ? [`${index}.${field}`] : []))
      : sent(body, field)
        ? [field]
        : [])
  ])

/**
 * Refuses what the route does not model, before its handler runs: each unmodeled field the
 * request sends (a 422 with one `not_emulated` item per field), an `order_by` the route does not
 * order by (a route without `orderBy` models none).
 *
 * @internal
 */
export const check = (route: Resource.Route, query: unknown, body: unknown): Effect.Effect<void, ApiError.ApiError> => {
  const orderBy = isRecord(query) && typeof query["order_by"] === "string" ? query["order_by"] : undefined
  const refused = unmodeledIn(route.unmodeled ?? [], query, body)
  if (route.orderBy === undefined && orderBy !== undefined && orderBy !== "") refused.push("order_by")
  if (refused.length > 0) {
    return Effect.fail(
      ApiError.unprocessable(...refused.map((field) => ApiError.notModeledItem(route.operation.name, field)))
    )
  }
  return route.orderBy === undefined ? Effect.void : Order.check(orderBy, route.orderBy.fields)
}
