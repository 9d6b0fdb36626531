import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"

const script = fileURLToPath(new URL("../metrics-otel.ts", import.meta.url))

/** Runs the example as a user would (`tsx examples/metrics-otel.ts`). */
const runExample = Effect.async<{ readonly code: number; readonly stdout: string; readonly stderr: string }>(
  (resume) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", script],
      { env: process.env, timeout: 50_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0
        resume(Effect.succeed({ code, stdout, stderr }))
      }
    )
    return Effect.sync(() => child.kill())
  }
)

describe("examples/metrics-otel.ts", () => {
  it.live("exports the SDK's metrics through @effect/opentelemetry: calls by outcome, time, attempts, 429s", () =>
    Effect.gen(function* () {
      const { code, stdout, stderr } = yield* runExample
      expect(stderr).toBe("")
      expect(code).toBe(0)
      // what the OpenTelemetry reader exported, one line per data point
      expect(stdout.trim().split("\n")).toEqual([
        // Users.get: a 429 then the user (2 requests), and a missing user (1)
        'clerk_attempts{operation_id="GetUser"} 3',
        // the batch of three gets (one list call), then Users.list
        'clerk_attempts{operation_id="GetUserList"} 2',
        'clerk_call_duration_seconds{operation_id="GetUser"} count=2',
        'clerk_call_duration_seconds{operation_id="GetUserList"} count=2',
        'clerk_calls{operation_id="GetUser",outcome="NotFound"} 1',
        'clerk_calls{operation_id="GetUser",outcome="success"} 1',
        'clerk_calls{operation_id="GetUserList",outcome="success"} 2',
        'clerk_rate_limited{operation_id="GetUser"} 1'
      ])
    })
  )
})
