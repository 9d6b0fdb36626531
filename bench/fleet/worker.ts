/**
 * One replica of the fleet benchmark, in its own OS process (forked by `processes.ts`): per run, it
 * creates users through the SDK (`Users.create`, undici, the SDK's default time limit and retries)
 * until the deadline, then reports what it saw. It serves run after run (a process start costs
 * seconds on a busy machine) and exits when its parent says so or goes away.
 *
 * argv[2] is the JSON of `WorkerConfig`; each run's `RunConfig` comes in its `prepare` message.
 *
 * The workload (`RunConfig.workload`) decides when calls start:
 * - `open` (the default): a new call every `1 / rate` s (from a random phase, so that the replicas
 *   do not start in step), each in its own fiber, whatever the calls before it are doing: an
 *   application serving its own traffic. Arrivals stop at the deadline.
 * - `closed`: `lanes` callers, each sending its next call as soon as its last one ended. Every
 *   caller always has a call in flight, so when the first 429 comes back the others' requests are
 *   already on the wire: a pause cannot hold what is already sent, and in such a loop it holds no
 *   more than the caller's own wait for `Retry-After` would.
 *
 * `setup` decides the client:
 * - `retries`: each call in flight has a `ClerkClient` no other call in flight uses, so that a 429
 *   holds only the call that met it: the SDK's retries (`Retry-After` honoured) and nothing shared,
 *   what a client without a shared pause does. The pause is per `ClerkClient` service object and
 *   has no switch, so this is the only way to have a client without it. The clients are a pool of
 *   contexts built before the run (`Layer.build`): a call takes a free one and gives it back when
 *   it ends (one whose call ended on a 429 is paused until its `Retry-After`: not taken before);
 *   when none is free it builds one (counted in `clientsBuiltLate`: a run should build
 *   enough up front that it never waits to build: `rate × seconds`, the most calls that can be in
 *   flight, capped by what a call can last, or one per lane);
 * - `pause`: one `ClerkClient` for all calls of the process (a 429 pauses every call of it);
 * - `shared`: the same, paced by `ClerkRateLimit` over the Redis store every replica shares.
 *
 * Every user it creates is tagged `last_name: w<id>-<n>`, unique per worker and call and in no
 * field Clerk keeps unique, so that a user created twice shows as two users with one tag.
 *
 * Messages (see `protocol.ts`): `prepare` → `ready` once the run's clients are built; `go` with the
 * deadline (epoch ms) → `done` with the stats, the calls still running at the deadline interrupted
 * (`cut`); `exit`.
 */
import type * as ClerkError from "@effect-clerk/backend/ClerkError"
import * as Users from "@effect-clerk/backend/Users"
import * as NodeClerkClient from "@effect-clerk/platform-node/NodeClerkClient"
import * as RedisRateLimit from "@effect-clerk/redis/RedisRateLimit"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type { ParentMessage, RunConfig, Stats, WorkerConfig } from "./protocol.js"

const config = JSON.parse(process.argv[2] ?? "{}") as WorkerConfig

/**
 * The longest a `Users.create` call of the SDK's defaults can last against a limit of 10 s windows:
 * four attempts, three waits for `Retry-After` (at most the window, and 10 % more); a call in
 * flight longer than that holds no client of the pool.
 */
const LONGEST_CALL_SECONDS = 40

/** What one run saw, counted as it goes. */
const counters = () => {
  const failed: Record<string, number> = {}
  const stats: { -readonly [K in keyof Stats]: Stats[K] } = {
    id: config.id,
    calls: 0,
    created: 0,
    failed,
    cut: 0,
    longestMs: 0,
    attempts: 0,
    tooManyRequests: 0,
    clients: 0,
    clientsBuiltLate: 0
  }
  return { stats, failed, inFlight: 0 }
}
type Counters = ReturnType<typeof counters>

const clientLayer = (run: RunConfig, counts: Counters): Layer.Layer<Users.Users, unknown> => {
  const client = Users.layer.pipe(
    Layer.provide(
      NodeClerkClient.layer({
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
    )
  )
  if (run.setup !== "shared") return client
  if (run.redisPort === undefined) throw new Error("the shared set-up needs the Redis port")
  // the pacing layer over the Redis every replica shares; ClerkClient.make finds it in context.
  // No budget: ClerkRateLimit's default for the key (a development one: 100 over 11 s)
  const pacing = RedisRateLimit.layer({
    host: "127.0.0.1",
    port: run.redisPort,
    budget: run.budget && { limit: run.budget.limit, window: Duration.millis(run.budget.windowMs) }
  })
  return Layer.provide(client, pacing)
}

/** Runs a call with a client: the same for every call, or (`retries`) one no other call in flight uses. */
type Clients = <A, E>(call: Effect.Effect<A, E, Users.Users>) => Effect.Effect<A, E>

const clients = (run: RunConfig, counts: Counters, scope: Scope.Scope): Effect.Effect<Clients, unknown> =>
  Effect.gen(function* () {
    const build = Effect.suspend(() => {
      counts.stats.clients++
      return Layer.buildWithScope(clientLayer(run, counts), scope)
    })
    if (run.setup !== "retries") {
      const one = yield* build
      return (call) => Effect.provide(call, one)
    }
    const upFront =
      run.workload.kind === "closed"
        ? run.workload.lanes
        : Math.ceil(run.workload.rate * Math.min(run.seconds, LONGEST_CALL_SECONDS))
    // a client whose call ended on a 429 is paused until its `Retry-After`: no call takes it before
    const free: Array<{ readonly context: Context.Context<Users.Users>; readonly from: number }> =
      yield* Effect.forEach(Array.from({ length: upFront }), () =>
        Effect.map(build, (context) => ({ context, from: 0 }))
      )
    const take = Effect.suspend(() => {
      const now = Date.now()
      let index = free.length - 1
      while (index >= 0 && free[index]!.from > now) index--
      if (index >= 0) return Effect.succeed(free.splice(index, 1)[0]!.context)
      counts.stats.clientsBuiltLate++
      return build
    })
    const giveBack = (context: Context.Context<Users.Users>, exit: Exit.Exit<unknown, unknown>) =>
      Effect.sync(() => {
        const error = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
        const retryAfter =
          Option.isSome(error) && (error.value as ClerkError.ClerkError)._tag === "TooManyRequests"
            ? (error.value as ClerkError.TooManyRequests).retryAfter
            : undefined
        free.push({ context, from: retryAfter === undefined ? 0 : Date.now() + retryAfter * 1000 })
      })
    return (call) => Effect.acquireUseRelease(Effect.orDie(take), (context) => Effect.provide(call, context), giveBack)
  })

let sequence = 0

const createOne = (counts: Counters, withClient: Clients) =>
  Effect.suspend(() => {
    const started = Date.now()
    counts.stats.calls++
    counts.inFlight++
    return Users.create({
      first_name: "Fleet",
      last_name: `w${config.id}-${sequence++}`,
      skip_password_requirement: true
    }).pipe(
      withClient,
      Effect.match({
        onFailure: (error: ClerkError.ClerkError) => {
          const key = error._tag === "TransportError" ? `TransportError.${error.reason}` : error._tag
          counts.failed[key] = (counts.failed[key] ?? 0) + 1
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

const sleepUntil = (at: number) => Effect.suspend(() => Effect.sleep(Math.max(0, at - Date.now())))

/** Starts calls until `deadline`; at the deadline, interrupts those still running. */
const workload = (run: RunConfig, deadline: number, call: Effect.Effect<void>, counts: Counters) =>
  Effect.gen(function* () {
    const calls = yield* FiberSet.make()
    if (run.workload.kind === "open") {
      // on a schedule of its own: a call late to start (a busy machine) starts at once, with no gap after it
      const interval = 1000 / run.workload.rate
      let next = Date.now() + Math.random() * interval
      while (next < deadline) {
        yield* sleepUntil(next)
        yield* FiberSet.run(calls, call)
        next += interval
      }
    } else {
      const lane = Effect.whileLoop({ while: () => Date.now() < deadline, body: () => call, step: () => {} })
      for (let i = 0; i < run.workload.lanes; i++) yield* FiberSet.run(calls, lane)
    }
    yield* sleepUntil(deadline)
    counts.stats.cut = counts.inFlight // the calls the deadline interrupts
    yield* FiberSet.clear(calls)
  }).pipe(Effect.scoped)

/** One run: build the clients, say ready, wait for the deadline, create users until then, report. */
const run = (setup: RunConfig, inbox: Queue.Queue<ParentMessage>) =>
  Effect.gen(function* () {
    const counts = counters()
    // the clients are built before the start, so that the run measures calls, not start-up
    const withClient = yield* clients(setup, counts, yield* Effect.scope)
    yield* send({ type: "ready" })
    const go = yield* Queue.take(inbox)
    if (go.type !== "go") return yield* Effect.dieMessage(`expected go, got ${go.type}`)
    yield* workload(setup, go.deadline, createOne(counts, withClient), counts)
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
