/**
 * The lean undici client under NodeClerkClient, on its own, against a server on 127.0.0.1: what a
 * `transformClient` may do with a response (read it as text, then as bytes; as JSON; as URL params;
 * its cookies and headers), and how it fails.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as UndiciClient from "../src/internal/undiciClient.js"
import { refusedUrl, serve, settled } from "./faultServer.js"

/** The test with the client's layer open around all of it. */
const withClient = <A, E>(body: (http: HttpClient.HttpClient) => Effect.Effect<A, E, Scope.Scope>) =>
  Effect.scoped(Effect.flatMap(HttpClient.HttpClient, body)).pipe(Effect.provide(UndiciClient.layer))

describe("the undici client of NodeClerkClient", () => {
  it.live("a response reads as text, then as the bytes of that text, then as JSON", () =>
    withClient((http) =>
      Effect.gen(function* () {
        const server = yield* serve((_req, res) => {
          res.writeHead(200, {
            "content-type": "application/json",
            "set-cookie": ["a=1; Path=/", "b=2; Path=/"],
            "x-twice": ["one", "two"]
          })
          res.end('{"héllo":"wörld"}')
        })
        const response = yield* http.execute(HttpClientRequest.get(`${server.origin}/x?q=1`))
        expect(response.status).toBe(200)
        expect(response.headers).toBe(response.headers) // one copy, kept
        expect(response.headers["x-twice"]).toBe("one, two")
        expect(response.cookies.cookies["a"]?.value).toBe("1")
        expect(response.cookies.cookies["b"]?.value).toBe("2")
        expect(yield* response.text).toBe('{"héllo":"wörld"}')
        const bytes = new Uint8Array(yield* response.arrayBuffer)
        expect(new TextDecoder().decode(bytes)).toBe('{"héllo":"wörld"}')
        expect(yield* response.json).toEqual({ héllo: "wörld" })
        expect(server.hits[0]!.url).toBe("/x?q=1")
      })
    )
  )

  it.live("URL params, bytes then text, an empty body as null JSON, and invalid JSON as a ResponseError", () =>
    withClient((http) =>
      Effect.gen(function* () {
        const bodies = ["a=1&b=two", "plain", "", "{nope"]
        const server = yield* serve((_req, res, _hit, index) => res.end(bodies[index]))
        const get = () => http.execute(HttpClientRequest.get(`${server.origin}/`))
        const params = yield* Effect.flatMap(get(), (response) => response.urlParamsBody)
        expect(params).toEqual([
          ["a", "1"],
          ["b", "two"]
        ])
        const plain = yield* get()
        expect(new TextDecoder().decode(yield* plain.arrayBuffer)).toBe("plain")
        expect(yield* plain.text).toBe("plain")
        expect(yield* Effect.flatMap(get(), (response) => response.json)).toBeNull()
        const error = yield* Effect.flip(Effect.flatMap(get(), (response) => response.json))
        expect(error).toMatchObject({ _tag: "ResponseError", reason: "Decode" })
      })
    )
  )

  it.live("a refused connection is a RequestError with undici's cause; a bad URL is InvalidUrl", () =>
    withClient((http) =>
      Effect.gen(function* () {
        const url = yield* refusedUrl
        const refused = yield* Effect.flip(http.execute(HttpClientRequest.get(url)))
        expect(refused).toMatchObject({ _tag: "RequestError", reason: "Transport" })
        expect(JSON.stringify(refused.cause, Object.getOwnPropertyNames(refused.cause))).toContain("ECONNREFUSED")
        const invalid = yield* Effect.flip(http.execute(HttpClientRequest.get("not a url")))
        expect(invalid).toMatchObject({ _tag: "RequestError", reason: "InvalidUrl" })
      })
    )
  )

  it.live("ending a stream early closes the connection; interrupting a request aborts it", () =>
    withClient((http) =>
      Effect.gen(function* () {
        const server = yield* serve((req, res) => {
          if (req.url === "/stall") return
          res.writeHead(200)
          const timer = setInterval(() => res.write("x".repeat(16 * 1024)), 2)
          res.on("close", () => clearInterval(timer))
        })
        const response = yield* http.execute(HttpClientRequest.get(`${server.origin}/endless`))
        const first = yield* Stream.runCollect(Stream.take(response.stream, 1))
        expect(Chunk.size(first)).toBe(1)
        expect(yield* settled(server)).toBe(0)
        const fiber = yield* Effect.fork(http.execute(HttpClientRequest.get(`${server.origin}/stall`)))
        while (server.hits.length < 2) yield* Effect.sleep("5 millis")
        yield* Fiber.interrupt(fiber)
        expect(yield* settled(server)).toBe(0)
      })
    )
  )
})
