/**
 * The fault suite: a scripted server on 127.0.0.1 misbehaves the way production traffic does, and
 * every case runs on both layers (NodeClerk over undici, Clerk.layerFetch over fetch) with the same
 * expected outcome. Timeouts, backoff and caps are set short through RequestOptions so the suite is
 * fast. At the end it prints the table case -> outcome per layer.
 */
import {
  ActorTokens,
  Clerk,
  type ClerkClient,
  type ClerkError,
  JWKS,
  Miscellaneous,
  Users
} from "@effect-clerk/backend"
import * as NodeClerk from "@effect-clerk/platform-node/NodeClerk"
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import { inspect } from "node:util"
import { gzipSync } from "node:zlib"
import { type FaultServer, type Handler, json, refusedUrl, responsesDone, serve, settled } from "./faultServer.js"

const SECRET = "sk_test_FAULTcanary0123456789"
const CANARY = "FAULTcanary0123456789"

const LAYERS = {
  undici: (options: ClerkClient.Options) => NodeClerk.layer(options),
  fetch: (options: ClerkClient.Options) => Clerk.layerFetch(options)
} as const
type LayerName = keyof typeof LAYERS

const FAST: Partial<ClerkClient.Options> = {
  // the cases about timeouts set their own; this one only bounds a case that goes wrong
  timeout: "3 seconds",
  retry: { maxAttempts: 3, initialDelay: "10 millis", maxDelay: "40 millis", maxRetryAfter: "5 seconds" },
  maxResponseBytes: 64 * 1024
}

const token = {
  object: "actor_token",
  id: "act_1",
  status: "pending",
  user_id: "user_1",
  actor: { sub: "user_admin" },
  created_at: 1,
  updated_at: 2
}

type Services = Clerk.Services | ClerkClient.ClerkClient

/** The layer's services over `url`, with the suite's short settings and `options` over them. */
const clerkAt = (layer: LayerName, url: string, options: Partial<ClerkClient.Options> = {}) =>
  LAYERS[layer]({ secretKey: Redacted.make(SECRET), baseUrl: url, ...FAST, ...options })

const run = <A>(
  layer: LayerName,
  url: string,
  effect: Effect.Effect<A, ClerkError.ClerkError, Services>,
  options: Partial<ClerkClient.Options> = {}
) => effect.pipe(Effect.provide(clerkAt(layer, url, options)), Effect.exit)

/** The outcome as one line: `ok`, or the error's tag, reason or status, and attempts. */
const summary = (exit: Exit.Exit<unknown, ClerkError.ClerkError | { readonly _tag: string }>): string => {
  if (Exit.isSuccess(exit)) return "ok"
  const failure = exit.cause._tag === "Fail" ? (exit.cause.error as Record<string, unknown>) : undefined
  if (!failure) return `defect: ${String(exit.cause)}`
  const detail = [failure["reason"], failure["status"]].filter((x) => x !== undefined).join(" ")
  const attempts = failure["attempts"] !== undefined ? `, ${failure["attempts"]} attempt(s)` : ""
  return `${failure["_tag"]}${detail ? ` (${detail})` : ""}${attempts}`
}

const failureOf = (exit: Exit.Exit<unknown, unknown>): Record<string, any> => {
  if (exit._tag !== "Failure" || exit.cause._tag !== "Fail") {
    throw new Error(`expected a typed failure, got ${inspect(exit, { depth: 5 })}`)
  }
  return exit.cause.error as Record<string, any>
}

/** Nothing the SDK reports shows the key. */
const noKey = (exit: Exit.Exit<unknown, unknown>) => {
  const texts = [inspect(exit, { depth: 10 }), JSON.stringify(exit)]
  if (exit._tag === "Failure" && exit.cause._tag === "Fail") texts.push(String(exit.cause.error))
  for (const text of texts) expect(text).not.toContain(CANARY)
}

const table = new Map<string, Partial<Record<LayerName, string>>>()
const record = (name: string, layer: LayerName, exit: Exit.Exit<unknown, any>, extra = "") => {
  const row = table.get(name) ?? {}
  row[layer] = summary(exit) + extra
  table.set(name, row)
}

afterAll(() => {
  const lines = ["| case | undici | fetch |", "| --- | --- | --- |"]
  for (const [name, row] of table) lines.push(`| ${name} | ${row.undici ?? ""} | ${row.fetch ?? ""} |`)
  console.log(`\nFault suite outcomes\n${lines.join("\n")}\n`)
})

const withServer = <A, E>(handler: Handler, body: (server: FaultServer) => Effect.Effect<A, E>) =>
  Effect.scoped(Effect.flatMap(serve(handler), body))

for (const layer of Object.keys(LAYERS) as Array<LayerName>) {
  describe(`fault suite over ${layer}`, () => {
    it.live("connection refused: a GET and a POST are retried (nothing was sent), then TransportError", () =>
      Effect.gen(function* () {
        const url = yield* refusedUrl
        const get = yield* run(layer, url, JWKS.get())
        const post = yield* run(layer, url, ActorTokens.create({ user_id: "u", actor: { sub: "a" } }))
        for (const exit of [get, post]) {
          const error = failureOf(exit)
          expect(error._tag).toBe("TransportError")
          expect(error.reason).toBe("ConnectionRefused")
          expect(error.attempts).toBe(3)
          expect(error.message).toContain("connection refused")
          expect(error.message).toContain("after 3 attempts")
          noKey(exit)
        }
        record("connection refused (GET / POST)", layer, get, ` / ${summary(post)}`)
      })
    )

    it.live("reset before headers: a GET is retried; a POST is sent exactly once", () =>
      withServer(
        (req) => req.socket.destroy(),
        (server) =>
          Effect.gen(function* () {
            const get = yield* run(layer, server.url, JWKS.get())
            expect(server.hits).toHaveLength(3)
            expect(failureOf(get)).toMatchObject({ _tag: "TransportError", reason: "ConnectionReset", attempts: 3 })
            server.hits.length = 0
            const post = yield* run(layer, server.url, ActorTokens.create({ user_id: "u", actor: { sub: "a" } }))
            expect(server.hits).toHaveLength(1)
            expect(failureOf(post)).toMatchObject({ _tag: "TransportError", reason: "ConnectionReset", attempts: 1 })
            noKey(get)
            noKey(post)
            record("reset before headers (GET / POST)", layer, get, ` / ${summary(post)}`)
          })
      )
    )

    it.live("reset mid-body: TransportError ConnectionReset (GET retried)", () =>
      withServer(
        (_req, res) => {
          res.writeHead(200, { "content-type": "application/json", "content-length": "1000" })
          res.write('{"keys":[')
          setTimeout(() => res.socket?.destroy(), 20)
        },
        (server) =>
          Effect.gen(function* () {
            const exit = yield* run(layer, server.url, JWKS.get())
            expect(failureOf(exit)).toMatchObject({ _tag: "TransportError", reason: "ConnectionReset", attempts: 3 })
            expect(server.hits).toHaveLength(3)
            record("reset mid-body (GET)", layer, exit)
          })
      )
    )

    it.live("no answer: Timeout naming the operation and the duration; the connection is closed", () =>
      withServer(
        () => {},
        (server) =>
          Effect.gen(function* () {
            const started = performance.now()
            const exit = yield* run(layer, server.url, JWKS.get(), { timeout: "200 millis", retry: false })
            const elapsed = performance.now() - started
            const error = failureOf(exit)
            expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout", attempts: 1 })
            expect(error.message).toContain("JWKS.get")
            expect(error.message).toContain("200ms")
            expect(elapsed).toBeLessThan(2000)
            expect(yield* settled(server)).toBe(0)
            record("no answer", layer, exit)
          })
      )
    )

    it.live("stalled body: Timeout, and the connection is closed", () =>
      withServer(
        (_req, res) => {
          res.writeHead(200, { "content-type": "application/json", "content-length": "100" })
          res.write('{"keys":')
        },
        (server) =>
          Effect.gen(function* () {
            const exit = yield* run(layer, server.url, JWKS.get(), { timeout: "200 millis", retry: false })
            expect(failureOf(exit)).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
            expect(yield* settled(server)).toBe(0)
            record("stalled body", layer, exit)
          })
      )
    )

    it.live("slow trickle past the timeout: Timeout (the timeout bounds the whole attempt)", () =>
      withServer(
        (_req, res) => {
          res.writeHead(200, { "content-type": "application/json" })
          res.write('{"keys":[')
          const timer = setInterval(() => res.write(" "), 20)
          res.on("close", () => clearInterval(timer))
        },
        (server) =>
          Effect.gen(function* () {
            const exit = yield* run(layer, server.url, JWKS.get(), { timeout: "250 millis", retry: false })
            expect(failureOf(exit)).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
            expect(yield* settled(server)).toBe(0)
            record("slow trickle", layer, exit)
          })
      )
    )

    it.live("the caller interrupts a call in flight: the request is aborted and the connection closed", () =>
      withServer(
        () => {},
        (server) =>
          Effect.gen(function* () {
            // the layer outlives the call: closing it would close the connection by itself
            const fiber = yield* Effect.fork(Effect.exit(JWKS.get()))
            // wait until the server holds the request, then interrupt the caller
            for (let i = 0; i < 200 && server.hits.length === 0; i++) yield* Effect.sleep("5 millis")
            expect(server.hits.length).toBe(1)
            const started = performance.now()
            const exit = yield* Fiber.interrupt(fiber)
            expect(Exit.isInterrupted(exit)).toBe(true)
            // the interruption waited for the attempt to end, not for the 20 s timeout
            expect(performance.now() - started).toBeLessThan(2000)
            expect(yield* settled(server)).toBe(0)
            // and nothing was retried after the interruption
            yield* Effect.sleep("100 millis")
            expect(server.hits.length).toBe(1)
          }).pipe(Effect.provide(clerkAt(layer, server.url, { timeout: "20 seconds" })))
      )
    )

    it.live("concurrent calls keep their own deadlines: a short one started after a long one ends first", () =>
      withServer(
        () => {},
        (server) =>
          Effect.gen(function* () {
            const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length
            const before = timers()
            const started = performance.now()
            const long = yield* Effect.fork(Effect.exit(JWKS.get().pipe(Clerk.withTimeout("1500 millis"))))
            yield* Effect.sleep("20 millis")
            const short = yield* Effect.exit(JWKS.get().pipe(Clerk.withTimeout("150 millis")))
            const shortAt = performance.now() - started
            expect(failureOf(short)).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
            expect(shortAt).toBeGreaterThanOrEqual(165)
            expect(shortAt).toBeLessThan(1000)
            expect(failureOf(yield* Fiber.join(long))).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
            expect(performance.now() - started).toBeGreaterThanOrEqual(1500)
            // with nothing in flight, no timer of the SDK is left to keep the process alive
            expect(timers()).toBeLessThanOrEqual(before)
            // (not `settled` here: undici, and fetch over it, keep the sockets of two requests aborted
            // while both were waiting for headers as idle ones, and close them at keep-alive's 4 s)
          }).pipe(Effect.provide(clerkAt(layer, server.url, { retry: false })))
      )
    )

    it.live("a per-call timeout (Clerk.withTimeout) overrides the client's", () =>
      withServer(
        () => {},
        (server) =>
          Effect.gen(function* () {
            const exit = yield* run(layer, server.url, JWKS.get().pipe(Clerk.withTimeout("100 millis")), {
              timeout: "20 seconds",
              retry: false
            })
            expect(failureOf(exit).message).toContain("100ms")
          })
      )
    )

    it.live("429 Retry-After in seconds: waits, then succeeds", () =>
      withServer(
        (_req, res, _hit, index) =>
          index === 0 ? json(res, 429, { errors: [] }, { "retry-after": "1" }) : json(res, 200, { keys: [] }),
        (server) =>
          Effect.gen(function* () {
            const exit = yield* run(layer, server.url, JWKS.get())
            expect(Exit.isSuccess(exit)).toBe(true)
            expect(server.hits).toHaveLength(2)
            expect(server.hits[1]!.at - server.hits[0]!.at).toBeGreaterThanOrEqual(990)
            record("429 Retry-After: 1, then 200", layer, exit)
          })
      )
    )

    it.live("429 Retry-After as an HTTP date: waits until then, then succeeds", () =>
      withServer(
        (_req, res, _hit, index) =>
          index === 0
            ? json(res, 429, { errors: [] }, { "retry-after": new Date(Date.now() + 2000).toUTCString() })
            : json(res, 200, { keys: [] }),
        (server) =>
          Effect.gen(function* () {
            const exit = yield* run(layer, server.url, JWKS.get())
            expect(Exit.isSuccess(exit)).toBe(true)
            expect(server.hits).toHaveLength(2)
            // the date has a one-second resolution: at least one second later
            expect(server.hits[1]!.at - server.hits[0]!.at).toBeGreaterThanOrEqual(990)
            record("429 Retry-After: <HTTP date +2 s>, then 200", layer, exit)
          })
      )
    )

    it.live("429 with a Retry-After beyond the cap fails at once with retryAfter", () =>
      withServer(
        (_req, res) => json(res, 429, { errors: [] }, { "retry-after": "120" }),
        (server) =>
          Effect.gen(function* () {
            const started = performance.now()
            const exit = yield* run(layer, server.url, JWKS.get())
            expect(failureOf(exit)).toMatchObject({ _tag: "TooManyRequests", retryAfter: 120, attempts: 1 })
            expect(server.hits).toHaveLength(1)
            expect(performance.now() - started).toBeLessThan(1000)
            record("429 Retry-After: 120 (cap 5 s)", layer, exit)
          })
      )
    )

    it.live(
      "a storm of 50 concurrent 429s: exactly one retry each, none before Retry-After",
      () => {
        const limited = new Map<string, number>()
        return withServer(
          (req, res, hit) => {
            if (!limited.has(req.url!)) {
              limited.set(req.url!, hit.at)
              json(res, 429, { errors: [{ code: "too_many_requests", message: "slow down" }] }, { "retry-after": "1" })
            } else {
              json(res, 404, { errors: [{ code: "resource_not_found", message: "not found" }] })
            }
          },
          (server) =>
            Effect.gen(function* () {
              // one client, as in a program
              const exits = yield* Effect.forEach(
                Array.from({ length: 50 }, (_, i) => i),
                (i) => Effect.exit(Users.get(`user_${i}`)),
                { concurrency: "unbounded" }
              ).pipe(
                Effect.provide(
                  // a timeout that a loaded machine cannot hit: this case is about Retry-After
                  LAYERS[layer]({
                    secretKey: Redacted.make(SECRET),
                    baseUrl: server.url,
                    ...FAST,
                    timeout: "10 seconds"
                  })
                )
              )
              for (const exit of exits) noKey(exit)
              const early = server.hits.filter(
                (hit) => hit.at !== limited.get(hit.url) && hit.at - limited.get(hit.url)! < 990
              )
              expect(early.map((hit) => `${hit.url} ${Math.round(hit.at - limited.get(hit.url)!)}ms`)).toEqual([])
              for (const exit of exits) expect(failureOf(exit)).toMatchObject({ _tag: "NotFound", attempts: 2 })
              expect(server.hits).toHaveLength(100)
              for (const hit of server.hits) {
                const first = limited.get(hit.url)!
                if (hit.at !== first) expect(hit.at - first).toBeGreaterThanOrEqual(990)
              }
              record("50 concurrent calls, each 429 Retry-After: 1 once", layer, exits[0]!, " x50, 100 requests")
            })
        )
      },
      20_000
    )

    it.live("5xx with an HTML body: a GET is retried, then ServerError keeping a snippet", () =>
      withServer(
        (_req, res) => {
          res.writeHead(502, { "content-type": "text/html" })
          res.end(`<html><body>Bad gateway${"!".repeat(10_000)}</body></html>`)
        },
        (server) =>
          Effect.gen(function* () {
            const exit = yield* run(layer, server.url, JWKS.get())
            const error = failureOf(exit)
            expect(error).toMatchObject({ _tag: "ServerError", status: 502, attempts: 3 })
            expect(error.body).toContain("<html><body>Bad gateway")
            expect(error.body.length).toBeLessThanOrEqual(4096)
            expect(error.message).toContain("ServerError (502) in JWKS.get")
            expect(server.hits).toHaveLength(3)
            record("502 HTML (GET)", layer, exit)
          })
      )
    )

    it.live("5xx then success: the GET succeeds on the second attempt; a POST is not resent", () =>
      withServer(
        (req, res, _hit, index) =>
          index === 0 || req.method === "POST" ? json(res, 503, { errors: [] }) : json(res, 200, { keys: [] }),
        (server) =>
          Effect.gen(function* () {
            const get = yield* run(layer, server.url, JWKS.get())
            expect(Exit.isSuccess(get)).toBe(true)
            expect(server.hits).toHaveLength(2)
            const post = yield* run(layer, server.url, ActorTokens.create({ user_id: "u", actor: { sub: "a" } }))
            expect(failureOf(post)).toMatchObject({ _tag: "ServerError", status: 503, attempts: 1 })
            expect(server.hits).toHaveLength(3)
            record("503 then 200 (GET) / 503 (POST)", layer, get, ` / ${summary(post)}`)
          })
      )
    )

    const badBodies: ReadonlyArray<readonly [string, Handler, string]> = [
      [
        "non-JSON 200",
        (_req, res) => {
          res.writeHead(200, { "content-type": "text/html" })
          res.end("<html>hello</html>")
        },
        "InvalidJson"
      ],
      [
        "truncated JSON 200",
        (_req, res) => {
          res.writeHead(200, { "content-type": "application/json" })
          res.end('{"object":"actor_token","id":"act_')
        },
        "InvalidJson"
      ],
      [
        "empty 200",
        (_req, res) => {
          res.writeHead(200, { "content-type": "application/json", "content-length": "0" })
          res.end()
        },
        "InvalidJson"
      ],
      [
        "204 where JSON is documented",
        (_req, res) => {
          res.writeHead(204)
          res.end()
        },
        "InvalidJson"
      ],
      ["wrong shape 200", (_req, res) => json(res, 200, { ...token, created_at: "yesterday" }), "SchemaMismatch"]
    ]
    for (const [name, handler, reason] of badBodies) {
      it.live(`${name}: UnexpectedResponse ${reason}, not retried`, () =>
        withServer(handler, (server) =>
          Effect.gen(function* () {
            const exit = yield* run(layer, server.url, ActorTokens.revoke("act_1"))
            expect(failureOf(exit)).toMatchObject({ _tag: "UnexpectedResponse", reason, attempts: 1 })
            expect(server.hits).toHaveLength(1)
            record(name, layer, exit)
          })
        )
      )
    }

    it.live("a huge body, announced or chunked: TooLarge, read no further, connection closed", () =>
      withServer(
        (req, res) => {
          const chunk = Buffer.alloc(64 * 1024, 0x20)
          const total = 200
          res.writeHead(200, {
            "content-type": "application/json",
            ...(req.url!.includes("announced") ? { "content-length": String(chunk.length * total) } : {})
          })
          let sent = 0
          const pump = () => {
            while (sent < total) {
              sent++
              if (!res.write(chunk)) return res.once("drain", pump)
            }
            res.end()
          }
          res.on("close", () => (sent = total))
          pump()
        },
        (server) =>
          Effect.gen(function* () {
            const announced = yield* run(layer, server.url, Users.get("announced"))
            const chunked = yield* run(layer, server.url, Users.get("chunked"))
            for (const exit of [announced, chunked]) {
              expect(failureOf(exit)).toMatchObject({ _tag: "UnexpectedResponse", reason: "TooLarge", attempts: 1 })
            }
            // the server never got to send the whole body: the client stopped reading and closed
            expect(yield* responsesDone(server)).toEqual(["aborted", "aborted"])
            record("12.5 MiB body, maxResponseBytes 64 KiB", layer, announced)
          })
      )
    )

    it.live("a gzip body nobody asked for decodes the same on both layers (fetch decodes it, undici does not)", () =>
      withServer(
        (_req, res) => {
          const body = gzipSync(JSON.stringify({ keys: [], note: "x".repeat(500) }))
          res.writeHead(200, {
            "content-type": "application/json",
            "content-encoding": "gzip",
            "content-length": String(body.length)
          })
          res.end(body)
        },
        (server) =>
          Effect.gen(function* () {
            const exit = yield* run(layer, server.url, JWKS.get())
            expect(exit).toMatchObject({ _tag: "Success", value: { keys: [] } })
            record("unrequested gzip JSON", layer, exit)
          })
      )
    )

    it.live("a gzip body that inflates beyond maxResponseBytes is TooLarge", () =>
      withServer(
        (_req, res) => {
          const body = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20))
          res.writeHead(200, {
            "content-type": "application/json",
            "content-encoding": "gzip",
            "content-length": String(body.length)
          })
          res.end(body)
        },
        (server) =>
          Effect.gen(function* () {
            const exit = yield* run(layer, server.url, JWKS.get())
            expect(failureOf(exit)).toMatchObject({ _tag: "UnexpectedResponse", reason: "TooLarge" })
            record("gzip inflating to 10 MiB (cap 64 KiB)", layer, exit)
          })
      )
    )

    it.live("3xx to another origin: UnexpectedResponse with Location; nothing reaches the other origin", () =>
      Effect.scoped(
        Effect.gen(function* () {
          const other = yield* serve((_req, res) => json(res, 200, token))
          const server = yield* serve((_req, res) => {
            res.writeHead(307, { location: `${other.url}/actor_tokens/act_1/revoke` })
            res.end()
          })
          const get = yield* run(layer, server.url, JWKS.get())
          const post = yield* run(layer, server.url, ActorTokens.revoke("act_1"))
          for (const exit of [get, post]) {
            const error = failureOf(exit)
            expect(error).toMatchObject({ _tag: "UnexpectedResponse", reason: "UnexpectedStatus", status: 307 })
            expect(error.location).toBe(`${other.url}/actor_tokens/act_1/revoke`)
          }
          expect(server.hits).toHaveLength(2)
          expect(other.hits).toHaveLength(0)
          record("307 to another origin (GET / POST)", layer, get, ` / ${summary(post)}, 0 requests there`)
        })
      )
    )

    it.live("hostile ids: encoded into one segment, or refused before sending", () =>
      withServer(
        (_req, res) => json(res, 404, { errors: [{ code: "resource_not_found", message: "not found" }] }),
        (server) =>
          Effect.gen(function* () {
            const sent = ["a/b?c#d", "%2e%2e", "x\r\nX-Evil: 1", "ünï 🔑", "..."]
            for (const id of sent) {
              const exit = yield* run(layer, server.url, Users.get(id), { retry: false })
              expect(failureOf(exit)._tag).toBe("NotFound")
            }
            expect(server.hits.map((hit) => hit.url)).toEqual(sent.map((id) => `/v1/users/${encodeURIComponent(id)}`))
            for (const id of [".", ".."]) {
              const exit = yield* run(layer, server.url, Users.get(id))
              expect(failureOf(exit)).toMatchObject({ _tag: "InvalidInput", location: "path" })
            }
            expect(server.hits).toHaveLength(sent.length)
            record(
              "hostile ids (/ ? # %2e CR/LF unicode; . ..)",
              layer,
              Exit.succeed(undefined),
              ", . and .. InvalidInput"
            )
          })
      )
    )

    it.live("a key with a trailing newline is trimmed; one with a newline inside fails the layer", () =>
      withServer(
        (_req, res) => json(res, 200, { keys: [] }),
        (server) =>
          Effect.gen(function* () {
            const trimmed = yield* JWKS.get().pipe(
              Effect.provide(LAYERS[layer]({ secretKey: Redacted.make(`${SECRET}\n`), baseUrl: server.url })),
              Effect.exit
            )
            expect(Exit.isSuccess(trimmed)).toBe(true)
            expect(server.hits[0]!.headers["authorization"]).toBe(`Bearer ${SECRET}`)
            const broken = yield* JWKS.get().pipe(
              Effect.provide(
                LAYERS[layer]({
                  secretKey: Redacted.make(`${SECRET.slice(0, 12)}\n${SECRET.slice(12)}`),
                  baseUrl: server.url
                })
              ),
              Effect.exit
            )
            const error = failureOf(broken)
            expect(error._tag).toBe("ConfigError")
            expect(String(error)).toContain("secretKey")
            noKey(broken)
            expect(server.hits).toHaveLength(1)
            record("key ending in \\n / with \\n inside", layer, trimmed, ` / ${summary(broken)}`)
          })
      )
    )

    it.live("a no-content answer with a huge chunked body: the call succeeds, the rest is not read", () =>
      withServer(
        (_req, res) => {
          res.writeHead(200, { "content-type": "text/html" })
          let sent = 0
          const timer = setInterval(() => {
            res.write("x".repeat(64 * 1024))
            sent += 64 * 1024
            if (sent >= 8 * 1024 * 1024) {
              clearInterval(timer)
              res.end()
            }
          }, 2)
          res.on("close", () => clearInterval(timer))
        },
        (server) =>
          Effect.gen(function* () {
            const exit = yield* Effect.exit(Miscellaneous.getPublicInterstitial())
            expect(Exit.isSuccess(exit)).toBe(true)
            // the layer is still open: only the SDK can have closed the connection
            expect(yield* responsesDone(server)).toEqual(["aborted"])
            expect(yield* settled(server)).toBe(0)
          }).pipe(Effect.provide(clerkAt(layer, server.url)))
      )
    )

    it.live("no-content answers are drained: 30 calls reuse one connection", () =>
      withServer(
        (_req, res) => {
          res.writeHead(200, { "content-type": "text/html" })
          res.end(`<html>${"x".repeat(2000)}</html>`)
        },
        (server) =>
          Effect.gen(function* () {
            const exit = yield* Effect.gen(function* () {
              for (let i = 0; i < 30; i++) yield* Miscellaneous.getPublicInterstitial()
            }).pipe(Effect.provide(clerkAt(layer, server.url)), Effect.exit)
            expect(Exit.isSuccess(exit)).toBe(true)
            expect(server.hits).toHaveLength(30)
            expect(server.connections()).toBeLessThanOrEqual(2)
            record("30 HTML interstitials (void), sequential", layer, exit, `, ${server.connections()} connection(s)`)
          })
      )
    )

    it.live("an error body beyond 64 KiB is not read whole", () =>
      withServer(
        (_req, res) => {
          res.writeHead(500, { "content-type": "text/html" })
          const chunk = Buffer.alloc(64 * 1024, 0x41)
          let sent = 0
          const pump = () => {
            while (sent < 800) {
              sent++
              if (!res.write(chunk)) return res.once("drain", pump)
            }
            res.end()
          }
          res.on("close", () => (sent = 800))
          pump()
        },
        (server) =>
          Effect.gen(function* () {
            const exit = yield* run(layer, server.url, ActorTokens.revoke("act_1"))
            const error = failureOf(exit)
            expect(error).toMatchObject({ _tag: "ServerError", status: 500, attempts: 1 })
            expect(error.body.length).toBe(4096)
            expect(yield* responsesDone(server)).toEqual(["aborted"])
            record("500 with a 50 MiB body (POST)", layer, exit)
          })
      )
    )
  })
}
