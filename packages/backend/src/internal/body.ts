/**
 * Reading a response body within a cap, as text: a body of known length in one piece, any other
 * chunk by chunk up to the cap (then the rest is never read and the connection is closed), and a
 * gzip body the HTTP stack left encoded inflated within the same cap.
 *
 * @internal
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type * as ClerkError from "../ClerkError.js"
import { transportError } from "./transportErrors.js"

export interface Bytes {
  readonly bytes: Uint8Array
  /** `false` when the body was longer than the cap: `bytes` then holds only the first `cap`. */
  readonly complete: boolean
}

/**
 * A body as the runtime uses it: its text; `complete: false` when it was beyond the cap (the text
 * then holds at most the first `cap` bytes).
 */
export interface Text {
  readonly text: string
  readonly complete: boolean
}

const EMPTY: Text = { text: "", complete: true }
const TRUNCATED: Text = { text: "", complete: false }
const textBody = (text: string): Text => (text.length === 0 ? EMPTY : { text, complete: true })
const utf8 = new TextDecoder()

/**
 * Reads at most `cap` bytes of the body, as text. Stopping early ends the stream, which aborts the
 * request (every client does on the end of `stream`): the rest is never read, the socket is closed.
 * A body announced longer than the cap is not read at all.
 */
export const readCapped = (
  operation: string,
  response: HttpClientResponse.HttpClientResponse,
  cap: number,
  attempts: number
): Effect.Effect<Text, ClerkError.TransportError> => {
  const status = response.status
  // no body by definition (fetch gives none, and `stream` would fail)
  if (status === 204 || status === 205 || status === 304 || response.request.method === "HEAD") {
    return Effect.succeed(EMPTY)
  }
  const length = Number(response.headers["content-length"])
  const encoding = response.headers["content-encoding"]
  if (Number.isFinite(length) && length <= cap && (encoding === undefined || encoding === "identity")) {
    // A body of a known length within the cap, not encoded (fetch inflates an encoded one, so its
    // length would not bound what is read), is read in one piece: undici and fetch both enforce
    // Content-Length, and a Stream of chunks, then the platform's abort, cost far more per call.
    // It is read as text, which the runtime wants (`arrayBuffer` and a TextDecoder cost more); both
    // platform clients cache the text, so a `transformClient` that read it first does no harm.
    return Effect.mapError(Effect.map(response.text, textBody), (error) => transportError(operation, error, attempts))
  }
  const stream = response.stream
  if (Number.isFinite(length) && length > cap) {
    // pulling one chunk, then stopping, ends the stream and so aborts the request
    return Effect.as(Effect.ignore(Stream.runForEachWhile(stream, () => Effect.succeed(false))), TRUNCATED)
  }
  const chunks: Array<Uint8Array> = []
  let size = 0
  return stream.pipe(
    Stream.runForEachWhile((chunk) =>
      Effect.sync(() => {
        chunks.push(chunk)
        size += chunk.length
        return size <= cap
      })
    ),
    // fetch's `Response` has no body at all for some answers: that is an empty body
    Effect.catchIf(
      (error) => error.reason === "EmptyBody",
      () => Effect.void
    ),
    // A `transformClient` that read `response.text` (a logger, a test tap) left the stream used:
    // the platform caches that text, so take it (it is in memory already). A stream that fails
    // after some bytes is a broken connection, not this.
    Effect.catchAllCause((cause) =>
      size > 0 || Cause.isInterrupted(cause)
        ? Effect.failCause(cause)
        : Effect.map(response.text, (text) => {
            const bytes = new TextEncoder().encode(text)
            chunks.push(bytes)
            size = bytes.length
          })
    ),
    Effect.mapError((error) => transportError(operation, error, attempts)),
    Effect.map((): Bytes => concat(chunks, size, cap)),
    Effect.flatMap((body) =>
      isGzip(response, body)
        ? Effect.map(gunzip(body.bytes, cap), (inflated) => inflated ?? body)
        : Effect.succeed(body)
    ),
    // (beyond the cap, the first `cap` bytes: an error body's snippet)
    Effect.map((body): Text => ({ text: utf8.decode(body.bytes), complete: body.complete }))
  )
}

/** The chunks as one array of at most `cap` bytes; `size` is their total length. */
export const concat = (chunks: ReadonlyArray<Uint8Array>, size: number, cap: number): Bytes => {
  const complete = size <= cap
  const total = Math.min(size, cap)
  if (chunks.length === 1 && complete) return { bytes: chunks[0]!, complete }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    if (offset >= total) break
    const part = chunk.length > total - offset ? chunk.subarray(0, total - offset) : chunk
    bytes.set(part, offset)
    offset += part.length
  }
  return { bytes, complete }
}

/**
 * A gzip body the HTTP stack left encoded: fetch decodes one (even unasked), undici does not, so
 * a body still starting with gzip's magic bytes under `Content-Encoding: gzip` is decoded here, so
 * both layers give the same outcome.
 */
const isGzip = (response: HttpClientResponse.HttpClientResponse, body: Bytes): boolean =>
  body.complete &&
  body.bytes.length > 2 &&
  body.bytes[0] === 0x1f &&
  body.bytes[1] === 0x8b &&
  /gzip/i.test(response.headers["content-encoding"] ?? "")

/**
 * Inflates within the cap (a small body may inflate to a huge one: beyond the cap, an empty
 * incomplete body); `undefined` if it is not gzip after all.
 */
export const gunzip = (bytes: Uint8Array, cap: number): Effect.Effect<Bytes | undefined> =>
  Effect.promise(async (): Promise<Bytes | undefined> => {
    try {
      const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")).getReader()
      const chunks: Array<Uint8Array> = []
      let size = 0
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        chunks.push(value)
        size += value.length
        if (size > cap) {
          await reader.cancel()
          return { bytes: new Uint8Array(0), complete: false }
        }
      }
      return concat(chunks, size, cap)
    } catch {
      return undefined
    }
  })
