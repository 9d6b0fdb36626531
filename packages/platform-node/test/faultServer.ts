/**
 * A scripted HTTP server on 127.0.0.1 for the fault suite: each request goes to `handler`, which
 * may answer, answer badly, or not at all. It records every request (with its arrival time and the
 * connection it came on) and every connection (open or closed), and closes everything when the
 * scope ends.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"

export interface Hit {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage["headers"]
  readonly body: string
  /** `performance.now()` when the request's headers arrived. */
  readonly at: number
  /** Which connection (1, 2, ...) it came on. */
  readonly connection: number
  /** `finished` once the whole response was handed to the socket, `aborted` if closed before. */
  response: "pending" | "finished" | "aborted"
}

export interface FaultServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly url: string
  readonly origin: string
  readonly hits: Array<Hit>
  /** Connections accepted so far. */
  readonly connections: () => number
  /** Connections still open. */
  readonly open: () => number
}

export type Handler = (req: IncomingMessage, res: ServerResponse, hit: Hit, index: number) => void

export const serve = (handler: Handler): Effect.Effect<FaultServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: FaultServer; readonly close: () => Promise<void> }>((resume) => {
      const hits: Array<Hit> = []
      const sockets = new Set<Socket>()
      const ids = new WeakMap<Socket, number>()
      let accepted = 0
      const srv = createServer((req, res) => {
        const at = performance.now()
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const hit: Hit = {
            method: req.method!,
            url: req.url!,
            headers: req.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            at,
            connection: ids.get(req.socket) ?? 0,
            response: "pending"
          }
          hits.push(hit)
          res.on("error", () => {})
          res.on("finish", () => (hit.response = "finished"))
          res.on("close", () => {
            if (hit.response === "pending") hit.response = "aborted"
          })
          handler(req, res, hit, hits.length - 1)
        })
      })
      srv.on("connection", (socket) => {
        ids.set(socket, ++accepted)
        sockets.add(socket)
        socket.on("error", () => {})
        socket.on("close", () => sockets.delete(socket))
      })
      srv.listen(0, "127.0.0.1", () => {
        const { port } = srv.address() as AddressInfo
        const origin = `http://127.0.0.1:${port}`
        resume(
          Effect.succeed({
            server: {
              url: `${origin}/v1`,
              origin,
              hits,
              connections: () => accepted,
              open: () => sockets.size
            },
            close: () =>
              new Promise<void>((done) => {
                for (const socket of sockets) socket.destroy()
                srv.close(() => done())
              })
          })
        )
      })
    }),
    ({ close }) => Effect.promise(close)
  ).pipe(Effect.map(({ server }) => server))

/** A URL where nothing listens: a port bound, then released. */
export const refusedUrl: Effect.Effect<string> = Effect.scoped(
  Effect.map(
    serve(() => {}),
    (server) => server.url
  )
)

/** Waits (up to `within` ms) until the server has no open connection; the count left. */
export const settled = (server: FaultServer, within = 2000): Effect.Effect<number> =>
  Effect.gen(function* () {
    const deadline = performance.now() + within
    while (server.open() > 0 && performance.now() < deadline) yield* Effect.sleep("10 millis")
    return server.open()
  })

/** Waits (up to `within` ms) until every response is finished or aborted; their states. */
export const responsesDone = (server: FaultServer, within = 2000): Effect.Effect<Array<Hit["response"]>> =>
  Effect.gen(function* () {
    const deadline = performance.now() + within
    while (server.hits.some((hit) => hit.response === "pending") && performance.now() < deadline) {
      yield* Effect.sleep("10 millis")
    }
    return server.hits.map((hit) => hit.response)
  })

export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...headers
  })
  res.end(text)
}
