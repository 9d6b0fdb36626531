/**
 * Runtime figures: effect-clerk against raw undici, fetch, an "Effect floor" and @clerk/backend,
 * on a loopback server (its own process) serving spec-valid Clerk payloads.
 *
 * `pnpm bench` measures what users install: it builds each package's `dist/`, compiles this
 * benchmark to JavaScript and runs it with plain node, `@effect-clerk/*` resolved to `dist/` (see
 * bench.mjs). `--no-build` reuses the `dist/` already built.
 *
 *   npx -y pnpm@10.34.9 bench                        every scenario, every adapter
 *   npx -y pnpm@10.34.9 bench --rounds 7 --ms 1500   more and longer rounds
 *   npx -y pnpm@10.34.9 bench --scenario list500     one scenario (list500, list10, create)
 *   npx -y pnpm@10.34.9 bench --profile "effect-clerk undici" --scenario list10
 *                                                    CPU profile of one adapter: self time by package
 *
 * Each round runs every adapter once, in a rotated order (interleaved, so a slow spell of a shared
 * machine hits all of them), for a fixed time with a fixed number of calls in flight. Per round, each
 * adapter's figure is divided by raw undici's in the same round; the table prints the median and the
 * range of those ratios. Round 0 is a warm-up and is not counted. The last two columns divide by the
 * Effect floor's and by @clerk/backend's figures of the same round instead (when they run).
 */
import { fork } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { type Adapter, ADAPTERS, type AdapterName, makeAdapters } from "./adapters.js"
import { profile } from "./profile.js"

interface Scenario {
  readonly name: string
  readonly title: string
  readonly inFlight: number
  readonly call: (adapter: Adapter) => Promise<unknown>
}

const SCENARIOS: ReadonlyArray<Scenario> = [
  { name: "list500", title: "Users.list({ limit: 500 }), 8 in flight", inFlight: 8, call: (a) => a.listUsers(500) },
  { name: "list10", title: "Users.list({ limit: 10 }), 64 in flight", inFlight: 64, call: (a) => a.listUsers(10) },
  { name: "create", title: "ActorTokens.create, one at a time", inFlight: 1, call: (a) => a.createActorToken() }
]

const args = process.argv.slice(2)
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const ROUNDS = Number(option("rounds") ?? 5)
const ROUND_MS = Number(option("ms") ?? 1000)
const ONLY = option("scenario")
const PROFILE = option("profile") as AdapterName | undefined
const ADAPTER_NAMES = (option("adapters")?.split(",") ?? Object.keys(ADAPTERS)) as Array<AdapterName>

interface Sample {
  readonly calls: number
  readonly seconds: number
  readonly cpuMicros: number
  readonly requests: number
  readonly rss: number
}

const startServer = (): Promise<{ origin: string; requests: () => Promise<number>; stop: () => void }> =>
  new Promise((resolve, reject) => {
    const here = dirname(fileURLToPath(import.meta.url))
    // compiled by bench.mjs (`pnpm bench`): the server is JavaScript too; from source, through tsx
    const compiled = import.meta.url.endsWith(".js")
    const child = fork(join(here, compiled ? "server.js" : "server.ts"), [], {
      execArgv: compiled ? [] : ["--import", "tsx"],
      stdio: "inherit"
    })
    child.once("error", reject)
    child.once("message", (message: { port: number }) => {
      const origin = `http://127.0.0.1:${message.port}`
      resolve({
        origin,
        requests: async () => Number(await (await fetch(`${origin}/__requests`)).text()),
        stop: () => child.kill("SIGTERM")
      })
    })
  })

/** `inFlight` workers call until the time is up; returns calls, wall time and this process's CPU. */
const run = async (scenario: Scenario, adapter: Adapter, ms: number, requests: () => Promise<number>) => {
  const before = await requests()
  const cpu = process.cpuUsage()
  const start = performance.now()
  const deadline = start + ms
  let calls = 0
  const worker = async () => {
    while (performance.now() < deadline) {
      await scenario.call(adapter)
      calls++
    }
  }
  await Promise.all(Array.from({ length: scenario.inFlight }, worker))
  const seconds = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  const sample: Sample = {
    calls,
    seconds,
    cpuMicros: used.user + used.system,
    requests: (await requests()) - before,
    rss: process.memoryUsage().rss
  }
  return sample
}

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const fmt = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2))
const cell = (values: ReadonlyArray<number>) =>
  `${fmt(median(values))}× (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`

const main = async () => {
  const server = await startServer()
  try {
    const scenarios = SCENARIOS.filter((s) => ONLY === undefined || s.name === ONLY)
    if (PROFILE) {
      const [adapter] = await makeAdapters(server.origin, [PROFILE])
      for (const scenario of scenarios) {
        await run(scenario, adapter!, ROUND_MS, server.requests)
        console.log(`\n## CPU profile: ${adapter!.name}, ${scenario.title}, ${ROUND_MS * ROUNDS} ms\n`)
        let calls = 0
        const table = await profile(async () => {
          calls = (await run(scenario, adapter!, ROUND_MS * ROUNDS, server.requests)).calls
        })
        console.log(`${calls} calls\n\n${table}`)
      }
      await adapter!.dispose()
      return
    }
    const names: Array<AdapterName> = ["raw undici", ...ADAPTER_NAMES.filter((n) => n !== "raw undici")]
    const adapters = await makeAdapters(server.origin, names)
    console.log(
      `effect-clerk from ${new URL(import.meta.resolve("@effect-clerk/backend")).pathname.replace(/^.*\/packages\//, "packages/")}; ` +
        `node ${process.version}, ${ROUNDS} rounds of ${ROUND_MS} ms per adapter and scenario (after a warm-up round); ` +
        `ratios against raw undici in the same round: median (min–max)`
    )
    for (const scenario of scenarios) {
      const samples = new Map<string, Array<Sample>>(adapters.map((a) => [a.name, []]))
      for (let round = 0; round <= ROUNDS; round++) {
        const order = adapters.map((_, i) => adapters[(i + round) % adapters.length]!)
        for (const adapter of order) {
          const sample = await run(scenario, adapter, round === 0 ? ROUND_MS / 2 : ROUND_MS, server.requests)
          if (round > 0) samples.get(adapter.name)!.push(sample)
        }
      }
      const base = samples.get("raw undici")!
      const ratio = (name: string, f: (s: Sample) => number, against = base) =>
        samples.get(name)!.map((s, i) => f(s) / f(against[i]!))
      const floor = samples.get("Effect floor")
      const clerk = samples.get("@clerk/backend")
      const rows = adapters.map((a) => {
        const s = samples.get(a.name)!
        return [
          a.name,
          cell(ratio(a.name, (x) => x.calls / x.seconds)),
          cell(ratio(a.name, (x) => x.cpuMicros / x.calls)),
          fmt(median(s.map((x) => x.requests / x.calls))),
          cell(ratio(a.name, (x) => x.rss)),
          `${Math.round(median(s.map((x) => x.calls / x.seconds)))} calls/s, ${Math.round(median(s.map((x) => x.cpuMicros / x.calls)))} µs CPU/call`,
          floor
            ? `${cell(ratio(a.name, (x) => x.calls / x.seconds, floor))} / ${cell(ratio(a.name, (x) => x.cpuMicros / x.calls, floor))}`
            : "n/a",
          clerk ? cell(ratio(a.name, (x) => x.calls / x.seconds, clerk)) : "n/a"
        ]
      })
      console.log(`\n### ${scenario.title}\n`)
      console.log(
        "| client | calls/s | client CPU per call | requests per call | RSS | absolute (median) | against the Effect floor: calls/s / CPU per call | against @clerk/backend: calls/s |"
      )
      console.log("| --- | --- | --- | --- | --- | --- | --- | --- |")
      for (const row of rows) console.log(`| ${row.join(" | ")} |`)
    }
    for (const adapter of adapters) await adapter.dispose()
  } finally {
    server.stop()
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
