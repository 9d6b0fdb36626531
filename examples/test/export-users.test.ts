import * as EmulatorServer from "@effect-clerk/emulator/EmulatorServer"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"

const script = fileURLToPath(new URL("../export-users.ts", import.meta.url))

/** Runs the example as a user would (`tsx examples/export-users.ts`), with only the given Clerk variables. */
const runExample = (env: Record<string, string>) =>
  Effect.async<{ readonly code: number; readonly stdout: string; readonly stderr: string }>((resume) => {
    const { CLERK_SECRET_KEY: _k, CLERK_API_URL: _u, ...inherited } = process.env
    const child = execFile(
      process.execPath,
      ["--import", "tsx", script],
      { env: { ...inherited, ...env }, timeout: 50_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0
        resume(Effect.succeed({ code, stdout, stderr }))
      }
    )
    return Effect.sync(() => child.kill())
  })

/** stdout as NDJSON: every line one user object, and the output ends with a newline. */
const users = (stdout: string) => {
  expect(stdout.endsWith("\n")).toBe(true)
  const lines = stdout.slice(0, -1).split("\n")
  return lines.map((line) => {
    const user = JSON.parse(line) as {
      readonly id: string
      readonly object: string
      readonly email_addresses: ReadonlyArray<{ readonly email_address: string }>
    }
    expect(user.object).toBe("user")
    expect(user.id).toMatch(/^user_\w+$/)
    return user
  })
}

const emails = (list: ReadonlyArray<{ readonly email_addresses: ReadonlyArray<{ readonly email_address: string }> }>) =>
  list.map((user) => user.email_addresses[0]!.email_address).sort()

const expected = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}@example.com`).sort()

describe("examples/export-users.ts", () => {
  it.live("without CLERK_SECRET_KEY: exports the 1,200 users it seeds in the emulator, one JSON per line", () =>
    Effect.gen(function* () {
      const { code, stdout, stderr } = yield* runExample({})
      expect(code).toBe(0)
      expect(stderr.trim().split("\n")).toEqual([
        "Exporting from the embedded Clerk emulator (CLERK_SECRET_KEY is not set)",
        "seeded the emulator with 1200 users",
        "exported 1200 users"
      ])
      const exported = users(stdout)
      expect(exported).toHaveLength(1200)
      expect(new Set(exported.map((user) => user.id)).size).toBe(1200)
      expect(emails(exported)).toEqual(expected("export", 1200))
    })
  )

  it.live("with CLERK_SECRET_KEY: pages through the configured API over undici (501 users: two pages)", () =>
    Effect.gen(function* () {
      const key = "sk_test_export_e2e"
      const server = yield* EmulatorServer.serve({ secretKey: key })
      const create = (i: number) =>
        Effect.promise(() =>
          fetch(`${server.url}/users`, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
            body: JSON.stringify({ email_address: [`real-${i}@example.com`], skip_password_requirement: true })
          }).then((response) => expect(response.status).toBe(200))
        )
      yield* Effect.forEach(
        Array.from({ length: 501 }, (_, i) => i),
        create,
        { concurrency: 8, discard: true }
      )
      const { code, stdout, stderr } = yield* runExample({ CLERK_SECRET_KEY: key, CLERK_API_URL: server.url })
      expect(code).toBe(0)
      expect(stderr.trim().split("\n")).toEqual([
        `Exporting from the Clerk Backend API at ${server.url} (CLERK_SECRET_KEY is set)`,
        "exported 501 users"
      ])
      const exported = users(stdout)
      expect(new Set(exported.map((user) => user.id)).size).toBe(501)
      expect(emails(exported)).toEqual(expected("real", 501))
    }).pipe(Effect.scoped)
  )

  it.live("with a key the server rejects: exits non-zero with a typed Unauthorized and writes no user", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: "sk_test_the_right_one" })
      const { code, stdout, stderr } = yield* runExample({
        CLERK_SECRET_KEY: "sk_test_wrong_one",
        CLERK_API_URL: server.url
      })
      expect(code).toBe(1)
      expect(stdout).not.toContain('"object":"user"')
      const output = [stdout, stderr].join("\n")
      expect(output).toMatch(/Unauthorized \(401\) in \w+\.\w+: authentication_invalid/)
      expect(output).not.toContain("sk_test_wrong_one")
    }).pipe(Effect.scoped)
  )
})
