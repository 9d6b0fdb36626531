/**
 * Reading a body within a cap (internal/body.ts), over web `Response`s as the fetch client gives
 * them: in one piece when its length is known, chunk by chunk otherwise, stopped at the cap (the
 * rest is never pulled), and gzip the stack left encoded inflated within the same cap.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { gzipSync } from "node:zlib"
import * as Body from "../src/internal/body.js"

const get = HttpClientRequest.get("https://api.clerk.com/v1/jwks")

/** A body streamed in `chunks`, counting what was pulled and whether the reader gave up. */
const streamed = (chunks: ReadonlyArray<Uint8Array | string>, options?: { readonly failAfter?: number }) => {
  const state = { pulled: 0, cancelled: false }
  const encoder = new TextEncoder()
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (options?.failAfter !== undefined && state.pulled === options.failAfter) {
        controller.error(Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }))
        return
      }
      const chunk = chunks[state.pulled]
      state.pulled++
      if (chunk === undefined) controller.close()
      else controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk)
    },
    cancel() {
      state.cancelled = true
    }
  })
  return { stream, state }
}

const respond = (
  body: ConstructorParameters<typeof Response>[0],
  headers: Record<string, string> = {},
  status = 200,
  request: HttpClientRequest.HttpClientRequest = get
) => HttpClientResponse.fromWeb(request, new Response(body, { status, headers }))

const read = (response: HttpClientResponse.HttpClientResponse, cap: number) =>
  Body.readCapped("JWKS.get", response, cap, 1)

describe("capped reads", () => {
  it.effect("a body of known length within the cap is read in one piece, as text", () =>
    Effect.gen(function* () {
      const { stream, state } = streamed(['{"keys":', "[]}"])
      const body = yield* read(respond(stream, { "content-length": "11" }), 100)
      expect(body).toEqual({ text: '{"keys":[]}', complete: true })
      expect(state.cancelled).toBe(false)
    })
  )

  it.effect("a body of unknown length within the cap is read chunk by chunk, complete", () =>
    Effect.gen(function* () {
      const { stream } = streamed(["Grüße, ", "Clerk"])
      expect(yield* read(respond(stream), 100)).toEqual({ text: "Grüße, Clerk", complete: true })
    })
  )

  it.effect("beyond the cap: the first `cap` bytes, incomplete, and the rest is never pulled", () =>
    Effect.gen(function* () {
      const kilobyte = "x".repeat(1024)
      const { stream, state } = streamed(Array.from({ length: 100 }, () => kilobyte))
      const body = yield* read(respond(stream), 2500)
      expect(body.complete).toBe(false)
      expect(body.text).toHaveLength(2500)
      expect(state.pulled).toBeLessThan(10)
      expect(state.cancelled).toBe(true)
    })
  )

  it.effect("a body announced longer than the cap is not read at all", () =>
    Effect.gen(function* () {
      const { stream, state } = streamed(Array.from({ length: 100 }, () => "x".repeat(1024)))
      const body = yield* read(respond(stream, { "content-length": String(100 * 1024) }), 1000)
      expect(body).toEqual({ text: "", complete: false })
      expect(state.pulled).toBeLessThanOrEqual(2)
      expect(state.cancelled).toBe(true)
    })
  )

  it.effect("204, 205, 304 and an answer to HEAD have no body by definition", () =>
    Effect.gen(function* () {
      for (const status of [204, 205, 304]) {
        expect(yield* read(respond(null, {}, status), 100)).toEqual({ text: "", complete: true })
      }
      const head = respond(null, { "content-length": "5000" }, 200, HttpClientRequest.head("https://x.example/"))
      expect(yield* read(head, 100)).toEqual({ text: "", complete: true })
    })
  )

  it.effect("a body that breaks while read is a TransportError (ConnectionReset) naming the operation", () =>
    Effect.gen(function* () {
      const { stream } = streamed(["{", "}"], { failAfter: 1 })
      const error = yield* Effect.flip(read(respond(stream), 100))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "ConnectionReset", operation: "JWKS.get" })
    })
  )

  it.effect("a body read as text before (a transformClient's logger) is taken from the cache", () =>
    Effect.gen(function* () {
      const { stream } = streamed(['{"keys":[]}'])
      const response = respond(stream)
      expect(yield* response.text).toBe('{"keys":[]}')
      expect(yield* read(response, 100)).toEqual({ text: '{"keys":[]}', complete: true })
    })
  )
})

describe("gzip", () => {
  const json = JSON.stringify({ keys: [], padding: "y".repeat(500) })

  it.effect("a gzip body the stack left encoded is inflated (undici does not inflate; fetch does)", () =>
    Effect.gen(function* () {
      const { stream } = streamed([gzipSync(json)])
      expect(yield* read(respond(stream, { "content-encoding": "gzip" }), 10_000)).toEqual({
        text: json,
        complete: true
      })
    })
  )

  it.effect("a body already inflated under Content-Encoding: gzip is taken as it is", () =>
    Effect.gen(function* () {
      const { stream } = streamed([json])
      expect(yield* read(respond(stream, { "content-encoding": "gzip" }), 10_000)).toEqual({
        text: json,
        complete: true
      })
    })
  )

  it.effect("gzip that inflates beyond the cap is incomplete (a small body may inflate to a huge one)", () =>
    Effect.gen(function* () {
      const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x61))
      expect(bomb.length).toBeLessThan(64 * 1024)
      const { stream } = streamed([bomb])
      const body = yield* read(respond(stream, { "content-encoding": "gzip" }), 64 * 1024)
      expect(body.complete).toBe(false)
    })
  )

  it.effect("gzip's magic bytes over a body that is not gzip: the bytes as they came", () =>
    Effect.gen(function* () {
      const corrupt = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x41, 0x42, 0x43])
      expect(yield* Body.gunzip(corrupt, 1000)).toBeUndefined()
      const { stream } = streamed([corrupt])
      const body = yield* read(respond(stream, { "content-encoding": "gzip" }), 1000)
      expect(body.complete).toBe(true)
      expect(body.text.endsWith("ABC")).toBe(true)
    })
  )

  it.effect("gunzip within the cap gives the inflated bytes", () =>
    Effect.gen(function* () {
      const inflated = yield* Body.gunzip(gzipSync("hello"), 5)
      expect(inflated && new TextDecoder().decode(inflated.bytes)).toBe("hello")
      expect(inflated?.complete).toBe(true)
      expect(yield* Body.gunzip(gzipSync("hello!"), 5)).toEqual({ bytes: new Uint8Array(0), complete: false })
    })
  )
})

describe("concat", () => {
  it("joins chunks up to the cap", () => {
    const a = new Uint8Array([1, 2, 3])
    const b = new Uint8Array([4, 5])
    expect(Body.concat([a], 3, 10)).toEqual({ bytes: a, complete: true })
    expect(Body.concat([a, b], 5, 10)).toEqual({ bytes: new Uint8Array([1, 2, 3, 4, 5]), complete: true })
    expect(Body.concat([a, b], 5, 4)).toEqual({ bytes: new Uint8Array([1, 2, 3, 4]), complete: false })
  })
})
