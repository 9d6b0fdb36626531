/**
 * The handler in Node's `http` server on 127.0.0.1 (a free port, printed as `{"listening":port}`),
 * for the Node versions `pnpm test:runtimes` installs. Node has no web-standard `serve`: the
 * request is handed over as a `Request`, the `Response` written back.
 * Configuration comes from the process environment (effect's default config provider).
 */
/// <reference types="node" />
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { makeHandler } from "./handler.js"

const handler = makeHandler()

const server = createServer(async (incoming, outgoing) => {
  const chunks: Array<Buffer> = []
  for await (const chunk of incoming) chunks.push(chunk as Buffer)
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (typeof value === "string") headers.set(name, value)
  }
  const method = incoming.method ?? "GET"
  const request = new Request(`http://127.0.0.1${incoming.url ?? "/"}`, {
    method,
    headers,
    ...(method === "GET" || method === "HEAD" ? {} : { body: Buffer.concat(chunks) })
  })
  const response = await handler(request)
  outgoing.writeHead(response.status, Object.fromEntries(response.headers))
  outgoing.end(Buffer.from(await response.arrayBuffer()))
})
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ listening: (server.address() as AddressInfo).port })))
