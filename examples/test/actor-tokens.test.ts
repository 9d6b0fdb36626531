import * as EmulatorServer from "@effect-clerk/emulator/EmulatorServer"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"

const script = fileURLToPath(new URL("../actor-tokens.ts", import.meta.url))

/** Runs the example as a user would (`tsx examples/actor-tokens.ts`), with only the given Clerk variables. */
const runExample = (env: Record<string, string>) =>
  Effect.async<{ readonly code: number; readonly lines: ReadonlyArray<string>; readonly stderr: string }>((resume) => {
    const { CLERK_SECRET_KEY: _k, CLERK_API_URL: _u, ...inherited } = process.env
    const child = execFile(
      process.execPath,
      ["--import", "tsx", script],
      { env: { ...inherited, ...env }, timeout: 50_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0
        resume(Effect.succeed({ code, lines: stdout.trim().split("\n"), stderr }))
      }
    )
    return Effect.sync(() => child.kill())
  })

const expectTheFlow = (lines: ReadonlyArray<string>) => {
  expect(lines[1]).toMatch(/^created user user_\w+ and admin user_\w+$/)
  expect(lines[2]).toMatch(/^actor token act_\w+: status pending, url https?:\/\/\S+ticket=\S+$/)
  expect(lines[3]).toMatch(/^revoked act_\w+: status revoked$/)
  expect(lines[4]).toMatch(/^revoking again: BadRequest \(400\) \w+: .+/)
  expect(lines).toHaveLength(5)
}

describe("examples/actor-tokens.ts", () => {
  it.live("without CLERK_SECRET_KEY: runs offline against the embedded emulator and exits 0", () =>
    Effect.gen(function* () {
      const { code, lines, stderr } = yield* runExample({})
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(lines[0]).toBe("Running against the embedded Clerk emulator (CLERK_SECRET_KEY is not set)")
      expectTheFlow(lines)
    })
  )

  it.live("with CLERK_SECRET_KEY: goes through undici to the configured API and cleans up after itself", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: "sk_test_example_e2e" })
      // CLERK_API_URL as Clerk's SDKs take it, the origin: ours adds /v1
      const { code, lines, stderr } = yield* runExample({
        CLERK_SECRET_KEY: "sk_test_example_e2e",
        CLERK_API_URL: server.origin
      })
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(server.url).toBe(`${server.origin}/v1`)
      expect(lines[0]).toBe(`Running against the Clerk Backend API at ${server.url} (CLERK_SECRET_KEY is set)`)
      expectTheFlow(lines)
      // Both users were deleted by the example's finalizers.
      const response = yield* Effect.promise(() =>
        fetch(`${server.url}/users`, { headers: { authorization: "Bearer sk_test_example_e2e" } })
      )
      expect(yield* Effect.promise(() => response.json())).toEqual([])
    }).pipe(Effect.scoped)
  )

  it.live("with a key the server rejects: exits non-zero with a typed Unauthorized", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: "sk_test_the_right_one" })
      const { code, lines, stderr } = yield* runExample({
        CLERK_SECRET_KEY: "sk_test_wrong_one",
        CLERK_API_URL: server.url
      })
      expect(code).toBe(1)
      // NodeRuntime.runMain reports the failure through Effect's logger.
      const output = [...lines, stderr].join("\n")
      expect(output).toMatch(/Unauthorized \(401\) in \w+\.\w+: authentication_invalid/)
      expect(output).not.toContain("sk_test_wrong_one")
    }).pipe(Effect.scoped)
  )
})
