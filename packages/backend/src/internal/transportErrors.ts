/**
 * A failed exchange (the HttpClient's `RequestError` or `ResponseError`) as a `TransportError`
 * whose `reason` says what happened, read from the error codes of Node, undici and Bun anywhere
 * down the error's `cause` chain, and from the words of runtimes that give no code (Deno). The
 * reason decides retries: nothing was sent (`ConnectionRefused`, `DnsFailure`) is retried for every
 * method; `InvalidRequest` never; the rest only for idempotent methods.
 *
 * @internal
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as ClerkError from "../ClerkError.js"

interface Found {
  /** `code`s and `name`s. */
  readonly codes: Array<string>
  readonly messages: Array<string>
}

/** The codes, names and messages of the error, its `cause` chain and an AggregateError's `errors`. */
const inspect = (cause: unknown): Found => {
  const found: Found = { codes: [], messages: [] }
  const seen = new Set<unknown>()
  const visit = (value: unknown, depth: number) => {
    if (depth > 5 || value === null || value === undefined || seen.has(value)) return
    if (typeof value === "string") {
      found.messages.push(value)
      return
    }
    if (typeof value !== "object") return
    seen.add(value)
    const { code, name, message } = value as { code?: unknown; name?: unknown; message?: unknown }
    if (typeof code === "string") found.codes.push(code)
    if (typeof name === "string") found.codes.push(name)
    if (typeof message === "string") found.messages.push(message)
    visit((value as { cause?: unknown }).cause, depth + 1)
    const errors = (value as { errors?: unknown }).errors
    if (Array.isArray(errors)) for (const inner of errors) visit(inner, depth + 1)
  }
  visit(cause, 0)
  return found
}

type Reason = readonly [ClerkError.TransportReason, ReadonlySet<string>, string]

const REFUSED: Reason = ["ConnectionRefused", new Set(["ECONNREFUSED"]), "connection refused (nothing was sent)"]

const REASONS: ReadonlyArray<Reason> = [
  REFUSED,
  ["DnsFailure", new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL"]), "DNS lookup failed (nothing was sent)"],
  [
    "Timeout",
    new Set([
      "ETIMEDOUT",
      "UND_ERR_CONNECT_TIMEOUT",
      "UND_ERR_HEADERS_TIMEOUT",
      "UND_ERR_BODY_TIMEOUT",
      "TimeoutError"
    ]),
    "the connection timed out"
  ],
  [
    "ConnectionReset",
    new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "UND_ERR_ABORTED"]),
    "the connection was reset before the response was complete"
  ],
  [
    "InvalidRequest",
    new Set(["ERR_INVALID_CHAR", "ERR_INVALID_HTTP_TOKEN", "UND_ERR_INVALID_ARG", "ERR_INVALID_URL"]),
    "the HTTP stack refused to send the request (nothing was sent)"
  ]
]

/**
 * Deno's fetch gives a refused connection no code, only words: `TypeError: fetch failed` caused by
 * `client error (Connect): tcp connect error: Connection refused (os error 111)` (older versions put
 * the same words in the TypeError's message; the OS error is 61 on macOS; Windows words it its own
 * way, os error 10061). "client error (Connect)" is the connect phase of its HTTP client: nothing was
 * sent.
 *
 * Not recognised, on purpose: workerd's `Error: Network connection lost.` (no code, no cause). It
 * says the same of a refused connection and of one lost after the request went out (a reset before
 * or during the response), so it stays `Other`: retried for idempotent methods only, never for a
 * POST that may have arrived.
 */
const REFUSED_IN_WORDS =
  /client error \(Connect\): tcp connect error: (?:Connection refused|No connection could be made because the target machine actively refused it)/

/**
 * The `TransportError` of a failed exchange. A request the stack refused keeps no `cause`: Node's
 * message quotes the offending header value.
 */
export const transportError = (
  operation: string,
  error: HttpClientError.HttpClientError,
  attempts: number
): ClerkError.TransportError => {
  const base = { operation, method: error.request.method, url: error.request.url, attempts }
  if (error._tag === "RequestError" && error.reason !== "Transport") {
    return new ClerkError.TransportError({
      ...base,
      reason: "InvalidRequest",
      description: `the request could not be built (${error.reason}); nothing was sent`
    })
  }
  const { codes, messages } = inspect(error.cause)
  const found =
    REASONS.find(([, set]) => codes.some((code) => set.has(code))) ??
    (messages.some((message) => REFUSED_IN_WORDS.test(message)) ? REFUSED : undefined)
  const headerValue = codes.includes("TypeError") && /header/i.test(String((error.cause as Error)?.message))
  if (found?.[0] === "InvalidRequest" || headerValue) {
    return new ClerkError.TransportError({
      ...base,
      reason: "InvalidRequest",
      description: "the HTTP stack refused to send the request (nothing was sent)"
    })
  }
  const code = codes.find((c) => /^[A-Z_]+$/.test(c))
  const during = error._tag === "ResponseError" ? " while reading the response body" : ""
  return new ClerkError.TransportError({
    ...base,
    reason: found?.[0] ?? (error._tag === "ResponseError" ? "ConnectionReset" : "Other"),
    description: `${found?.[2] ?? "the connection failed"}${during}${code ? ` (${code})` : ""}`,
    cause: error.cause
  })
}
