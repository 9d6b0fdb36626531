/**
 * Emulated Redirect URLs: list, create, get, delete (the instance's allowed redirect URLs).
 *
 * - `url` must be an `https://` URL or one with a custom scheme (`my-app://oauth-callback`, spec
 *   `CreateRedirectURL`); `http://` is accepted for localhost only, as on development instances.
 *   Anything else is a 422 `form_param_value_invalid` ("url is invalid", as in Clerk's API
 *   reference); a URL already in the list a 422 `form_identifier_exists`.
 * - The list is newest first ("returned in descending order by creation date", clerk/javascript
 *   packages/backend/src/api/endpoints/RedirectUrlApi.ts:17, `getRedirectUrlList`; the spec's
 *   `ListRedirectURLs` documents no order); an unknown id is a 404.
 *
 * @since 0.2.0
 */
import * as BackendRedirectURLs from "@effect-clerk/backend/RedirectURLs"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import * as Order from "../internal/order.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"

/**
 * The redirect URLs table: the backend's generated `RedirectURLs.RedirectURL`, by id.
 *
 * @since 0.2.0
 * @category tables
 */
export const redirectUrls: Store.Table<BackendRedirectURLs.RedirectURL> =
  Store.table<BackendRedirectURLs.RedirectURL>("redirect_urls")

const valid = (raw: string): boolean => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.protocol === "https:") return url.hostname !== ""
  if (url.protocol === "http:") return ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname)
  return /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) && !["javascript:", "data:", "file:"].includes(url.protocol)
}

const get = (emulator: Resource.EmulatorContext, id: string) => {
  const found = emulator.store.get(redirectUrls).get(id)
  return found === undefined
    ? Effect.fail(ApiError.notFound(`No redirect URL was found with id ${id}.`))
    : Effect.succeed(found)
}

/**
 * The Redirect URLs resource.
 *
 * @since 0.2.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("redirect_urls", [
  Resource.route(BackendRedirectURLs.operations.list, ({ emulator, query }) =>
    Effect.sync(() => Order.page(Array.from(emulator.store.get(redirectUrls).values()).reverse(), query))
  ),
  Resource.route(BackendRedirectURLs.operations.create, ({ emulator, body }) =>
    Effect.gen(function* () {
      const table = emulator.store.get(redirectUrls)
      if (!valid(body.url)) {
        return yield* ApiError.unprocessable({
          message: "is invalid",
          long_message: "url is invalid",
          code: "form_param_value_invalid",
          meta: { param_name: "url" }
        })
      }
      if (Array.from(table.values()).some((r) => r.url === body.url)) {
        return yield* ApiError.identifierExists("url", `${body.url} is already a redirect URL of this instance.`)
      }
      const now = emulator.now()
      const json = {
        object: "redirect_url",
        id: emulator.generateId("ru_"),
        url: body.url,
        created_at: now,
        updated_at: now
      }
      table.set(json.id, json)
      return json
    })
  ),
  Resource.route(BackendRedirectURLs.operations.get, ({ emulator, path }) => get(emulator, path.id)),
  Resource.route(BackendRedirectURLs.operations.delete, ({ emulator, path }) =>
    Effect.map(get(emulator, path.id), (r) => {
      emulator.store.get(redirectUrls).delete(r.id)
      return { object: "redirect_url", id: r.id, deleted: true }
    })
  )
])
