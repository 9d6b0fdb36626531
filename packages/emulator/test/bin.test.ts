import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url))

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

/** Reads `NAME=value` lines until `last` has been printed. */
const variables = (child: ChildProcess, last: string) =>
  Effect.async<Record<string, string>, Error>((resume) => {
    let out = ""
    let err = ""
    child.stderr!.on("data", (c: Buffer) => (err += c.toString()))
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString()
      if (out.includes(`${last}=`) && out.endsWith("\n")) {
        resume(
          Effect.succeed(
            Object.fromEntries(
              out
                .split("\n")
                .filter((l) => /^[A-Z_]+=/.test(l))
                .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])
            )
          )
        )
      }
    })
    child.once("exit", (code) => resume(Effect.fail(new Error(`exited ${code}: ${err}`))))
  })

const exitOf = (child: ChildProcess) =>
  Effect.async<{ code: number | null; stderr: string }>((resume) => {
    let stderr = ""
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()))
    child.once("exit", (code) => resume(Effect.succeed({ code, stderr })))
  })

describe("the CLI (src/bin.ts, bin effect-clerk-emulator)", () => {
  it.live(
    "serves a seeded emulator on 127.0.0.1 and prints its URL, a secret key and the JWKS URL",
    () =>
      Effect.gen(function* () {
        const dir = mkdtempSync(join(tmpdir(), "emulator-cli-"))
        const seedFile = join(dir, "seed.json")
        writeFileSync(seedFile, JSON.stringify({ users: [{ id: "user_cli", username: "cli" }] }))
        const child = yield* start(["--port", "0", "--seed", seedFile])
        const vars = yield* variables(child, "CLERK_JWKS_URL")
        expect(vars["CLERK_API_URL"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
        expect(vars["CLERK_SECRET_KEY"]).toMatch(/^sk_test_\w{32}$/)
        const get = (path: string, key: string) =>
          Effect.promise(() =>
            fetch(`${vars["CLERK_API_URL"]}${path}`, { headers: { authorization: `Bearer ${key}` } }).then(
              async (r) => ({ status: r.status, body: (await r.json()) as { id?: string; keys?: Array<unknown> } })
            )
          )
        expect(yield* get("/users/user_cli", vars["CLERK_SECRET_KEY"]!)).toMatchObject({
          status: 200,
          body: { id: "user_cli" }
        })
        // only the printed key is accepted
        expect((yield* get("/users/user_cli", "sk_test_other")).status).toBe(401)
        const jwks = yield* Effect.promise(() =>
          fetch(vars["CLERK_JWKS_URL"]!, { headers: { authorization: `Bearer ${vars["CLERK_SECRET_KEY"]}` } })
        )
        expect(((yield* Effect.promise(() => jwks.json())) as { keys: Array<unknown> }).keys).toHaveLength(1)
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "exits 1 with a message for an invalid seed, 2 for an unknown flag, and prints the webhook secret when asked",
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
        const child = yield* start([
          "--port",
          "0",
          "--webhook-url",
          "http://127.0.0.1:9/hooks",
          "--secret-key",
          "sk_test_fixed"
        ])
        const vars = yield* variables(child, "CLERK_WEBHOOK_SIGNING_SECRET")
        expect(vars["CLERK_SECRET_KEY"]).toBe("sk_test_fixed")
        expect(vars["CLERK_WEBHOOK_SIGNING_SECRET"]).toMatch(/^whsec_/)
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "answers an operation it does not emulate with 400, or the --not-emulated-status given",
    () =>
      Effect.gen(function* () {
        const statusOf = (args: ReadonlyArray<string>) =>
          Effect.gen(function* () {
            const vars = yield* variables(yield* start(["--port", "0", ...args]), "CLERK_JWKS_URL")
            const reply = yield* Effect.promise(() =>
              fetch(`${vars["CLERK_API_URL"]}/saml_connections`, {
                headers: { authorization: `Bearer ${vars["CLERK_SECRET_KEY"]}` }
              }).then(async (r) => ({
                status: r.status,
                body: (await r.json()) as { errors: Array<{ code: string }> }
              }))
            )
            expect(reply.body.errors[0]?.code).toBe("not_emulated")
            return reply.status
          })
        const [invalid, byDefault, asked] = yield* Effect.all(
          [
            Effect.flatMap(start(["--not-emulated-status", "200"]), exitOf),
            statusOf([]),
            statusOf(["--not-emulated-status", "501"])
          ],
          { concurrency: 3 }
        )
        expect(invalid.code).toBe(2)
        expect(invalid.stderr).toContain("--not-emulated-status must be 400..599")
        expect([byDefault, asked]).toEqual([400, 501])
      }).pipe(Effect.scoped),
    60_000
  )
})
