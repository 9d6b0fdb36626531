import * as EmulatorServer from "@effect-clerk/emulator/EmulatorServer"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const script = fileURLToPath(new URL("../import-users.ts", import.meta.url))

/** Runs the example as a user would (`tsx examples/import-users.ts ...`), with only the given Clerk variables. */
const runExample = (env: Record<string, string>, args: ReadonlyArray<string> = []) =>
  Effect.async<{ readonly code: number; readonly lines: ReadonlyArray<string>; readonly stderr: string }>((resume) => {
    const { CLERK_SECRET_KEY: _k, CLERK_API_URL: _u, ...inherited } = process.env
    const child = execFile(
      process.execPath,
      ["--import", "tsx", script, ...args],
      { env: { ...inherited, ...env }, timeout: 50_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0
        resume(Effect.succeed({ code, lines: stdout.trim().split("\n"), stderr }))
      }
    )
    return Effect.sync(() => child.kill())
  })

/** A temp dir for input files, removed with the scope. */
const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "effect-clerk-import-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

const person = (i: number) => ({
  external_id: `ext-${String(i).padStart(4, "0")}`,
  email_address: `person-${i}@example.com`,
  first_name: "Person",
  last_name: `Number ${i}`
})

const ndjson = (rows: ReadonlyArray<object>) => rows.map((row) => JSON.stringify(row)).join("\n") + "\n"

/**
 * The emulator behind a real socket, every `Users.create` and `Users.list` it answers recorded (a
 * fault rule of no latency is recorded for each request it matches, and changes nothing else).
 */
const serveCounting = (key: string, options: Omit<EmulatorServer.ServeOptions, "secretKey" | "faults"> = {}) =>
  Effect.map(
    EmulatorServer.serve({
      ...options,
      secretKey: key,
      faults: [{ operation: ["Users.create", "Users.list"], latency: 0 }]
    }),
    (server) => ({
      server,
      requests: (operation: string) =>
        server.emulator.faults.injected().filter((r) => r.operation === operation).length,
      externalIds: () =>
        Effect.promise(async () => {
          const response = await fetch(`${server.url}/users?limit=500`, { headers: { authorization: `Bearer ${key}` } })
          const users = (await response.json()) as ReadonlyArray<{ readonly external_id: string | null }>
          return users.map((user) => user.external_id).sort()
        })
    })
  )

describe("examples/import-users.ts", () => {
  it.live(
    "without CLERK_SECRET_KEY: imports the sample CSV into the embedded emulator; the 2 bad rows are listed",
    () =>
      Effect.gen(function* () {
        const { code, lines, stderr } = yield* runExample({})
        expect(stderr).toContain("Importing into the embedded Clerk emulator (CLERK_SECRET_KEY is not set)")
        expect(stderr).toMatch(/done: 20 rows in \d+ s: 18 imported, 0 skipped, 2 failed/)
        expect(lines[0]).toBe("imported 18, skipped 0 (already imported), failed 2")
        expect(lines[1]).toMatch(
          /^failed: line 7 \(external_id legacy-0006\): UnprocessableEntity \(422\) in Users\.create: form_param_format_invalid: frances\.allen\(at\)example\.com is not a valid email address\./
        )
        expect(lines[2]).toBe("failed: line 15: invalid row: external_id is missing")
        expect(lines).toHaveLength(3)
        // some rows failed: exit 2, not 0 (all done) nor 1 (the run stopped)
        expect(code).toBe(2)
      })
  )

  it.live(
    "resumable: a re-run skips what a run before it imported, by external_id, with no create sent for it",
    () =>
      Effect.gen(function* () {
        const key = "sk_test_import_resume"
        const { externalIds, requests, server } = yield* serveCounting(key)
        const dir = yield* tempDir
        const all = Array.from({ length: 150 }, (_, i) => person(i))
        const first = join(dir, "first.ndjson")
        const full = join(dir, "users.ndjson")
        writeFileSync(first, ndjson(all.slice(0, 60)))
        writeFileSync(full, ndjson(all))
        const env = { CLERK_SECRET_KEY: key, CLERK_API_URL: server.url }

        // a first run that stopped after 60 users
        const one = yield* runExample(env, [first])
        expect(one.lines).toEqual(["imported 60, skipped 0 (already imported), failed 0"])
        expect(one.code).toBe(0)
        expect(requests("Users.create")).toBe(60)

        // the whole file: the 60 are found by the lookups (two batches of 100: two lists), not sent again
        const two = yield* runExample(env, [full, "--workers", "8"])
        expect(two.stderr).toContain(`Importing into the Clerk Backend API at ${server.url} (CLERK_SECRET_KEY is set)`)
        expect(two.lines).toEqual(["imported 90, skipped 60 (already imported), failed 0"])
        expect(two.code).toBe(0)
        expect(requests("Users.create")).toBe(150)
        expect(requests("Users.list")).toBe(1 + 2)

        // once more: nothing to do, nothing created
        const three = yield* runExample(env, [full])
        expect(three.lines).toEqual(["imported 0, skipped 150 (already imported), failed 0"])
        expect(three.code).toBe(0)
        expect(requests("Users.create")).toBe(150)
        expect(yield* externalIds()).toEqual(all.map((row) => row.external_id).sort())
      }).pipe(Effect.scoped),
    { timeout: 150_000 }
  )

  it.live(
    "the workers share one budget: against a server that allows 20 requests per 2 s, 8 workers meet no 429",
    () =>
      Effect.gen(function* () {
        const key = "sk_test_import_paced"
        const { externalIds, requests, server } = yield* serveCounting(key, {
          rateLimit: { limit: 20, window: "2 seconds" }
        })
        const dir = yield* tempDir
        const all = Array.from({ length: 50 }, (_, i) => person(i))
        const file = join(dir, "users.ndjson")
        writeFileSync(file, ndjson(all))
        // the budget leaves a second of each window for the server's own clock to move on
        const { code, lines } = yield* runExample({ CLERK_SECRET_KEY: key, CLERK_API_URL: server.url }, [
          file,
          "--workers",
          "8",
          "--budget",
          "20/3s"
        ])
        expect(lines).toEqual(["imported 50, skipped 0 (already imported), failed 0"])
        expect(code).toBe(0)
        // every create the server received made a user: none was refused (a 429 is retried, and counted)
        expect(requests("Users.create")).toBe(50)
        expect(yield* externalIds()).toEqual(all.map((row) => row.external_id).sort())
      }).pipe(Effect.scoped),
    { timeout: 120_000 }
  )

  it.live("a row whose email another user has, a bad email, a row that is no JSON: each listed with its reason", () =>
    Effect.gen(function* () {
      const key = "sk_test_import_failures"
      const { externalIds, server } = yield* serveCounting(key)
      const taken = yield* Effect.promise(() =>
        fetch(`${server.url}/users`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ email_address: ["person-2@example.com"], skip_password_requirement: true })
        })
      )
      expect(taken.status).toBe(200)
      const dir = yield* tempDir
      const file = join(dir, "users.jsonl")
      writeFileSync(
        file,
        [
          JSON.stringify(person(1)),
          JSON.stringify(person(2)),
          JSON.stringify({ ...person(3), email_address: "not-an-email" }),
          "{ not json",
          "",
          JSON.stringify({ ...person(5), password_hasher: 42 }),
          JSON.stringify(person(6))
        ].join("\n")
      )
      const { code, lines } = yield* runExample({ CLERK_SECRET_KEY: key, CLERK_API_URL: server.url }, [file])
      expect(lines[0]).toBe("imported 2, skipped 0 (already imported), failed 4")
      expect(lines[1]).toMatch(
        /^failed: line 2 \(external_id ext-0002\): UnprocessableEntity \(422\) in Users\.create: form_identifier_exists: That email address is taken\./
      )
      expect(lines[2]).toMatch(
        /^failed: line 3 \(external_id ext-0003\): UnprocessableEntity \(422\) in Users\.create: form_param_format_invalid: not-an-email is not a valid email address\./
      )
      expect(lines[3]).toBe("failed: line 4: invalid row: is not a JSON object")
      expect(lines[4]).toBe(
        "failed: line 6 (external_id ext-0005): invalid row: password_hasher Expected PasswordHasher, actual 42"
      )
      expect(lines).toHaveLength(5)
      expect(code).toBe(2)
      expect(yield* externalIds()).toEqual(["ext-0001", "ext-0006", null])
    }).pipe(Effect.scoped)
  )

  it.live("CSV: a record with the wrong number of cells is listed; the others are imported", () =>
    Effect.gen(function* () {
      const key = "sk_test_import_csv"
      const { externalIds, server } = yield* serveCounting(key)
      const dir = yield* tempDir
      const file = join(dir, "users.csv")
      writeFileSync(
        file,
        [
          "\uFEFFexternal_id,email_address,first_name,last_name",
          "a-1,a1@example.com,A,One",
          "a-2,a2@example.com,A",
          'a-3,a3@example.com,"Three, A",',
          ""
        ].join("\r\n")
      )
      const { code, lines } = yield* runExample({ CLERK_SECRET_KEY: key, CLERK_API_URL: server.url }, [file])
      expect(lines[0]).toBe("imported 2, skipped 0 (already imported), failed 1")
      expect(lines[1]).toMatch(
        /^failed: line 3: invalid row: Invalid Record Length: columns length is 4, got 3 on line 3$/
      )
      expect(code).toBe(2)
      expect(yield* externalIds()).toEqual(["a-1", "a-3"])
    }).pipe(Effect.scoped)
  )

  it.live(
    "the run stops: exit 1 for a file that is not there, and for a key the server refuses (never printed)",
    () =>
      Effect.gen(function* () {
        const key = "sk_test_the_right_one"
        const { requests, server } = yield* serveCounting(key)
        const missing = yield* runExample({ CLERK_SECRET_KEY: key, CLERK_API_URL: server.url }, [
          "/nonexistent/users.csv"
        ])
        expect(missing.code).toBe(1)
        expect([...missing.lines, missing.stderr].join("\n")).toMatch(/cannot read \/nonexistent\/users\.csv: ENOENT/)

        const refused = yield* runExample({ CLERK_SECRET_KEY: "sk_test_wrong_one", CLERK_API_URL: server.url })
        expect(refused.code).toBe(1)
        const output = [...refused.lines, refused.stderr].join("\n")
        expect(output).toMatch(/Unauthorized \(401\) in Users\.list: authentication_invalid/)
        expect(output).not.toContain("sk_test_wrong_one")
        expect(requests("Users.create")).toBe(0)
      }).pipe(Effect.scoped),
    { timeout: 120_000 }
  )
})
