/**
 * The handler in `Deno.serve` on 127.0.0.1 (a free port, printed as `{"listening":port}`).
 * Configuration comes from the process environment (effect's default config provider).
 */
import { makeHandler } from "./handler.js"

declare const Deno: {
  serve(
    options: {
      readonly hostname: string
      readonly port: number
      readonly onListen: (address: { port: number }) => void
    },
    handler: (request: Request) => Promise<Response>
  ): unknown
}

Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(JSON.stringify({ listening: port })) },
  makeHandler()
)
