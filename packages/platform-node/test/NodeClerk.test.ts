import { ActorTokens, Clerk, ClerkClient, JWKS, Users } from "@effect-clerk/backend"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeClerkClient } from "@effect-clerk/platform-node"
import * as NodeClerk from "@effect-clerk/platform-node/NodeClerk"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
// the runtime's private flags of a service (no longer fields of the public `ClerkClient.Service`)
import * as RuntimeFlags from "../../backend/src/internal/runtimeFlags.js"

const SECRET = "sk_test_nodeCANARYkey42"

interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage["headers"]
  readonly body: string
}

/** A real HTTP server on 127.0.0.1 that records requests and answers with `reply`. */
const server = (reply: (seen: Seen, res: ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly seen: Array<Seen> }>((resume) => {
      const seen: Array<Seen> = []
      const srv = createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const entry = {
            method: req.method!,
            url: req.url!,
            headers: req.headers,
            body: Buffer.concat(chunks).toString("latin1")
          }
          seen.push(entry)
          reply(entry, res)
        })
      })
      srv.listen(0, "127.0.0.1", () => {
        const { port } = srv.address() as AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}/v1`, seen, srv }))
      })
    }),
    (s) =>
      Effect.promise(
        () =>
          new Promise<void>((done) =>
            (s as unknown as { srv: ReturnType<typeof createServer> }).srv.close(() => done())
          )
      )
  )

const token = {
  object: "actor_token",
  id: "act_1",
  status: "pending",
  user_id: "user_1",
  actor: { sub: "user_admin" },
  token: "tok",
  url: "https://example.invalid/accept?ticket=tok",
  created_at: 1,
  updated_at: 2
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers })
  res.end(JSON.stringify(body))
}

/** JWKS over NodeClerkClient against `url`, with the test key and `extra` options. */
const overNode =
  (url: string, extra: Partial<ClerkClient.Options>) =>
  <A, E>(effect: Effect.Effect<A, E, JWKS.JWKS>) =>
    Effect.provide(
      effect,
      JWKS.layer.pipe(
        Layer.provide(NodeClerkClient.layer({ secretKey: Redacted.make(SECRET), baseUrl: url, ...extra }))
      )
    )

describe("NodeClerk over undici against a server on 127.0.0.1", () => {
  it.scoped("create and revoke round trip with every header and the body", () =>
    Effect.gen(function* () {
      const { url, seen } = yield* server((_, res) => json(res, 200, token))
      const result = yield* Effect.gen(function* () {
        const created = yield* ActorTokens.create({
          user_id: "user_1",
          actor: { sub: "user_admin" },
          expires_in_seconds: 60
        })
        const revoked = yield* ActorTokens.revoke("act/1")
        return [created, revoked] as const
      }).pipe(Effect.provide(NodeClerk.layer({ secretKey: Redacted.make(SECRET), baseUrl: url })))
      expect(result[0]).toEqual(token)
      expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
        "POST /v1/actor_tokens",
        "POST /v1/actor_tokens/act%2F1/revoke"
      ])
      const [create, revoke] = seen
      expect(create!.headers["authorization"]).toBe(`Bearer ${SECRET}`)
      expect(create!.headers["clerk-api-version"]).toBe("2026-05-12")
      expect(create!.headers["user-agent"]).toMatch(/^@effect-clerk\/backend\/\d+\.\d+\.\d+$/)
      expect(create!.headers["accept"]).toBe("application/json")
      expect(create!.headers["content-type"]).toBe("application/json")
      expect(create!.headers["traceparent"]).toBeUndefined()
      expect(JSON.parse(create!.body)).toEqual({
        user_id: "user_1",
        actor: { sub: "user_admin" },
        expires_in_seconds: 60
      })
      expect(revoke!.body).toBe("")
    })
  )

  it.scoped("layerConfig reads CLERK_SECRET_KEY and CLERK_API_URL; error statuses are typed", () =>
    Effect.gen(function* () {
      const { url, seen } = yield* server((s, res) =>
        s.url.endsWith("/revoke")
          ? json(res, 404, {
              errors: [{ code: "resource_not_found", message: "not found", long_message: "No actor token" }],
              clerk_trace_id: "t1"
            })
          : json(
              res,
              429,
              { errors: [{ code: "too_many_requests", message: "slow", long_message: "slow down" }] },
              { "retry-after": "3" }
            )
      )
      // one attempt: the retries of a 429 are the fault suite's business (FaultSuite.test.ts)
      const layer = NodeClerk.layerConfig({ retry: false }).pipe(
        Layer.provide(
          Layer.setConfigProvider(
            ConfigProvider.fromMap(
              new Map([
                ["CLERK_SECRET_KEY", SECRET],
                ["CLERK_API_URL", url]
              ])
            )
          )
        )
      )
      const [notFound, limited] = yield* Effect.all([
        Effect.flip(ActorTokens.revoke("act_x")),
        Effect.flip(Users.get("user_1"))
      ]).pipe(Effect.provide(layer))
      expect(notFound._tag).toBe("NotFound")
      expect(notFound._tag === "NotFound" && notFound.clerk_trace_id).toBe("t1")
      expect(limited._tag).toBe("TooManyRequests")
      expect(limited._tag === "TooManyRequests" && limited.retryAfter).toBe(3)
      expect(seen[0]!.headers["authorization"]).toBe(`Bearer ${SECRET}`)
    })
  )

  it.scoped("a connection refused is a TransportError that does not show the key", () =>
    Effect.gen(function* () {
      // Bind then close a port, so nothing listens there.
      const { url } = yield* Effect.scoped(server((_, res) => json(res, 200, token)))
      const error = yield* Effect.flip(ActorTokens.revoke("act_1")).pipe(
        Effect.provide(NodeClerk.layer({ secretKey: Redacted.make(SECRET), baseUrl: url, retry: false }))
      )
      expect(error._tag).toBe("TransportError")
      expect(error._tag === "TransportError" && error.reason).toBe("ConnectionRefused")
      expect(error.message).toContain("ActorTokens.revoke")
      expect(error.message).toContain("connection refused")
      for (const text of [String(error), error.message, JSON.stringify(error), inspect(error, { depth: 10 })]) {
        expect(text).not.toContain("nodeCANARYkey42")
      }
    })
  )

  it.scoped("a server that resets the connection mid-body is a TransportError, not a defect", () =>
    Effect.gen(function* () {
      const { url } = yield* server((_, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" })
        res.write('{"object":"actor_token"')
        setTimeout(() => res.socket?.destroy(), 10)
      })
      const error = yield* Effect.flip(ActorTokens.revoke("act_1")).pipe(
        Effect.provide(NodeClerk.layer({ secretKey: Redacted.make(SECRET), baseUrl: url }))
      )
      expect(error._tag).toBe("TransportError")
      expect(error._tag === "TransportError" && error.reason).toBe("ConnectionReset")
    })
  )

  it.scoped("an upload given as a path is read from disk and sent as multipart through undici", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "effect-clerk-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
      const path = join(dir, "avatar.png")
      writeFileSync(path, Buffer.from([0x89, 0x50, 0x4e, 0x47, 9, 9, 9]))
      const { url, seen } = yield* server((_, res) => json(res, 500, { errors: [] }))
      const error = yield* Effect.flip(Users.setProfileImage("user_1", { file: { path } })).pipe(
        Effect.provide(NodeClerk.layer({ secretKey: Redacted.make(SECRET), baseUrl: url }))
      )
      // The server's 500 proves the request went out; its body is what matters here.
      expect(error._tag).toBe("ServerError")
      const [request] = seen
      expect(`${request!.method} ${request!.url}`).toBe("POST /v1/users/user_1/profile_image")
      const form = yield* Effect.promise(() =>
        new Response(Buffer.from(request!.body, "latin1"), {
          headers: { "content-type": String(request!.headers["content-type"]) }
        }).formData()
      )
      const file = form.get("file") as File
      expect(file.name).toBe("avatar.png")
      expect(file.type).toBe("image/png")
      expect([...new Uint8Array(yield* Effect.promise(() => file.arrayBuffer()))]).toEqual([
        0x89, 0x50, 0x4e, 0x47, 9, 9, 9
      ])
    })
  )

  it.scoped("NodeClerkClient under one group's layer: the request goes out over undici with Clerk's headers", () =>
    Effect.gen(function* () {
      const { url, seen } = yield* server((_, res) => json(res, 200, token))
      const created = yield* ActorTokens.create({ user_id: "user_1", actor: { sub: "user_admin" } }).pipe(
        Effect.provide(
          ActorTokens.layer.pipe(
            Layer.provide(NodeClerkClient.layer({ secretKey: Redacted.make(SECRET), baseUrl: url }))
          )
        )
      )
      expect(created).toEqual(token)
      const [request] = seen
      expect(`${request!.method} ${request!.url}`).toBe("POST /v1/actor_tokens")
      expect(request!.headers["authorization"]).toBe(`Bearer ${SECRET}`)
      expect(request!.headers["clerk-api-version"]).toBe("2026-05-12")
      expect(JSON.parse(request!.body)).toEqual({ user_id: "user_1", actor: { sub: "user_admin" } })
    })
  )

  it.scoped(
    "NodeClerkClient.layerConfig reads CLERK_SECRET_KEY / CLERK_API_URL and gives Node's FileSystem to uploads",
    () =>
      Effect.gen(function* () {
        const dir = mkdtempSync(join(tmpdir(), "effect-clerk-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
        const path = join(dir, "logo.png")
        writeFileSync(path, Buffer.from([1, 2, 3]))
        const { url, seen } = yield* server((_, res) =>
          json(res, 404, { errors: [{ code: "resource_not_found", message: "not found", long_message: "none" }] })
        )
        const layer = Users.layer.pipe(
          Layer.provide(NodeClerkClient.layerConfig()),
          Layer.provide(
            Layer.setConfigProvider(
              ConfigProvider.fromMap(
                new Map([
                  ["CLERK_SECRET_KEY", SECRET],
                  ["CLERK_API_URL", url]
                ])
              )
            )
          )
        )
        const error = yield* Effect.flip(Users.setProfileImage("user_1", { file: { path } })).pipe(
          Effect.provide(layer)
        )
        expect(error._tag).toBe("NotFound")
        const [request] = seen
        expect(`${request!.method} ${request!.url}`).toBe("POST /v1/users/user_1/profile_image")
        expect(request!.headers["authorization"]).toBe(`Bearer ${SECRET}`)
        expect(String(request!.headers["content-type"])).toMatch(/^multipart\/form-data; boundary=/)
        expect(request!.body).toContain('filename="logo.png"')
      })
  )

  it.scoped("the undici client keeps time limits by signal; a transformClient or the fetch client does not", () =>
    Effect.gen(function* () {
      const options = { secretKey: Redacted.make(SECRET), baseUrl: "http://127.0.0.1:9/v1" }
      const attemptSignal = (layer: Layer.Layer<ClerkClient.ClerkClient, unknown>) =>
        Effect.map(Effect.provide(ClerkClient.ClerkClient, layer), (client) => RuntimeFlags.of(client).attemptSignal)
      expect(yield* attemptSignal(NodeClerkClient.layer(options))).toBe(true)
      expect(yield* attemptSignal(NodeClerkClient.layer({ ...options, transformClient: (c) => c }))).toBe(false)
      expect(yield* attemptSignal(Clerk.layerFetch(options))).toBe(false)
    })
  )

  it.live("a transformClient that waits without a signal is still cut at the timeout (Effect.timeoutFail)", () =>
    Effect.gen(function* () {
      const { url, seen } = yield* server((_, res) => json(res, 200, { keys: [] }))
      const started = performance.now()
      const error = yield* Effect.flip(JWKS.get()).pipe(
        overNode(url, {
          timeout: "200 millis",
          retry: false,
          // a wait no AbortSignal reaches
          transformClient: HttpClient.tap(() => Effect.sleep("10 seconds"))
        })
      )
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout", operation: "JWKS.get" })
      expect(performance.now() - started).toBeLessThan(2000)
      expect(seen).toHaveLength(1)
    }).pipe(Effect.scoped)
  )

  it.scoped("inside the call, the current span is the operation's wherever something can read it", () =>
    Effect.gen(function* () {
      const { url, seen } = yield* server((_, res) => json(res, 200, { keys: [] }))
      const options = { secretKey: Redacted.make(SECRET), baseUrl: url }
      const provide = <A, E>(effect: Effect.Effect<A, E, JWKS.JWKS>, extra: Partial<ClerkClient.Options>) =>
        overNode(url, extra)(effect)
      // a transformClient sees the operation's span as the current one
      const names: Array<string> = []
      yield* provide(JWKS.get(), {
        transformClient: HttpClient.tapRequest(() =>
          Effect.map(Effect.orDie(Effect.currentSpan), (span) => void names.push(span.name))
        )
      })
      expect(names).toEqual(["JWKS.get"])
      // tracerPropagation sends the operation's span as the parent, not the caller's
      const outer = yield* Effect.withSpan(
        Effect.flatMap(Effect.currentSpan, (span) => Effect.as(provide(JWKS.get(), { tracerPropagation: true }), span)),
        "caller"
      )
      const [, traceId, parentId] = String(seen[1]!.headers["traceparent"]).split("-")
      expect(traceId).toBe(outer.traceId)
      expect(parentId).toMatch(/^[0-9a-f]{16}$/)
      expect(parentId).not.toBe(outer.spanId)
      // on the bare client nothing reads it, and the runtime does not set it
      const bare = yield* Effect.provide(ClerkClient.ClerkClient, NodeClerkClient.layer(options))
      expect(RuntimeFlags.of(bare).readsSpan).toBe(false)
      expect(RuntimeFlags.of(yield* Effect.provide(ClerkClient.ClerkClient, Clerk.layerFetch(options))).readsSpan).toBe(
        true
      )
    })
  )

  it.scoped("a transformClient that reads the body first (a logger) leaves it readable for the SDK", () =>
    Effect.gen(function* () {
      const { url } = yield* server((_, res) => json(res, 200, { keys: [], extra: "kept" }))
      const logged: Array<string> = []
      const jwks = yield* JWKS.get().pipe(
        overNode(url, {
          transformClient: HttpClient.tap((response) => Effect.map(response.text, (text) => void logged.push(text)))
        })
      )
      expect(logged).toEqual(['{"keys":[],"extra":"kept"}'])
      expect(jwks).toEqual({ keys: [], extra: "kept" })
    })
  )
})
