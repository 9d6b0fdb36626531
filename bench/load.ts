/**
 * Load script (not a test): on each layer (undici, fetch), 10,000 calls at concurrency 100 against a
 * server on 127.0.0.1, then 2,000 calls of which 10% meet a random fault (reset before headers,
 * reset mid-body, 5xx HTML, 503, 429 Retry-After: 1, no answer, truncated JSON, an oversized body).
 * Prints the outcomes by class, the calls lost (no outcome), the untyped ones (defects,
 * interruptions), the sockets still open once the client is closed, and RSS before and after.
 * Exits non-zero if any call is lost or untyped or a socket hangs; stops by itself (5 min cap).
 *
 *   npx -y pnpm@10.34.9 load            # both layers (node --expose-gc: RSS after a full GC)
 *   npx -y pnpm@10.34.9 load -- undici  # one
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { createServer, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { ActorTokens, Clerk, type ClerkClient, type ClerkError, JWKS } from "../packages/backend/src/index.js"
import * as NodeClerk from "../packages/platform-node/src/NodeClerk.js"

const hardStop = setTimeout(() => {
  console.error("load: still running after 5 minutes, stopping")
  process.exit(2)
}, 300_000)
hardStop.unref()

const token = JSON.stringify({
  object: "actor_token",
  id: "act_1",
  status: "revoked",
  user_id: "user_1",
  actor: { sub: "user_2" },
  created_at: 1,
  updated_at: 2
})
const jwks = JSON.stringify({ keys: [{ kid: "k1", kty: "RSA", alg: "RS256", use: "sig", n: "x", e: "AQAB" }] })

/** A seeded PRNG (mulberry32), so a run's faults are the same every time. */
const prng = (seed: number) => () => {
  seed |= 0
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const FAULTS = ["reset", "reset-mid-body", "html-502", "503", "429", "no-answer", "truncated", "oversized"] as const
type Fault = (typeof FAULTS)[number]

const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    ...headers
  })
  res.end(body)
}

const answer = (fault: Fault | undefined, url: string, res: ServerResponse) => {
  const ok = url.endsWith("/jwks") ? jwks : token
  switch (fault) {
    case undefined:
      return send(res, 200, ok)
    case "reset":
      return res.socket?.destroy()
    case "reset-mid-body":
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" })
      res.write(ok.slice(0, 10))
      return setTimeout(() => res.socket?.destroy(), 5)
    case "html-502":
      res.writeHead(502, { "content-type": "text/html" })
      return res.end(`<html><body>${"bad gateway ".repeat(2000)}</body></html>`)
    case "503":
      return send(res, 503, JSON.stringify({ errors: [{ code: "unavailable", message: "try later" }] }))
    case "429":
      return send(res, 429, JSON.stringify({ errors: [{ code: "too_many_requests", message: "slow down" }] }), {
        "retry-after": "1"
      })
    case "no-answer":
      return
    case "truncated":
      return send(res, 200, ok.slice(0, ok.length - 5))
    case "oversized":
      res.writeHead(200, { "content-type": "application/json", "content-length": String(4 * 1024 * 1024) })
      return res.end(Buffer.alloc(4 * 1024 * 1024, 0x20))
  }
}

interface Server {
  readonly url: string
  readonly open: () => number
  /** Requests whose response neither finished nor was closed by the client. */
  readonly pending: () => number
  faultRate: number
  readonly close: () => Promise<void>
}

const startServer = (seed: number): Promise<Server> =>
  new Promise((resolve) => {
    const random = prng(seed)
    const sockets = new Set<Socket>()
    const state = { faultRate: 0, pending: 0 }
    const srv = createServer((req, res) => {
      state.pending++
      res.on("close", () => state.pending--)
      req.resume()
      req.on("end", () => {
        res.on("error", () => {})
        const fault = random() < state.faultRate ? FAULTS[Math.floor(random() * FAULTS.length)] : undefined
        answer(fault, req.url!, res)
      })
    })
    srv.keepAliveTimeout = 30_000
    srv.on("connection", (socket) => {
      sockets.add(socket)
      socket.on("error", () => {})
      socket.on("close", () => sockets.delete(socket))
    })
    srv.listen(0, "127.0.0.1", () => {
      const server: Server = {
        url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1`,
        open: () => sockets.size,
        pending: () => state.pending,
        get faultRate() {
          return state.faultRate
        },
        set faultRate(rate: number) {
          state.faultRate = rate
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy()
            srv.close(() => done())
          })
      }
      resolve(server)
    })
  })

const LAYERS = {
  undici: (options: ClerkClient.Options) => NodeClerk.layer(options),
  fetch: (options: ClerkClient.Options) => Clerk.layerFetch(options)
} as const
type LayerName = keyof typeof LAYERS

const classify = (exit: Exit.Exit<unknown, unknown>): string => {
  if (Exit.isSuccess(exit)) return "ok"
  if (exit.cause._tag !== "Fail") return "UNTYPED"
  const error = exit.cause.error as { _tag: string; reason?: string; status?: number; attempts?: number }
  const detail = error.reason ?? error.status
  return `${error._tag}${detail !== undefined ? ` ${detail}` : ""}`
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

const phase = (layer: LayerName, server: Server, calls: number, faultRate: number) =>
  Effect.gen(function* () {
    server.faultRate = faultRate
    const outcomes = new Map<string, number>()
    const durations: Array<number> = []
    let done = 0
    const started = performance.now()
    yield* Effect.forEach(
      Array.from({ length: calls }, (_, i) => i),
      (i) =>
        // GETs (retried on 5xx and resets) and POSTs (never resent once sent), half and half
        Effect.exit<unknown, ClerkError.ClerkError, Clerk.Services>(
          i % 2 === 0 ? JWKS.get() : ActorTokens.revoke(`act_${i}`)
        ).pipe(
          Effect.timed,
          Effect.map(([duration, exit]) => {
            durations.push(Duration.toMillis(duration))
            done++
            const key = classify(exit)
            outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
          })
        ),
      { concurrency: 100, discard: true }
    ).pipe(
      Effect.provide(
        LAYERS[layer]({
          secretKey: Redacted.make("sk_test_load"),
          baseUrl: server.url,
          // Generous: this run counts outcomes, not latency, and on a loaded machine (client and
          // server share one event loop) an answer can take 5 s. LOAD_TIMEOUT="1 second" shows
          // what a tight timeout does under load: typed Timeouts, nothing else.
          timeout: (process.env["LOAD_TIMEOUT"] ?? "10 seconds") as Duration.DurationInput,
          maxResponseBytes: 1024 * 1024,
          retry: {
            maxAttempts: 3,
            initialDelay: "20 millis",
            maxDelay: "200 millis",
            maxRetryAfter: "2 seconds",
            budget: "12 seconds"
          }
        }) as Layer.Layer<Clerk.Services | ClerkClient.ClerkClient>
      )
    )
    const elapsed = performance.now() - started
    // The layer is closed here (undici's Agent destroyed). A hung socket is a request the server
    // still holds open: no response finished and the client never closed it. (fetch's global pool
    // keeps idle keep-alive sockets, which are not hung: they carry no request.)
    const deadline = performance.now() + 3000
    while ((server.pending() > 0 || (layer === "undici" && server.open() > 0)) && performance.now() < deadline) {
      yield* Effect.sleep("20 millis")
    }
    durations.sort((a, b) => a - b)
    const at = (q: number) =>
      Math.round(durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] ?? 0)
    const latency = `per call (retries included): p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`
    return { outcomes, done, elapsed, latency, open: server.open(), hung: server.pending() }
  })

const main = Effect.gen(function* () {
  const only = process.argv.slice(2).filter((arg) => arg !== "--")
  const layers = (Object.keys(LAYERS) as Array<LayerName>).filter((name) => only.length === 0 || only.includes(name))
  let failed = false
  for (const layer of layers) {
    for (const [calls, rate] of [
      [10_000, 0],
      [2_000, 0.1]
    ] as const) {
      const server = yield* Effect.promise(() => startServer(42))
      global.gc?.()
      const rssBefore = process.memoryUsage().rss
      const result = yield* phase(layer, server, calls, rate)
      global.gc?.()
      const rssAfter = process.memoryUsage().rss
      yield* Effect.promise(() => server.close())
      const untyped = result.outcomes.get("UNTYPED") ?? 0
      const lost = calls - result.done
      console.log(
        `\n${layer}: ${calls} calls, concurrency 100, ${rate * 100}% faults, ${(result.elapsed / 1000).toFixed(1)} s`
      )
      for (const [key, n] of [...result.outcomes].sort((a, b) => b[1] - a[1])) {
        console.log(`  ${String(n).padStart(6)}  ${key}`)
      }
      const hung = result.hung + (layer === "undici" ? result.open : 0)
      console.log(
        `  untyped ${untyped}, lost ${lost}, hung sockets ${hung} (requests left open ${result.hung}; sockets open after the client closed: ${result.open}${layer === "fetch" ? ", idle in fetch's global pool" : ""})`
      )
      console.log(`  ${result.latency}`)
      console.log(`  RSS ${mb(rssBefore)} -> ${mb(rssAfter)}`)
      if (untyped > 0 || lost > 0 || hung > 0) failed = true
    }
  }
  console.log(failed ? "\nload: FAILED" : "\nload: 0 untyped, 0 lost, 0 hung sockets")
  if (failed) process.exitCode = 1
})

Effect.runPromise(main).then(
  () => process.exit(),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
