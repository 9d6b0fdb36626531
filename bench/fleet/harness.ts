/**
 * The fleet harness (issue 17, item 5): replicas in their own OS processes sharing one Clerk rate
 * limit, against one emulator process that enforces it, with a real Redis for the shared budget.
 * `runFleet(config)` is the whole experiment as a function of its configuration: `main.ts` runs it
 * at full size (`pnpm bench --scenario fleet`), `test/fleet.redis.test.ts` scaled down.
 *
 * The worker processes (`worker.ts`) are forked once and serve every set-up (one that died is
 * replaced), after a warm-up run that is not counted. Per set-up, one after the other on the same
 * emulator (reset between them: no users, empty rate counters) and the same Redis (restarted before
 * each set-up that uses it: it keeps no data, so the shared budget starts empty):
 * 1. send each worker the set-up, wait until each has built its clients;
 * 2. send them one deadline, `seconds` ahead; they create users until then;
 * 3. `faults` only (the `shared` set-up): kill worker 0 at 30 % of the run, stop Redis at 50 % and
 *    start it again a second later;
 * 4. wait for every worker to exit, until `graceSeconds` past the deadline (then it is killed and
 *    counted as hung);
 * 5. count, as the emulator saw it: the `Users.create` requests it received (it records every one:
 *    a fault rule of no latency matches each, and changes nothing), and the users it holds. Each
 *    request the limit let through created a user (the body has no unique field, so nothing else
 *    can refuse it), so 429s = requests - users. `used` is the users made by the deadline over
 *    what the limit allows in the run (`limit × seconds / window`). Users are tagged `w<worker>-<n>`: a tag held by two users
 *    is a user created twice.
 */
import { redisServer } from "../../packages/redis/test/redisServer.js"
import * as Users from "@effect-clerk/backend/Users"
import * as NodeClerk from "@effect-clerk/platform-node/NodeClerk"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { randomBytes } from "node:crypto"
import { bundle, forkWorker, type RunningEmulator, startEmulator, type WorkerProcess } from "./processes.js"
import type { RunConfig, Setup, Stats, Workload } from "./protocol.js"

/** A set-up of `worker.ts`, or `faults`: `shared` with a worker killed and Redis restarted mid-run. */
export type SetupName = Setup | "faults"

export interface FleetConfig {
  /** Length of each set-up's run. */
  readonly seconds: number
  /** Worker processes, and how each starts its calls (`worker.ts`). */
  readonly workers: number
  readonly workload: Workload
  /** The emulator's limit (`--rate-limit <limit>/<window>s`). */
  readonly limit: number
  readonly windowSeconds: number
  /**
   * The budget of the `shared` set-up. Default: none given to the SDK when the limit is a
   * development instance's (100 per 10 s), so that its default budget is what runs; for another
   * limit, the limit over a window `WINDOW_GUARD` longer, as that default is.
   */
  readonly budget?: { readonly limit: number; readonly windowSeconds: number } | undefined
  readonly setups: ReadonlyArray<SetupName>
  /**
   * A run of the `pause` set-up before the first, not counted: a fresh process runs its first
   * seconds cold (loading, JIT), which would handicap whichever set-up came first.
   */
  readonly warmupSeconds: number
  /** How long past the deadline a worker may take to exit before it counts as hung. */
  readonly graceSeconds: number
}

export interface FaultsOutcome {
  /** The worker killed, and the users it created after it was killed (0 unless a kill failed). */
  readonly killed: number
  readonly createdAfterKill: number
  /** Users the other workers created once Redis was back: the fleet went on. */
  readonly createdAfterRedisRestart: number
  /** The workers not killed: each must report by its deadline. */
  readonly survivors: number
}

export interface SetupResult {
  readonly setup: SetupName
  /** `Users.create` requests the emulator received, and how many it answered 429. */
  readonly requests: number
  readonly tooManyRequests: number
  /**
   * Users the emulator holds after the run, and the share of what the limit allowed in the run that
   * those made by the deadline are.
   */
  readonly created: number
  readonly used: number
  /** Tags held by more than one user. */
  readonly duplicates: number
  /** Workers that had not exited `graceSeconds` after the deadline. */
  readonly hung: ReadonlyArray<number>
  /** The reports of the workers (not of a killed one). */
  readonly workers: ReadonlyArray<Stats>
  readonly faults?: FaultsOutcome | undefined
}

const TAG = /^w(\d+)-\d+$/

/**
 * The shared budget's window is the limit's and 10 % more, by default. The client's windows begin
 * at its first reservation, the server's at the first request it receives, one request's latency
 * later; with windows of the same length, a batch released as the client's window turns can reach
 * the server before its window has: measured at 20/2s, 3 processes, 12 s, a budget of exactly the
 * limit met 4 and 12 429s in two runs, one of 20 per 2.2 s met 0 and 0, using 100 % of the limit.
 */
export const WINDOW_GUARD = 1.1

/** The budget `shared` gives the SDK (`undefined`: its default), see `FleetConfig.budget`. */
export const sharedBudget = (config: FleetConfig): RunConfig["budget"] => {
  if (config.budget !== undefined) return { limit: config.budget.limit, windowMs: config.budget.windowSeconds * 1000 }
  if (config.limit === 100 && config.windowSeconds === 10) return undefined
  return { limit: config.limit, windowMs: config.windowSeconds * WINDOW_GUARD * 1000 }
}

const CREATE_RECORDER = [{ operation: "Users.create", latency: 0 }]

/** The `Users.create` requests the emulator received so far (its record of matched fault rules). */
const createsReceived = (emulator: RunningEmulator) =>
  Effect.map(
    emulator.control("GET", "/faults"),
    (state) =>
      (state as { injected: ReadonlyArray<{ operation?: string }> }).injected.filter(
        (entry) => entry.operation === "Users.create"
      ).length
  )

/** The count once the emulator has answered everything sent to it (two reads 300 ms apart agree; 10 s at most). */
const settledCreates = (emulator: RunningEmulator) =>
  Effect.gen(function* () {
    let last = yield* createsReceived(emulator)
    for (let i = 0; i < 33; i++) {
      yield* Effect.sleep("300 millis")
      const now = yield* createsReceived(emulator)
      if (now === last) return now
      last = now
    }
    return last
  })

const sleepUntil = (at: number) => Effect.suspend(() => Effect.sleep(Math.max(0, at - Date.now())))

type Redis = { readonly port: number; readonly stop: Effect.Effect<void>; readonly start: Effect.Effect<void> }

const runSetup = (
  config: FleetConfig,
  setup: SetupName,
  emulator: RunningEmulator,
  workers: ReadonlyArray<WorkerProcess>,
  redis: Redis | undefined
) =>
  Effect.gen(function* () {
    yield* emulator.control("POST", "/reset", {})
    // and Redis emptied (restarted: it keeps no data): the calls the last run's deadline cut leave
    // their reservations in the shared budget, up to their time limit ahead
    if (redis !== undefined && (setup === "shared" || setup === "faults"))
      yield* redis.stop.pipe(Effect.zipRight(redis.start))
    const before = yield* createsReceived(emulator)
    const run: RunConfig = {
      setup: setup === "faults" ? "shared" : setup,
      workload: config.workload,
      seconds: config.seconds,
      budget: sharedBudget(config),
      redisPort: redis?.port
    }
    yield* Effect.forEach(workers, (worker) => worker.prepare(run), { concurrency: "unbounded", discard: true })
    const start = Date.now()
    const deadline = start + config.seconds * 1000
    for (const worker of workers) worker.go(deadline)

    let faults: { killAt: number; redisBackAt: number } | undefined
    const injecting =
      setup === "faults" && redis !== undefined
        ? yield* Effect.fork(
            Effect.gen(function* () {
              yield* sleepUntil(start + config.seconds * 300)
              const killAt = Date.now()
              workers[0]!.kill()
              yield* sleepUntil(start + config.seconds * 500)
              yield* redis.stop
              yield* Effect.sleep("1 second")
              yield* redis.start
              faults = { killAt, redisBackAt: Date.now() }
            })
          )
        : undefined

    const outcomes = yield* Effect.forEach(
      workers,
      (worker) => worker.finished(deadline + config.graceSeconds * 1000),
      {
        concurrency: "unbounded"
      }
    )
    if (injecting !== undefined) yield* Fiber.join(injecting)
    const requests = (yield* settledCreates(emulator)) - before
    const users = yield* Users.listStream().pipe(
      Stream.filter((user) => TAG.test(user.last_name ?? "")),
      Stream.runCollect,
      Effect.map(Chunk.toReadonlyArray)
    )
    const tags = new Map<string, number>()
    for (const user of users) tags.set(user.last_name!, (tags.get(user.last_name!) ?? 0) + 1)
    const created = users.length
    const byWorker = (id: number, after: number) =>
      users.filter((user) => Number(TAG.exec(user.last_name!)![1]) === id && user.created_at > after).length
    return {
      setup,
      requests,
      tooManyRequests: requests - created,
      created,
      // what the deadline cut may still reach a busy emulator later: only users made by then count
      used:
        users.filter((user) => user.created_at <= deadline).length /
        ((config.limit * config.seconds) / config.windowSeconds),
      duplicates: [...tags.values()].filter((count) => count > 1).length,
      hung: workers.filter((_, i) => outcomes[i] === "hung").map((worker) => worker.id),
      workers: outcomes.filter((outcome): outcome is Stats => typeof outcome === "object"),
      faults:
        faults === undefined
          ? undefined
          : {
              killed: 0,
              survivors: workers.length - 1,
              // a second's slack: a request the kill caught on the wire may still be answered
              createdAfterKill: byWorker(0, faults.killAt + 1000),
              createdAfterRedisRestart: workers
                .slice(1)
                .reduce((sum, worker) => sum + byWorker(worker.id, faults!.redisBackAt), 0)
            }
    } satisfies SetupResult
  })

/**
 * Runs every set-up of `config` in turn; `report` gets each result as soon as it is known.
 */
export const runFleet = (
  config: FleetConfig,
  report: (result: SetupResult) => Effect.Effect<void> = () => Effect.void
) =>
  Effect.gen(function* () {
    // a fresh key per run: the emulator counts per key, and the Redis budget is keyed by its fingerprint
    const secretKey = `sk_test_fleet_${randomBytes(12).toString("hex")}`
    const programs = yield* bundle
    const emulator = yield* startEmulator({
      program: programs.emulator,
      secretKey,
      rateLimit: `${config.limit}/${config.windowSeconds}s`
    })
    yield* emulator.control("PUT", "/faults", CREATE_RECORDER)
    const needsRedis = config.setups.some((setup) => setup === "shared" || setup === "faults")
    const redis = needsRedis ? yield* redisServer : undefined
    const client = yield* Layer.build(
      NodeClerk.layer({ secretKey: Redacted.make(secretKey), baseUrl: emulator.apiUrl })
    )
    // the workers serve one set-up after the other; one that died (killed, hung) is replaced
    const spawn = (id: number) => forkWorker(programs.worker, { id, apiUrl: emulator.apiUrl, secretKey })
    let workers = yield* Effect.forEach(
      Array.from({ length: config.workers }, (_, id) => id),
      spawn,
      { concurrency: "unbounded" }
    )
    yield* runSetup({ ...config, seconds: config.warmupSeconds }, "pause", emulator, workers, redis).pipe(
      Effect.provide(client)
    )
    const results: Array<SetupResult> = []
    for (const setup of config.setups) {
      workers = yield* Effect.forEach(workers, (worker) => (worker.alive() ? Effect.succeed(worker) : spawn(worker.id)))
      const result = yield* runSetup(config, setup, emulator, workers, redis).pipe(Effect.provide(client))
      yield* report(result)
      results.push(result)
    }
    return results
  }).pipe(Effect.scoped)

/** What the workers of a set-up saw, summed. */
export const totals = (result: SetupResult) => {
  const failed: Record<string, number> = {}
  for (const worker of result.workers)
    for (const [tag, n] of Object.entries(worker.failed)) failed[tag] = (failed[tag] ?? 0) + n
  const sum = (field: "calls" | "created" | "cut" | "clientsBuiltLate") =>
    result.workers.reduce((total, worker) => total + worker[field], 0)
  return {
    calls: sum("calls"),
    created: sum("created"),
    failed,
    cut: sum("cut"),
    clientsBuiltLate: sum("clientsBuiltLate")
  }
}

/**
 * The line `pnpm bench --scenario fleet` prints for a set-up: the emulator's counts, then the
 * workers' calls: started, created, failed (by tag), cut by the deadline.
 */
export const line = (result: SetupResult): string => {
  const seen = totals(result)
  const failed = Object.entries(seen.failed)
    .map(([tag, n]) => `${tag}:${n}`)
    .join(",")
  return (
    `fleet ${result.setup}: 429s=${result.tooManyRequests} requests=${result.requests} used=${Math.round(result.used * 100)}%` +
    ` calls=${seen.calls} ok=${seen.created} failed=${failed === "" ? 0 : failed} cut=${seen.cut}`
  )
}

export interface Verdict {
  readonly ok: boolean
  readonly text: string
}

/** The goals and the fault checks, for the set-ups that ran. */
export const checks = (results: ReadonlyArray<SetupResult>): ReadonlyArray<Verdict> => {
  const of = (setup: SetupName) => results.find((result) => result.setup === setup)
  const out: Array<Verdict> = []
  const shared = of("shared")
  if (shared !== undefined) {
    out.push({ ok: shared.tooManyRequests === 0, text: `shared: 429s=${shared.tooManyRequests} (goal 0)` })
    out.push({ ok: shared.used >= 0.9, text: `shared: used=${Math.round(shared.used * 100)}% (goal ≥ 90%)` })
  }
  const retries = of("retries")
  const pause = of("pause")
  if (retries !== undefined && pause !== undefined) {
    out.push({
      ok: pause.tooManyRequests < retries.tooManyRequests,
      text: `pause wastes fewer requests than retries: 429s ${pause.tooManyRequests} < ${retries.tooManyRequests}`
    })
  }
  const hung = results.flatMap((result) => result.hung.map((id) => `${result.setup}/w${id}`))
  out.push({
    ok: hung.length === 0,
    text: `workers hung past the deadline: ${hung.length === 0 ? "none" : hung.join(", ")}`
  })
  const duplicates = results.reduce((sum, result) => sum + result.duplicates, 0)
  out.push({ ok: duplicates === 0, text: `users created twice: ${duplicates}` })
  const faults = of("faults")
  if (faults?.faults !== undefined) {
    out.push({
      ok: faults.faults.createdAfterKill === 0,
      text: `faults: the killed worker created ${faults.faults.createdAfterKill} users after its kill`
    })
    out.push({
      ok: faults.faults.createdAfterRedisRestart > 0 && faults.workers.length === faults.faults.survivors,
      text:
        `faults: the other workers created ${faults.faults.createdAfterRedisRestart} users after Redis was back; ` +
        `${faults.workers.length} of ${faults.faults.survivors} reported by their deadline`
    })
  }
  return out
}
