/**
 * `pnpm bench --scenario fleet`: six replicas (OS processes) creating users through the SDK as fast
 * as they can, sharing one Clerk rate limit (100 per 10 s, a development instance's) enforced by one
 * emulator process, with a real Redis (Debian's `redis-server`, on 127.0.0.1, on a free port) for
 * the shared budget. See `harness.ts` for what runs and how it is counted.
 *
 *   npx -y pnpm@10.34.9 bench --scenario fleet                     30 s per set-up
 *   npx -y pnpm@10.34.9 bench --scenario fleet --seconds 10 --workers 3 --lanes 3 --limit 20/2s
 *
 * Flags: `--seconds` (per set-up, 30), `--workers` (processes, 6), `--lanes` (calls in flight per
 * process, 4), `--limit <n>/<seconds>s` (100/10s), `--budget <n>/<seconds>s` (the shared set-up's
 * budget; default the limit over a window 10 % longer, see `WINDOW_GUARD`), `--setups` (retries,pause,shared,faults).
 *
 * Prints one line per set-up, `fleet <set-up>: 429s=<n> requests=<n> used=<percent of the limit>%`,
 * then what the workers saw and the checks: the goals (shared: 0 429s and at least 90 % of the
 * limit used; pause: fewer 429s than retries) and the faults (no worker hung, no user created twice,
 * the killed worker created nothing after its kill, the others went on after Redis came back).
 * Exits 1 when a check fails. A watchdog ends it if it outlives its own schedule by a minute.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { parseArgs } from "node:util"
import { checks, type FleetConfig, line, runFleet, type SetupName, WINDOW_GUARD } from "./harness.js"

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "30" },
    workers: { type: "string", default: "6" },
    lanes: { type: "string", default: "4" },
    limit: { type: "string", default: "100/10s" },
    budget: { type: "string" },
    setups: { type: "string", default: "retries,pause,shared,faults" }
  }
})

const whole = (name: string, value: string, max: number) => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > max) {
    process.stderr.write(`--${name} must be a whole number 1..${max}\n`)
    process.exit(2)
  }
  return n
}
const limit = /^(\d+)\/(\d+)s$/.exec(values.limit)
if (limit === null) {
  process.stderr.write("--limit must read <requests>/<seconds>s, e.g. 100/10s\n")
  process.exit(2)
}
const budget = values.budget === undefined ? undefined : /^(\d+)\/(\d+(?:\.\d+)?)s$/.exec(values.budget)
if (budget === null) {
  process.stderr.write("--budget must read <requests>/<seconds>s, e.g. 100/10.5s\n")
  process.exit(2)
}
const setups = values.setups.split(",") as Array<SetupName>
if (!setups.every((setup) => ["retries", "pause", "shared", "faults"].includes(setup))) {
  process.stderr.write("--setups is a list of retries, pause, shared, faults\n")
  process.exit(2)
}

const config: FleetConfig = {
  seconds: whole("seconds", values.seconds, 3600),
  workers: whole("workers", values.workers, 64),
  lanes: whole("lanes", values.lanes, 64),
  limit: whole("limit", limit[1]!, 1_000_000),
  windowSeconds: whole("limit", limit[2]!, 3600),
  budget:
    budget === undefined
      ? undefined
      : { limit: whole("budget", budget[1]!, 1_000_000), windowSeconds: Number(budget[2]) },
  setups,
  warmupSeconds: 5,
  graceSeconds: 10
}

// the script stops by itself: a minute beyond its own schedule (start-up, runs, grace, counting)
const schedule = setups.length * (config.seconds + config.graceSeconds + 60) * 1000 + 60_000
setTimeout(() => {
  process.stderr.write(`fleet: still running after ${Math.round(schedule / 1000)} s; stopping\n`)
  process.exit(1)
}, schedule).unref()

const program = Effect.gen(function* () {
  yield* Console.log(
    `fleet: ${config.workers} processes × ${config.lanes} calls in flight, ${config.seconds} s per set-up, ` +
      `limit ${config.limit}/${config.windowSeconds}s` +
      `, shared budget ${config.budget?.limit ?? config.limit}/` +
      `${config.budget?.windowSeconds ?? config.windowSeconds * WINDOW_GUARD}s`
  )
  const results = yield* runFleet(config, (result) =>
    Console.log(
      [
        line(result),
        ...result.workers.map(
          (w) =>
            `  worker ${w.id}: created=${w.created} failed=${JSON.stringify(w.failed)} cut=${w.cut} ` +
            `longest call=${(w.longestMs / 1000).toFixed(1)}s client: attempts=${w.attempts} 429s=${w.tooManyRequests}`
        )
      ].join("\n")
    )
  )
  const verdicts = checks(results)
  for (const verdict of verdicts) yield* Console.log(`fleet check: ${verdict.ok ? "ok  " : "FAIL"} ${verdict.text}`)
  if (verdicts.some((verdict) => !verdict.ok)) process.exitCode = 1
})

NodeRuntime.runMain(program)
