/**
 * `Webhook.handler` behind a real Node server on 127.0.0.1: what a sender sees on the wire.
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { createServer, request } from "node:http"
import * as Webhook from "../src/Webhook.js"

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

/** Serves a handler on 127.0.0.1 and yields its base URL. */
const serve = (ran: Array<string>) =>
  Effect.gen(function* () {
    const app = yield* Webhook.handler(
      { secret: Redacted.make(SECRET) },
      { orElse: (event) => Effect.sync(() => ran.push(event.type)) }
    )
    const server = yield* Layer.build(
      HttpRouter.empty.pipe(
        HttpRouter.post("/webhooks/clerk", app),
        HttpServer.serve(),
        Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
      )
    )
    const address = server.unsafeMap.get(HttpServer.HttpServer.key) as HttpServer.HttpServer
    if (address.address._tag !== "TcpAddress") return yield* Effect.dieMessage("no TCP address")
    return `http://127.0.0.1:${address.address.port}/webhooks/clerk`
  })

/**
 * Sends `size` bytes with `Transfer-Encoding: chunked` (no length announced), 64 KiB at a time,
 * and reports the answer, or the connection error the sender met.
 */
const sendChunked = (url: string, size: number) =>
  Effect.async<{ status?: number; body?: string; error?: string }>((resume) => {
    const req = request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "svix-id": "msg_big",
        "svix-timestamp": String(Math.floor(Date.now() / 1000)),
        "svix-signature": "v1,AAAA"
      }
    })
    const timer = setTimeout(() => {
      req.destroy()
      resume(Effect.succeed({ error: "no answer within 20 s" }))
    }, 20_000)
    req.on("error", (error) => {
      clearTimeout(timer)
      resume(Effect.succeed({ error: (error as NodeJS.ErrnoException).code ?? error.message }))
    })
    req.on("response", (response) => {
      let body = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (body += chunk))
      response.on("end", () => {
        clearTimeout(timer)
        resume(Effect.succeed({ status: response.statusCode!, body }))
      })
      response.on("error", (error) => {
        clearTimeout(timer)
        resume(Effect.succeed({ error: (error as NodeJS.ErrnoException).code ?? error.message }))
      })
    })
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    let sent = 0
    const write = () => {
      while (sent < size) {
        sent += chunk.length
        if (!req.write(chunk)) return req.once("drain", write)
      }
      req.end()
    }
    write()
    return Effect.sync(() => {
      clearTimeout(timer)
      req.destroy()
    })
  })

describe("Webhook.handler over a real server on 127.0.0.1", () => {
  it.live(
    "a chunked delivery over the body cap: 413 with its reason, on a connection closed cleanly",
    () =>
      Effect.gen(function* () {
        const ran: Array<string> = []
        const url = yield* serve(ran)
        const answer = yield* sendChunked(url, 2 * 1024 * 1024)
        expect(answer).toEqual({ status: 413, body: JSON.stringify({ error: "body-too-large" }) })
        expect(ran).toEqual([])
        // the server still answers afterwards
        const small = yield* sendChunked(url, 64 * 1024)
        expect(small.status).toBe(400)
      }).pipe(Effect.scoped),
    30_000
  )
})
