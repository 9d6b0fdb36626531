import * as ApiError from "../ApiError.js"

/** @internal */
export const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

/** The Clerk-shaped answer of an {@link ApiError.ApiError}, with its `Retry-After` if it has one. @internal */
export const error = (failure: ApiError.ApiError): Response => {
  const response = json(failure.status, failure.toBody())
  if (failure.retryAfter !== undefined) response.headers.set("retry-after", String(failure.retryAfter))
  return response
}

/**
 * The answer to a request whose method a web `Request` cannot carry (`TRACE`, `CONNECT`, `TRACK`,
 * or no HTTP token at all): no operation has it, so it is the Clerk-shaped 404 of a path that is
 * no operation, never a 500 with an empty body.
 *
 * @internal
 */
export const unroutable = (method: string, url: string): Response => {
  let path = url
  try {
    path = new URL(url, "http://127.0.0.1").pathname
  } catch {
    // keep the raw target
  }
  return error(ApiError.noRoute(method, path))
}
