/**
 * The request-body cap: refused by declared length without reading, refused while streaming
 * without holding the body, nothing stored; in memory, on a socket, and as Clerk's SDK sees it.
 */
import { createClerkClient } from "@clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { request as httpRequest } from "node:http"
import * as Emulator from "../src/Emulator.js"
import * as EmulatorServer from "../src/EmulatorServer.js"
import { call, SECRET_KEY, setup } from "./helpers.js"

/** A body that never ends, counting the chunks the emulator pulled. */
const endless = (chunkBytes: number) => {
  let pulled = 0
  const stream = new ReadableStream<Uint8Array>({
    pull: (controller) => {
      pulled++
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x20))
    }
  })
  return { stream, pulled: () => pulled }
}

const post = (
  emulator: Emulator.ClerkEmulator,
  path: string,
  body: RequestInit["body"],
  headers: Record<string, string> = {}
) =>
  emulator.handle(
    new Request(`https://api.clerk.com${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json", ...headers },
      body,
      duplex: "half"
    } as RequestInit)
  )

const userCount = (emulator: Emulator.ClerkEmulator) => emulator.context.store.get({ name: "users" }).size

describe("the request-body cap, in memory", () => {
  it("accepts a body of exactly maxBodyBytes and refuses one byte more with a Clerk-shaped 413", async () => {
    const body = JSON.stringify({ username: "ada" })
    const { emulator } = setup({ maxBodyBytes: body.length })
    expect((await post(emulator, "/v1/users", body)).status).toBe(200)
    const over = await post(emulator, "/v1/users", `${JSON.stringify({ username: "bob" })} `)
    expect(over.status).toBe(413)
    expect(over.headers.get("connection")).toBe("close")
    expect(await over.json()).toEqual({
      errors: [
        {
          message: "Request body too large",
          long_message: expect.stringContaining(`larger than ${body.length} bytes`),
          code: "request_body_too_large",
          meta: { max_bytes: body.length }
        }
      ],
      clerk_trace_id: expect.any(String)
    })
    expect(userCount(emulator)).toBe(1)
  })

  it("refuses a declared Content-Length over the cap without reading a byte of the body", async () => {
    const { emulator } = setup()
    const body = endless(1024)
    const response = await post(emulator, "/v1/users", body.stream, {
      "content-length": String(Emulator.defaultMaxBodyBytes + 1)
    })
    expect(response.status).toBe(413)
    expect(((await response.json()) as any).errors[0].meta.max_bytes).toBe(12 * 1024 * 1024)
    expect(body.pulled()).toBe(0)
  })

  it("stops reading an endless body once past the cap: the state does not grow, round after round", async () => {
    const { emulator } = setup({ maxBodyBytes: 64 * 1024 })
    for (let round = 0; round < 20; round++) {
      const body = endless(4096)
      const response = await post(emulator, "/v1/users", body.stream)
      expect(response.status).toBe(413)
      // 16 chunks make the cap; the 17th passes it; the stream may have queued one more ahead
      expect(body.pulled()).toBeLessThanOrEqual(18)
    }
    expect(emulator.snapshot().tables.get("users")?.size ?? 0).toBe(0)
    expect(emulator.webhooks.events()).toEqual([])
  })

  it("applies to the control API too", async () => {
    const { emulator } = setup({ maxBodyBytes: 100 })
    const users = Array.from({ length: 20 }, (_, i) => ({ username: `user${i}` }))
    const response = await post(emulator, "/__emulator/seed", JSON.stringify({ users }))
    expect(response.status).toBe(413)
    expect((await call(emulator, "GET", "/users/count")).body.total_count).toBe(0)
  })

  it("rejects a cap that is not a whole number of bytes", () => {
    expect(() => Emulator.make({ maxBodyBytes: -1 })).toThrow(/maxBodyBytes/)
    expect(() => Emulator.make({ maxBodyBytes: 1.5 })).toThrow(/maxBodyBytes/)
  })
})

/** POSTs an endless chunked body over a socket until the server answers; what it answered. */
const uploadUntilAnswered = (url: string) =>
  Effect.async<{ status: number; connection: string | undefined; body: string; written: number }, Error>((resume) => {
    let answered = false
    let written = 0
    const req = httpRequest(url, {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json" }
    })
    req.on("response", (res) => {
      answered = true
      let body = ""
      res.on("data", (chunk: Buffer) => (body += chunk.toString()))
      res.on("end", () =>
        resume(Effect.succeed({ status: res.statusCode!, connection: res.headers.connection, body, written }))
      )
    })
    req.on("error", (error) => {
      if (!answered) resume(Effect.fail(error))
    })
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    // a limit of its own, so that a server that buffered everything would fail the test, not hang it
    const pump = (): void => {
      while (!answered && written < 256 * 1024 * 1024) {
        written += chunk.length
        if (!req.write(chunk)) {
          req.once("drain", pump)
          return
        }
      }
      if (!answered) req.end()
    }
    pump()
    return Effect.sync(() => req.destroy())
  })

describe("the request-body cap, on a socket", () => {
  it.live("answers 413 to a chunked upload while it is still being sent, then closes; the server serves on", () =>
    Effect.gen(function* () {
      const maxBodyBytes = 1024 * 1024
      const server = yield* EmulatorServer.serve({ secretKey: SECRET_KEY, maxBodyBytes })
      for (let round = 0; round < 3; round++) {
        const answer = yield* uploadUntilAnswered(`${server.url}/users`)
        expect(answer.status).toBe(413)
        expect(answer.connection).toBe("close")
        expect(JSON.parse(answer.body).errors[0].code).toBe("request_body_too_large")
        // answered long before the client's own 256 MB stop: the body was refused as it streamed
        expect(answer.written).toBeLessThan(64 * 1024 * 1024)
      }
      expect(userCount(server.emulator)).toBe(0)
      const ok = yield* Effect.promise(() =>
        fetch(`${server.url}/users`, {
          method: "POST",
          headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json" },
          body: JSON.stringify({ username: "ada" })
        })
      )
      expect(ok.status).toBe(200)
      expect(userCount(server.emulator)).toBe(1)
    }).pipe(Effect.scoped)
  )

  it.live("Clerk's own SDK sees the 413 as a ClerkAPIResponseError with the code", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: SECRET_KEY, maxBodyBytes: 4096 })
      const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl: server.origin })
      const ada = yield* Effect.promise(() => clerk.users.createUser({ username: "ada" }))
      const failure = yield* Effect.flip(
        Effect.tryPromise(() =>
          clerk.users.updateUserMetadata(ada.id, { publicMetadata: { notes: "x".repeat(10_000) } })
        )
      )
      const error = failure.error as { status?: number; errors?: Array<{ code: string }> }
      expect(error.status).toBe(413)
      expect(error.errors?.[0]?.code).toBe("request_body_too_large")
      expect((yield* Effect.promise(() => clerk.users.getUser(ada.id))).publicMetadata).toEqual({})
    }).pipe(Effect.scoped)
  )
})
