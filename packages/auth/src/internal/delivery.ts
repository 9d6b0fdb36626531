/**
 * One delivery, from the request to a signed event: the body read within its limit, the headers,
 * the timestamp window, the signature, then the event decoded (or kept as an undecodable one).
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Events from "../generated/WebhookEvents.js"
import { firstIssue } from "./issue.js"
import * as Signature from "./signature.js"
import type { UndecodableEvent } from "./webhookModel.js"

/** Clerk's events are a few KB; a body past 1 MiB is refused before it is verified. */
export const MAX_BODY_SIZE = 1024 * 1024

export type Reason =
  | "missing-headers"
  | "invalid-timestamp"
  | "timestamp-too-old"
  | "timestamp-too-new"
  | "invalid-signature"
  | "invalid-body"
  | "body-too-large"

/** A rejection, before it becomes a `WebhookVerificationError` (Webhook.ts). */
export interface Rejection {
  readonly reason: Reason
  readonly message: string
}

const header = (headers: Readonly<Record<string, string | undefined>>, name: string) => {
  const lower: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(headers)) lower[key.toLowerCase()] = value
  const value = lower[`svix-${name}`] ?? lower[`webhook-${name}`]
  return value === undefined || value.trim() === "" ? undefined : value.trim()
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

/** The headers, the window (`now` and `tolerance` in seconds) and the signature. */
export const check = (
  signers: ReadonlyArray<Signature.Signer>,
  tolerance: number,
  now: number,
  body: Uint8Array | string,
  headers: Readonly<Record<string, string | undefined>>
): Either.Either<{ readonly id: string; readonly timestamp: number; readonly text: string }, Rejection> => {
  const id = header(headers, "id")
  const timestampHeader = header(headers, "timestamp")
  const signature = header(headers, "signature")
  if (id === undefined || timestampHeader === undefined || signature === undefined) {
    const missing = [
      id === undefined ? "svix-id" : undefined,
      timestampHeader === undefined ? "svix-timestamp" : undefined,
      signature === undefined ? "svix-signature" : undefined
    ].filter((name) => name !== undefined)
    return Either.left({ reason: "missing-headers", message: `missing webhook headers: ${missing.join(", ")}` })
  }
  if (!/^\d{1,15}$/.test(timestampHeader)) {
    return Either.left({ reason: "invalid-timestamp", message: "the webhook timestamp is not a number of seconds" })
  }
  const timestamp = Number(timestampHeader)
  if (now - timestamp > tolerance) {
    return Either.left({ reason: "timestamp-too-old", message: `the webhook was signed more than ${tolerance} s ago` })
  }
  if (timestamp > now + tolerance) {
    return Either.left({
      reason: "timestamp-too-new",
      message: `the webhook was signed more than ${tolerance} s in the future`
    })
  }
  let text: string
  try {
    text = typeof body === "string" ? body : utf8.decode(body)
  } catch {
    return Either.left({ reason: "invalid-body", message: "the webhook body is not UTF-8" })
  }
  // The window above is the only one: the HMAC is standardwebhooks', without its fixed 5 minutes.
  if (!Signature.matches(signers, id, timestamp, text, signature)) {
    return Either.left({ reason: "invalid-signature", message: "no webhook signature matches the body" })
  }
  return Either.right({ id, timestamp, text })
}

const decodeEvent = Schema.decodeUnknownEither(Schema.parseJson(Events.WebhookEvent), {
  onExcessProperty: "preserve"
})

export const isJson = (text: string): boolean => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** The event of a signed body, or the body kept whole with why it did not decode. */
export const decode = (text: string): Events.WebhookEvent | UndecodableEvent => {
  const decoded = decodeEvent(text)
  if (Either.isRight(decoded)) return decoded.right
  // not JSON: the raw text is the payload
  const json = isJson(text)
  const payload: unknown = json ? JSON.parse(text) : text
  const type = typeof payload === "object" && payload !== null ? (payload as { type?: unknown }).type : undefined
  return {
    type: "undecodable",
    eventType: typeof type === "string" ? type : undefined,
    payload,
    issue: decoded.left.issue,
    message: json ? firstIssue(decoded.left.issue) : "the body is not JSON"
  }
}

/**
 * The raw body, read once. Past `maxBodySize` (declared or streamed) it is `body-too-large`; the
 * rest of a streamed body is still read and dropped, up to `DRAIN_FACTOR` times the limit, so that
 * the 413 reaches the sender on a cleanly closed connection (closing a socket with unread data
 * resets it, and the sender sees no answer). A sender past that is cut off.
 */
export const readBody = (
  request: HttpServerRequest.HttpServerRequest,
  maxBodySize: number
): Effect.Effect<Uint8Array, Rejection> => {
  const tooLarge: Rejection = {
    reason: "body-too-large",
    message: `the webhook body is larger than ${maxBodySize} bytes`
  }
  const declared = Number(request.headers["content-length"] ?? "0")
  if (!(declared <= maxBodySize)) return Effect.fail(tooLarge)
  const drainLimit = DRAIN_FACTOR * maxBodySize
  return request.stream.pipe(
    Stream.runFoldWhile(
      { chunks: [] as Array<Uint8Array>, bytes: 0 },
      (read) => read.bytes <= drainLimit,
      (read, chunk) => {
        read.bytes += chunk.byteLength
        if (read.bytes <= maxBodySize) read.chunks.push(chunk)
        return read
      }
    ),
    Effect.mapError((): Rejection => ({ reason: "invalid-body", message: "the webhook body could not be read" })),
    Effect.flatMap(({ chunks, bytes }) => {
      if (bytes > maxBodySize) return Effect.fail(tooLarge)
      const body = new Uint8Array(bytes)
      let offset = 0
      for (const chunk of chunks) {
        body.set(chunk, offset)
        offset += chunk.byteLength
      }
      return Effect.succeed(body)
    })
  )
}

const DRAIN_FACTOR = 8
