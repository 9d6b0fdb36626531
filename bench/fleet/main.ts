/**
 * `pnpm bench --scenario fleet`: six replicas (OS processes) creating users through the SDK, each
 * starting 3.5 calls a second (the fleet offers about twice the limit), sharing one Clerk rate limit (100 per 10 s, a development instance's) enforced by one
 * emulator process, with a real Redis (Debian's `redis-server`, on 127.0.0.1, on a free port) for
 * the shared budget. See `harness.ts` for what runs and how it is counted.
 *
 *   npx -y pnpm@10.34.9 bench --scenario fleet                     30 s per set-up
 *   npx -y pnpm@10.34.9 bench --scenario fleet --seconds 10 --workers 3 --rate 7 --limit 20/2s
 *   npx -y pnpm@10.34.9 bench --scenario fleet --workload closed --lanes 4
 *
 * Flags: `--seconds` (per set-up, 30), `--workers` (processes, 6), `--workload open|closed` (open),
 * `--rate` (open: calls started a second per process, 3.5), `--lanes` (closed: calls in flight per
 * process, 4), `--limit <n>/<seconds>s` (100/10s), `--budget <n>/<seconds>s` (the shared set-up's
 * budget; default: the SDK's own at 100/10s, else the limit over a window 10 % longer, see
 * `sharedBudget`), `--setups` (retries,pause,shared,faults).
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
import { checks, type FleetConfig, line, runFleet, type SetupName, sharedBudget } from "./harness.js"

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "30" },
    workers: { type: "string", default: "6" },
    workload: { type: "string", default: "open" },
    rate: { type: "string", default: "3.5" },
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

if (values.workload !== "open" && values.workload !== "closed") {
  process.stderr.write("--workload is open or closed\n")
  process.exit(2)
}
const rate = Number(values.rate)
if (!Number.isFinite(rate) || rate <= 0 || rate > 1000) {
  process.stderr.write("--rate must be a number of calls a second, above 0 and at most 1000\n")
  process.exit(2)
}

const config: FleetConfig = {
  seconds: whole("seconds", values.seconds, 3600),
  workers: whole("workers", values.workers, 64),
  workload:
    values.workload === "open" ? { kind: "open", rate } : { kind: "closed", lanes: whole("lanes", values.lanes, 64) },
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
  const budget = sharedBudget(config)
  yield* Console.log(
    `fleet: ${config.workers} processes × ` +
      (config.workload.kind === "open"
        ? `${config.workload.rate} calls started a second (open loop)`
        : `${config.workload.lanes} calls in flight (closed loop)`) +
      `, ${config.seconds} s per set-up, limit ${config.limit}/${config.windowSeconds}s, shared budget ` +
      (budget === undefined ? "the SDK's default" : `${budget.limit}/${budget.windowMs / 1000}s`)
  )
  const results = yield* runFleet(config, (result) =>
    Console.log(
      [
        line(result),
        ...result.workers.map(
          (w) =>
            `  worker ${w.id}: calls=${w.calls} created=${w.created} failed=${JSON.stringify(w.failed)} cut=${w.cut} ` +
            `longest call=${(w.longestMs / 1000).toFixed(1)}s client: attempts=${w.attempts} 429s=${w.tooManyRequests}` +
            (w.clientsBuiltLate > 0 ? ` clients built during the run=${w.clientsBuiltLate}` : "")
        )
      ].join("\n")
    )
  )
  const verdicts = checks(results)
  for (const verdict of verdicts) yield* Console.log(`fleet check: ${verdict.ok ? "ok  " : "FAIL"} ${verdict.text}`)
  if (verdicts.some((verdict) => !verdict.ok)) process.exitCode = 1
})

NodeRuntime.runMain(program)
