import * as EmulatorServer from "@effect-clerk/emulator/EmulatorServer"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"

const script = fileURLToPath(new URL("../org-provisioning.ts", import.meta.url))

/** Runs the example as a user would (`tsx examples/org-provisioning.ts`), with only the given Clerk variables. */
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
  expect(lines[1]).toMatch(/^created organization org_\w+ \(slug example-org-\w+\) with admin user_\w+$/)
  expect(lines[2]).toMatch(/^invited \S+@example\.com as org:member: orginv_\w+ \(pending\)$/)
  expect(lines[3]).toMatch(/^accepted: user_\w+ is org:member$/)
  expect(lines[4]).toMatch(/^promoted user_\w+ to org:admin$/)
  expect(lines[5]).toBe("members: 2 (org:admin, org:admin)")
  expect(lines).toHaveLength(6)
}

describe("examples/org-provisioning.ts", () => {
  it.live("without CLERK_SECRET_KEY: runs offline against the embedded emulator and exits 0", () =>
    Effect.gen(function* () {
      const { code, lines, stderr } = yield* runExample({})
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(lines[0]).toBe("Running against the embedded Clerk emulator (CLERK_SECRET_KEY is not set)")
      expectTheFlow(lines)
    })
  )

  it.live("with CLERK_SECRET_KEY: provisions through undici and deletes what it created", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: "sk_test_org_example" })
      const { code, lines, stderr } = yield* runExample({
        CLERK_SECRET_KEY: "sk_test_org_example",
        CLERK_API_URL: server.url
      })
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(lines[0]).toBe(`Running against the Clerk Backend API at ${server.url} (CLERK_SECRET_KEY is set)`)
      expectTheFlow(lines)
      const get = (path: string) =>
        Effect.promise(() =>
          fetch(`${server.url}${path}`, { headers: { authorization: "Bearer sk_test_org_example" } }).then((r) =>
            r.json()
          )
        )
      expect(yield* get("/users")).toEqual([])
      expect(yield* get("/organizations")).toEqual({ data: [], total_count: 0 })
      // the real-API path revoked the invitation it provisioned around
      const events = server.emulator.webhooks.events().map((e) => e.type)
      expect(events).toContain("organizationInvitation.revoked")
      expect(events).not.toContain("organizationInvitation.accepted")
    }).pipe(Effect.scoped)
  )
})
