/**
 * examples/cloudflare-worker.ts, its `fetch` called as workerd calls it: a `Request` and the
 * Worker's `env`, with no Clerk variable in the process environment (the config comes from `env`
 * alone). The emulator serves on 127.0.0.1 (the Worker goes over `fetch`). `pnpm test:runtimes`
 * runs the same Worker, bundled, in workerd.
 */
import * as EmulatorServer from "@effect-clerk/emulator/EmulatorServer"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import worker, { type Env } from "../cloudflare-worker.js"

const SECRET_KEY = "sk_test_worker_example"

describe("examples/cloudflare-worker.ts", () => {
  let server: Awaited<ReturnType<typeof EmulatorServer.start>>
  let env: Env
  const saved = { key: process.env["CLERK_SECRET_KEY"], url: process.env["CLERK_API_URL"] }

  beforeAll(async () => {
    delete process.env["CLERK_SECRET_KEY"]
    delete process.env["CLERK_API_URL"]
    server = await EmulatorServer.start({ secretKey: SECRET_KEY })
    env = {
      CLERK_SECRET_KEY: SECRET_KEY,
      CLERK_API_URL: server.url,
      CLERK_JWT_KEY: server.emulator.sessionTokens.publicKeyPem
    }
  })
  afterAll(async () => {
    await server.close()
    if (saved.key !== undefined) process.env["CLERK_SECRET_KEY"] = saved.key
    if (saved.url !== undefined) process.env["CLERK_API_URL"] = saved.url
  })

  const call = async (authorization?: string) => {
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization }
    const response = await worker.fetch(new Request("https://worker.example/", { headers }), env)
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  const signedIn = async (email: string) => {
    const user = await server.emulator.handle(
      new Request(`${server.url}/users`, {
        method: "POST",
        headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ email_address: [email] })
      })
    )
    const { id } = (await user.json()) as { readonly id: string }
    const minted = await Effect.runPromise(server.emulator.sessionTokens.mint({ userId: id }))
    return { id, ...minted }
  }

  it("a signed-in caller gets their profile, read from the Backend API with the env's secret key", async () => {
    const ada = await signedIn("ada@example.com")
    expect(await call(`Bearer ${ada.token}`)).toEqual({
      status: 200,
      body: { id: ada.id, email: "ada@example.com", session: ada.sessionId }
    })
  })

  it("no token: 401 signed-out; a tampered one: 401 with the verification's reason", async () => {
    expect(await call()).toEqual({ status: 401, body: { error: "signed-out" } })
    const grace = await signedIn("grace@example.com")
    // one character of the signature changed (inside it: no padding bits), to one it is not
    const at = grace.token.length - 10
    const tampered = `${grace.token.slice(0, at)}${grace.token[at] === "A" ? "B" : "A"}${grace.token.slice(at + 1)}`
    expect(await call(`Bearer ${tampered}`)).toEqual({ status: 401, body: { error: "invalid-signature" } })
  })

  it("a valid token for a user deleted since: 404 user-not-found", async () => {
    const alan = await signedIn("alan@example.com")
    await server.emulator.handle(
      new Request(`${server.url}/users/${alan.id}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${SECRET_KEY}` }
      })
    )
    expect(await call(`Bearer ${alan.token}`)).toEqual({ status: 404, body: { error: "user-not-found" } })
  })
})
