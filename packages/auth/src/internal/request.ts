/**
 * Where a token is on a request: the `Authorization: Bearer` header, or the `__session` cookie.
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"

/** The `Authorization: Bearer` token, if the header has that scheme. */
export const bearerToken = (request: HttpServerRequest.HttpServerRequest): string | undefined => {
  const header = request.headers["authorization"]
  if (header === undefined) return undefined
  const match = /^Bearer +(\S+) *$/i.exec(header)
  return match?.[1]
}

/** The `__session` cookie and whether the request is same-origin (see `Auth.sessionCookie`). */
export const sessionCookie = (
  request: HttpServerRequest.HttpServerRequest
): { readonly token: string; readonly sameOrigin: boolean } | undefined => {
  const token = request.cookies["__session"]
  if (token === undefined || token === "") return undefined
  const origin = request.headers["origin"]
  if (origin === undefined) return { token, sameOrigin: true }
  const host = request.headers["x-forwarded-host"]?.split(",")[0]?.trim() ?? request.headers["host"]
  let originHost: string | undefined
  try {
    originHost = new URL(origin).host
  } catch {
    originHost = undefined
  }
  return { token, sameOrigin: originHost !== undefined && originHost === host }
}
