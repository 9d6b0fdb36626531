/**
 * The benchmark's loopback server, run in its own process so that its CPU is not the client's.
 * It serves the deterministic payloads of `payloads.ts`, serialized once:
 *
 *   GET  /v1/users?limit=N     the first N users (a bare array, as the spec documents)
 *   GET  /v1/users/count       `{ object: "total_count", total_count: 500 }` (@clerk/backend asks for it)
 *   POST /v1/actor_tokens      one actor token
 *   GET  /__requests           how many requests it answered so far (for "requests per call")
 *
 * It listens on 127.0.0.1 only, reports its port on IPC, and exits when its parent goes away or
 * after `BENCH_SERVER_TTL_MS` (default 15 minutes), whichever comes first.
 */
import { createServer } from "node:http"
import { actorToken, users } from "./payloads.js"

const byLimit = new Map<number, Buffer>()
const usersBody = (limit: number): Buffer => {
  let body = byLimit.get(limit)
  if (!body) {
    body = Buffer.from(JSON.stringify(users.slice(0, limit)))
    byLimit.set(limit, body)
  }
  return body
}
const countBody = Buffer.from(JSON.stringify({ object: "total_count", total_count: users.length }))
const tokenBody = Buffer.from(JSON.stringify(actorToken))
let answered = 0

const server = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://127.0.0.1")
  const send = (status: number, body: Buffer) => {
    response.writeHead(status, { "content-type": "application/json", "content-length": body.length })
    response.end(body)
  }
  if (url.pathname === "/__requests") return send(200, Buffer.from(String(answered)))
  answered++
  // Drain request bodies before answering (POST).
  request.resume()
  request.on("end", () => {
    if (request.method === "GET" && url.pathname === "/v1/users") {
      const limit = Math.min(500, Math.max(1, Number(url.searchParams.get("limit") ?? "10") || 10))
      return send(200, usersBody(limit))
    }
    if (request.method === "GET" && url.pathname === "/v1/users/count") return send(200, countBody)
    if (request.method === "POST" && url.pathname === "/v1/actor_tokens") return send(200, tokenBody)
    send(404, Buffer.from(JSON.stringify({ errors: [{ code: "resource_not_found", message: "not found" }] })))
  })
})
server.keepAliveTimeout = 60_000

server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  const port = typeof address === "object" && address ? address.port : 0
  if (process.send) process.send({ port })
  else console.log(`listening on http://127.0.0.1:${port}`)
})

const stop = () => {
  server.close()
  server.closeAllConnections()
  process.exit(0)
}
process.on("disconnect", stop)
process.on("SIGTERM", stop)
setTimeout(stop, Number(process.env["BENCH_SERVER_TTL_MS"] ?? 15 * 60_000)).unref()
