import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"

/** Runs an example as a user would (`tsx examples/<name>.ts`), without any Clerk variable. */
const runExample = (name: string) =>
  Effect.async<{ readonly code: number; readonly lines: ReadonlyArray<string>; readonly stderr: string }>((resume) => {
    const script = fileURLToPath(new URL(`../${name}`, import.meta.url))
    const {
      CLERK_SECRET_KEY: _k,
      CLERK_API_URL: _u,
      CLERK_WEBHOOK_SIGNING_SECRET: _w,
      CLERK_JWT_KEY: _j,
      ...inherited
    } = process.env
    const child = execFile(
      process.execPath,
      ["--import", "tsx", script],
      { env: inherited, timeout: 50_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0
        resume(Effect.succeed({ code, lines: stdout.trim().split("\n"), stderr }))
      }
    )
    return Effect.sync(() => child.kill())
  })

describe("examples/http-api-auth.ts", () => {
  it.live(
    "offline: 401 without a token, 200 with a minted one, the impersonation shows its actor, 401 when tampered",
    () =>
      Effect.gen(function* () {
        const { code, lines, stderr } = yield* runExample("http-api-auth.ts")
        expect(stderr).toBe("")
        expect(code).toBe(0)
        expect(lines[0]).toBe("Running against the embedded Clerk emulator (CLERK_SECRET_KEY is not set)")
        expect(lines[1]).toMatch(/^serving the API on http:\/\/127\.0\.0\.1:\d+$/)
        expect(lines[2]).toBe("GET /me without a token: 401")
        const signedIn = /^GET \/me with a session token: 200 (\{.*\})$/.exec(lines[3]!)
        const me = JSON.parse(signedIn![1]!) as { userId: string; sessionId: string; impersonatedBy: string | null }
        expect(me.userId).toMatch(/^user_\w+$/)
        expect(me.sessionId).toMatch(/^sess_\w+$/)
        expect(me.impersonatedBy).toBeNull()
        const impersonated = /^GET \/me impersonated by (user_\w+): 200 (\{.*\})$/.exec(lines[4]!)
        const as = JSON.parse(impersonated![2]!) as typeof me
        expect(as.userId).toBe(me.userId)
        expect(as.impersonatedBy).toBe(impersonated![1])
        expect(as.sessionId).not.toBe(me.sessionId)
        expect(lines[5]).toBe("GET /me with a tampered token: 401")
        expect(lines).toHaveLength(6)
      })
  )
})

describe("examples/webhook-handler.ts", () => {
  it.live(
    "svix-signed deliveries: 204 for known and later event types, a retry not handled twice, 400 for a tampered body and a replay",
    () =>
      Effect.gen(function* () {
        const { code, lines, stderr } = yield* runExample("webhook-handler.ts")
        expect(stderr).toBe("")
        expect(code).toBe(0)
        const logs = lines.filter((line) => /^\[[\d:.]+\] (WARN|INFO)|^\s+(reason|eventType|webhookId): /.test(line))
        expect(logs.filter((line) => line.includes("INFO"))).toHaveLength(1)
        expect(logs.find((line) => line.includes("INFO"))).toMatch(/Clerk webhook duplicate skipped: already handled$/)
        const output = lines.filter((line) => !logs.includes(line))
        expect(output[0]).toMatch(/^receiving webhooks on http:\/\/127\.0\.0\.1:\d+\/webhooks\/clerk$/)
        expect(output.slice(1)).toEqual([
          "user.deleted:",
          "  handled user.deleted user_2example (delivery msg_1)",
          "  -> 204",
          "user.deleted again, same svix-id (a Svix retry): not handled twice",
          "  -> 204",
          "agent.created (a type added later):",
          "  kept an event of a type added later: agent.created",
          "  -> 204",
          "user.deleted with a tampered body:",
          '  -> 400 {"error":"invalid-signature"}',
          "user.deleted signed 10 minutes ago (a replay):",
          '  -> 400 {"error":"timestamp-too-old"}'
        ])
      })
  )
})
