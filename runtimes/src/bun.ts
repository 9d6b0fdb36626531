/**
 * The handler in `Bun.serve` on 127.0.0.1 (a free port, printed as `{"listening":port}`).
 * Configuration comes from the process environment (effect's default config provider).
 */
import { makeHandler } from "./handler.js"

declare const Bun: {
  serve(options: {
    readonly hostname: string
    readonly port: number
    readonly idleTimeout: number
    readonly fetch: (request: Request) => Promise<Response>
  }): { readonly port: number }
}

// idleTimeout in seconds (Bun's default, 10, would close a connection the driver keeps waiting on)
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 60, fetch: makeHandler() })
console.log(JSON.stringify({ listening: server.port }))
