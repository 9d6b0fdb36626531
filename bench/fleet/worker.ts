/**
 * One replica of the fleet benchmark, in its own OS process (forked by `processes.ts`): per run, it
 * creates users through the SDK (`Users.create`, undici) as fast as its lanes can until the
 * deadline, then reports what it saw. It serves run after run (a process start costs seconds on a
 * busy machine) and exits when its parent says so or goes away.
 *
 * argv[2] is the JSON of `WorkerConfig`; each run's `RunConfig` comes in its `prepare` message.
 * `setup` decides the client:
 * - `retries`: a `ClerkClient` per lane, so that a 429 holds only the call that met it (the SDK's
 *   retries, `Retry-After` honoured, and nothing shared: what a client without a shared pause does);
 * - `pause`: one `ClerkClient` for all lanes (a 429 pauses every call of the process);
 * - `shared`: the same, paced by `ClerkRateLimit` over the Redis store every replica shares.
 *
 * Every user it creates is tagged `last_name: w<id>-<n>`, unique per worker and call and in no
 * field Clerk keeps unique, so that a user created twice shows as two users with one tag.
 *
 * Messages (see `protocol.ts`): `prepare` → `ready` once the run's clients are built; `go` with the
 * deadline (epoch ms) → `done` with the stats, the calls still running at the deadline interrupted
 * (`cut`); `exit`.
 */
import type * as Clerk from "@effect-clerk/backend/Clerk"
import type * as ClerkError from "@effect-clerk/backend/ClerkError"
import * as Users from "@effect-clerk/backend/Users"
import * as NodeClerk from "@effect-clerk/platform-node/NodeClerk"
import * as RedisRateLimit from "@effect-clerk/redis/RedisRateLimit"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Redacted from "effect/Redacted"
import type { ParentMessage, RunConfig, Stats, WorkerConfig } from "./protocol.js"

const config = JSON.parse(process.argv[2] ?? "{}") as WorkerConfig

/** What one run saw, counted as it goes. */
const counters = () => {
  const failed: Record<string, number> = {}
  const stats: { -readonly [K in keyof Stats]: Stats[K] } = {
    id: config.id,
    created: 0,
    failed,
    cut: 0,
    longestMs: 0,
    attempts: 0,
    tooManyRequests: 0
  }
  return { stats, failed, inFlight: 0 }
}
type Counters = ReturnType<typeof counters>

const clientLayer = (run: RunConfig, counts: Counters): Layer.Layer<Clerk.Services, unknown> => {
  const client = NodeClerk.layer({
    secretKey: Redacted.make(config.secretKey),
    baseUrl: config.apiUrl,
    // the client's own count of what it sent and what came back 429 (the emulator counts too)
    transformClient: (client) =>
      HttpClient.tap(client, (response) =>
        Effect.sync(() => {
          counts.stats.attempts++
          if (response.status === 429) counts.stats.tooManyRequests++
        })
      )
  })
  if (run.setup !== "shared") return client
  if (run.redisPort === undefined) throw new Error("the shared set-up needs the Redis port")
  // the pacing layer over the Redis every replica shares; ClerkClient.make finds it in context
  const pacing = RedisRateLimit.layer({
    host: "127.0.0.1",
    port: run.redisPort,
    budget: { limit: run.budget.limit, window: Duration.millis(run.budget.windowMs) }
  })
  return Layer.provide(client, pacing)
}

let sequence = 0

const createOne = (counts: Counters) =>
  Effect.suspend(() => {
    const started = Date.now()
    counts.inFlight++
    return Users.create({
      first_name: "Fleet",
      last_name: `w${config.id}-${sequence++}`,
      skip_password_requirement: true
    }).pipe(
      Effect.match({
        onFailure: (error: ClerkError.ClerkError) => {
          counts.failed[error._tag] = (counts.failed[error._tag] ?? 0) + 1
        },
        onSuccess: () => {
          counts.stats.created++
        }
      }),
      Effect.onExit((exit) =>
        Effect.sync(() => {
          counts.inFlight--
          if (!Exit.isInterrupted(exit)) counts.stats.longestMs = Math.max(counts.stats.longestMs, Date.now() - started)
        })
      )
    )
  })

const send = (message: object) =>
  Effect.async<void>((resume) => {
    process.send!(message, () => resume(Effect.void))
  })

/** One run: build the clients, say ready, wait for the deadline, create users until then, report. */
const run = (setup: RunConfig, inbox: Queue.Queue<ParentMessage>) =>
  Effect.gen(function* () {
    const counts = counters()
    // the clients are built before the start, so that the run measures calls, not start-up;
    // `retries`: one per lane, so that no call waits for another's 429
    const contexts = yield* Effect.forEach(Array.from({ length: setup.setup === "retries" ? config.lanes : 1 }), () =>
      Layer.build(clientLayer(setup, counts))
    )
    yield* send({ type: "ready" })
    const go = yield* Queue.take(inbox)
    if (go.type !== "go") return yield* Effect.dieMessage(`expected go, got ${go.type}`)
    // `lanes` callers, each sending its next call as soon as its last one ended
    const lane = Effect.whileLoop({
      while: () => Date.now() < go.deadline,
      body: () => createOne(counts),
      step: () => {}
    })
    yield* Effect.forEach(
      Array.from({ length: config.lanes }, (_, i) => i),
      (i) => Effect.provide(lane, contexts[i % contexts.length]!),
      { concurrency: "unbounded", discard: true }
    ).pipe(
      Effect.race(
        Effect.sleep(Math.max(0, go.deadline - Date.now())).pipe(
          Effect.andThen(() => {
            counts.stats.cut = counts.inFlight // the calls the deadline interrupts
          })
        )
      )
    )
    yield* send({ type: "done", stats: counts.stats })
  }).pipe(Effect.scoped)

const program = Effect.gen(function* () {
  const inbox = yield* Queue.unbounded<ParentMessage>()
  process.on("message", (message: ParentMessage) => inbox.unsafeOffer(message))
  process.on("disconnect", () => process.exit(0)) // the parent went away
  yield* send({ type: "started" })
  while (true) {
    const message = yield* Queue.take(inbox)
    if (message.type === "exit") return
    if (message.type === "prepare") yield* run(message.run, inbox)
  }
})

Effect.runPromise(program).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`fleet worker ${config.id}: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  }
)
