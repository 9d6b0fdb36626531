/**
 * The real command (src/bin.ts, run as `npx @effect-clerk/emulator` runs it), driven as a test suite
 * in another process drives it: configured only from what it printed, over plain HTTP.
 */
import { createClerkClient } from "@clerk/backend"
import { Clerk, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as jose from "jose"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { curl, curlCommands, type CurlReply, words } from "./curl.js"

const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url))
const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8")

/** Starts the CLI as `npx @effect-clerk/emulator` would run it (here through tsx, from source). */
const start = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.sync(() =>
      spawn(process.execPath, ["--import", "tsx", bin, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    ),
    (child) =>
      Effect.async<void>((resume) => {
        if (child.exitCode !== null) return resume(Effect.void)
        child.once("exit", () => resume(Effect.void))
        child.kill("SIGTERM")
      })
  )

/** Reads stdout until `last` has been printed: the `NAME=value` lines and the whole text. */
const printed = (child: ChildProcess, last: string) =>
  Effect.async<{ readonly vars: Record<string, string>; readonly stdout: string }, Error>((resume) => {
    let out = ""
    let err = ""
    child.stderr!.on("data", (c: Buffer) => (err += c.toString()))
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString()
      if (out.includes(`${last}=`) && out.endsWith("\n")) {
        const lines = out.split("\n").filter((l) => /^[A-Z_]+=/.test(l))
        const vars = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]))
        resume(Effect.succeed({ vars, stdout: out }))
      }
    })
    child.once("exit", (code) => resume(Effect.fail(new Error(`exited ${code}: ${err}`))))
  }).pipe(Effect.timeoutFail({ duration: "60 seconds", onTimeout: () => new Error(`${last} was never printed`) }))

const variables = (child: ChildProcess, last: string) => Effect.map(printed(child, last), (p) => p.vars)

const exitOf = (child: ChildProcess) =>
  Effect.async<{ code: number | null; stderr: string }>((resume) => {
    let stderr = ""
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()))
    child.once("exit", (code) => resume(Effect.succeed({ code, stderr })))
  })

const request = (url: string, init: RequestInit = {}) =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    return { status: response.status, body: (await response.json()) as any }
  })

const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

/** The JSON block of the README's Control API section: the seed.json its commands assume. */
const readmeSeed = (): string => {
  const section = readme.slice(readme.indexOf("\n## Control API\n"))
  return /```json\n([\s\S]*?)```/.exec(section)![1]!
}

describe("the CLI (src/bin.ts, bin effect-clerk-emulator), from another process", () => {
  it.live(
    "prints a .env file; Clerk's SDK, ours, a JWKS client and the README's curl commands work from it",
    () =>
      Effect.gen(function* () {
        const dir = mkdtempSync(join(tmpdir(), "emulator-cli-"))
        writeFileSync(join(dir, "seed.json"), readmeSeed())
        writeFileSync(join(dir, "faults.json"), JSON.stringify([{ operation: "Users.delete", status: 503 }]))
        const child = yield* start([
          "--port",
          "0",
          "--seed",
          join(dir, "seed.json"),
          "--faults",
          join(dir, "faults.json"),
          "--max-body-bytes",
          "65536"
        ])
        const { vars, stdout } = yield* printed(child, "CLERK_EMULATOR_CONTROL_KEY")
        for (const line of stdout.trimEnd().split("\n")) expect(line).toMatch(/^(# .+|[A-Z_]+=\S+)$/)
        const origin = vars["CLERK_API_URL"]!
        expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
        expect(vars).toEqual({
          CLERK_API_URL: origin,
          CLERK_SECRET_KEY: expect.stringMatching(/^sk_test_\w{32}$/),
          EFFECT_CLERK_API_URL: `${origin}/v1`,
          CLERK_JWKS_URL: `${origin}/.well-known/jwks.json`,
          CLERK_API_JWKS_URL: `${origin}/v1/jwks`,
          CLERK_EMULATOR_CONTROL_URL: `${origin}/__emulator`,
          CLERK_EMULATOR_CONTROL_KEY: vars["CLERK_SECRET_KEY"]
        })
        const key = vars["CLERK_SECRET_KEY"]!

        // Clerk's own SDK, configured from the printed lines as the README shows
        const clerk = createClerkClient({ secretKey: key, apiUrl: vars["CLERK_API_URL"]! })
        const { data: users } = yield* Effect.promise(() => clerk.users.getUserList())
        expect(users.map((u) => u.id)).toEqual(["user_ada"])
        const bob = yield* Effect.promise(() => clerk.users.createUser({ emailAddress: ["bob@example.com"] }))
        expect(bob.primaryEmailAddress?.emailAddress).toBe("bob@example.com")

        // ours, from EFFECT_CLERK_API_URL as the README shows, and from CLERK_API_URL (the origin)
        const env = ConfigProvider.fromMap(new Map(Object.entries(vars)))
        const ada = yield* Users.get("user_ada").pipe(
          Effect.provide(Clerk.layerFetchConfig({ baseUrl: Config.string("EFFECT_CLERK_API_URL") })),
          Effect.withConfigProvider(env)
        )
        expect(ada.email_addresses[0]?.email_address).toBe("ada@example.com")
        const count = yield* Users.count().pipe(
          Effect.provide(Clerk.layerFetchConfig()),
          Effect.withConfigProvider(env)
        )
        expect(count.total_count).toBe(2)

        // the Backend API's JWKS needs the key; the printed CLERK_JWKS_URL does not
        expect((yield* request(vars["CLERK_API_JWKS_URL"]!)).status).toBe(401)
        expect((yield* request(vars["CLERK_API_JWKS_URL"]!, { headers: bearer(key) })).body.keys).toHaveLength(1)

        // the control API: the guard
        for (const headers of [{}, bearer("sk_test_other")]) {
          const denied = yield* request(`${vars["CLERK_EMULATOR_CONTROL_URL"]}/reset`, { method: "POST", headers })
          expect([denied.status, denied.body.errors[0].code]).toEqual([401, "authentication_invalid"])
        }

        // the README's curl commands, in order, as written
        const commands = curlCommands(readme, "## Control API")
        expect(commands.length).toBeGreaterThanOrEqual(8)
        const replies: Array<CurlReply> = []
        for (const command of commands) {
          const reply = yield* Effect.promise(() => curl(words(command, vars)))
          expect([command, reply.status, reply.body]).toEqual([command, 200, expect.any(String)])
          replies.push(reply)
        }
        const reply = (path: string) => JSON.parse(replies.find((r) => r.url.endsWith(path))!.body)
        expect(reply("/reset")).toEqual({ object: "reset", state: true, faults: true, webhooks: true })
        expect(reply("/seed").organizations).toEqual(["org_acme"])
        // reset went back to the seed (bob is gone), the seed added org_acme, the snapshot kept it
        const after = yield* request(`${vars["EFFECT_CLERK_API_URL"]}/organizations/org_acme/memberships`, {
          headers: bearer(key)
        })
        expect(after.body.data.map((m: any) => m.public_user_data.user_id)).toEqual(["user_ada"])
        expect((yield* request(`${origin}/v1/users/count`, { headers: bearer(key) })).body.total_count).toBe(1)
        // the token verifies with a plain JWKS client against the printed URL
        const { token, sessionId } = reply("/session_tokens")
        const { payload } = yield* Effect.promise(() =>
          jose.jwtVerify(token, jose.createRemoteJWKSet(new URL(vars["CLERK_JWKS_URL"]!)))
        )
        expect(payload).toMatchObject({ sub: "user_ada", sid: sessionId, o: { id: "org_acme", rol: "admin" } })
        expect(reply("/webhooks/events?type=session.created")).toMatchObject({
          data: [{ type: "session.created", data: { id: sessionId } }],
          total_count: 1
        })
        // the README's fault: the next list answers 503, once
        expect((yield* request(`${origin}/v1/users`, { headers: bearer(key) })).status).toBe(503)
        expect((yield* request(`${origin}/v1/users`, { headers: bearer(key) })).status).toBe(200)
        // the --faults file's rule, restored by the README's reset
        const deleted = yield* request(`${origin}/v1/users/user_ada`, { method: "DELETE", headers: bearer(key) })
        expect([deleted.status, deleted.body.errors[0].code]).toEqual([503, "service_unavailable"])

        // --max-body-bytes
        const big = yield* request(`${origin}/v1/users`, {
          method: "POST",
          headers: { ...bearer(key), "content-type": "application/json" },
          body: JSON.stringify({ username: "big", public_metadata: { notes: "x".repeat(70_000) } })
        })
        expect([big.status, big.body.errors[0].code, big.body.errors[0].meta]).toEqual([
          413,
          "request_body_too_large",
          { max_bytes: 65536 }
        ])
      }).pipe(Effect.scoped),
    120_000
  )

  it.live(
    "--control-key guards the control API with its own key; --no-control leaves none; bad input exits 1 or 2",
    () =>
      Effect.gen(function* () {
        const dir = mkdtempSync(join(tmpdir(), "emulator-cli-"))
        const bad = join(dir, "bad.json")
        writeFileSync(bad, JSON.stringify({ users: [{ email_address: "not-a-list" }] }))
        const [invalid, unknown] = yield* Effect.all(
          [
            Effect.flatMap(start(["--port", "0", "--seed", bad]), exitOf),
            Effect.flatMap(start(["--colour", "blue"]), exitOf)
          ],
          { concurrency: 2 }
        )
        expect(invalid.code).toBe(1)
        expect(invalid.stderr).toContain("invalid seed")
        expect(unknown.code).toBe(2)
        expect(unknown.stderr).toContain("usage:")

        const [keyed, off] = yield* Effect.all(
          [
            Effect.flatMap(
              start([
                "--port",
                "0",
                "--webhook-url",
                "http://127.0.0.1:9/hooks",
                "--secret-key",
                "sk_test_fixed",
                "--control-key",
                "ctl_test_key"
              ]),
              (child) => variables(child, "CLERK_EMULATOR_CONTROL_KEY")
            ),
            Effect.flatMap(start(["--port", "0", "--no-control"]), (child) => printed(child, "CLERK_API_JWKS_URL"))
          ],
          { concurrency: 2 }
        )
        expect(keyed["CLERK_SECRET_KEY"]).toBe("sk_test_fixed")
        expect(keyed["CLERK_WEBHOOK_SIGNING_SECRET"]).toMatch(/^whsec_/)
        expect(keyed["CLERK_EMULATOR_CONTROL_KEY"]).toBe("ctl_test_key")
        const info = `${keyed["CLERK_EMULATOR_CONTROL_URL"]}`
        expect((yield* request(info, { headers: bearer("sk_test_fixed") })).status).toBe(401)
        const described = yield* request(info, { headers: bearer("ctl_test_key") })
        expect(described.body.webhook_signing_secret).toBe(keyed["CLERK_WEBHOOK_SIGNING_SECRET"])
        // the API still takes only the secret key
        expect((yield* request(`${keyed["CLERK_API_URL"]}/v1/users`, { headers: bearer("ctl_test_key") })).status).toBe(
          401
        )

        expect(off.stdout).toContain("# Control API: off (--no-control)")
        expect(off.vars["CLERK_EMULATOR_CONTROL_URL"]).toBeUndefined()
        const none = yield* request(`${off.vars["CLERK_API_URL"]}/__emulator/reset`, {
          method: "POST",
          headers: bearer(off.vars["CLERK_SECRET_KEY"]!)
        })
        expect([none.status, none.body.errors[0].code]).toEqual([404, "resource_not_found"])
      }).pipe(Effect.scoped),
    120_000
  )

  it.live(
    "answers an operation it does not emulate with 400, or the --not-emulated-status given",
    () =>
      Effect.gen(function* () {
        const statusOf = (args: ReadonlyArray<string>) =>
          Effect.gen(function* () {
            const vars = yield* variables(yield* start(["--port", "0", ...args]), "CLERK_JWKS_URL")
            const reply = yield* Effect.promise(() =>
              fetch(`${vars["EFFECT_CLERK_API_URL"]}/saml_connections`, {
                headers: { authorization: `Bearer ${vars["CLERK_SECRET_KEY"]}` }
              }).then(async (r) => ({
                status: r.status,
                body: (await r.json()) as { errors: Array<{ code: string }> }
              }))
            )
            expect(reply.body.errors[0]?.code).toBe("not_emulated")
            return reply.status
          })
        // a bad value is refused by the flag table: cli.test.ts
        const [byDefault, asked] = yield* Effect.all([statusOf([]), statusOf(["--not-emulated-status", "501"])], {
          concurrency: 2
        })
        expect([byDefault, asked]).toEqual([400, 501])
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "limits the rate with --rate-limit: the request over it is a 429 with Retry-After",
    () =>
      Effect.gen(function* () {
        const vars = yield* variables(yield* start(["--port", "0", "--rate-limit", "2/1m"]), "CLERK_JWKS_URL")
        const send = () =>
          Effect.promise(() =>
            fetch(`${vars["EFFECT_CLERK_API_URL"]}/users/count`, {
              headers: { authorization: `Bearer ${vars["CLERK_SECRET_KEY"]}` }
            }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get("retry-after"), body: await r.json() }))
          )
        expect([(yield* send()).status, (yield* send()).status]).toEqual([200, 200])
        const limited = yield* send()
        expect(limited).toMatchObject({ status: 429, body: { errors: [{ code: "too_many_requests" }] } })
        expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(59)
      }).pipe(Effect.scoped),
    60_000
  )
})
