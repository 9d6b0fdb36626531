/**
 * The fleet benchmark's OS processes: the emulator as users run it (its CLI, `effect-clerk-emulator`,
 * on 127.0.0.1), and the worker replicas (`worker.ts`). Both are built from the workspace's sources
 * by esbuild into one JavaScript file each (`bundle`), which plain `node` starts in a fraction of
 * the time tsx takes to compile the SDK's sources in every process. Every wait here has a limit;
 * every process is stopped when its scope closes.
 */
import { build } from "esbuild"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import { type ChildProcess, fork, spawn } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { exited } from "../../packages/redis/test/redisServer.js"
import type { RunConfig, Stats, WorkerConfig, WorkerMessage } from "./protocol.js"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "..", "..")
const out = join(root, "bench", ".tmp", "fleet")

/** The programs the processes run. */
export interface Programs {
  readonly worker: string
  readonly emulator: string
}

/** Bundles `worker.ts` and the emulator's CLI (`packages/emulator/src/bin.ts`) into bench/.tmp/fleet. */
export const bundle: Effect.Effect<Programs, Error> = Effect.tryPromise({
  try: () =>
    build({
      entryPoints: { worker: join(here, "worker.ts"), emulator: join(root, "packages", "emulator", "src", "bin.ts") },
      outdir: out,
      outExtension: { ".js": ".mjs" },
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "warning",
      // the CommonJS dependencies of a bundle in ESM call `require`
      banner: {
        js: 'import { createRequire as __fleetRequire } from "node:module"; const require = __fleetRequire(import.meta.url);'
      }
    }),
  catch: (cause) => new Error(`bundling the fleet's programs failed: ${String(cause)}`)
}).pipe(Effect.as({ worker: join(out, "worker.mjs"), emulator: join(out, "emulator.mjs") }))

export interface RunningEmulator {
  /** The Backend API base URL (`…/v1`), and the key it accepts. */
  readonly apiUrl: string
  readonly secretKey: string
  /** A request to the control API (`/__emulator…`); fails on a status other than 2xx. */
  readonly control: (method: string, path: string, body?: unknown) => Effect.Effect<unknown, Error>
}

/**
 * `effect-clerk-emulator --port 0 --secret-key <key> --rate-limit <limit>`, configured from the
 * `.env` lines it prints, as a test suite in another process would be.
 */
export const startEmulator = (options: {
  readonly program: string
  readonly secretKey: string
  readonly rateLimit: string
}): Effect.Effect<RunningEmulator, Error, Scope.Scope> =>
  Effect.gen(function* () {
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        spawn(
          process.execPath,
          [options.program, "--port", "0", "--secret-key", options.secretKey, "--rate-limit", options.rateLimit],
          { cwd: root, stdio: ["ignore", "pipe", "inherit"] }
        )
      ),
      (child) => exited(child)
    )
    const printed = yield* Effect.async<Record<string, string>, Error>((resume) => {
      let text = ""
      const timer = setTimeout(() => resume(Effect.fail(new Error("the emulator did not start within 60 s"))), 60_000)
      child.stdout!.on("data", (chunk: Buffer) => {
        text += chunk.toString()
        if (!/^CLERK_EMULATOR_CONTROL_KEY=/m.test(text)) return
        clearTimeout(timer)
        const values = Object.fromEntries(
          text
            .split("\n")
            .filter((line) => /^[A-Z_]+=/.test(line))
            .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)])
        )
        resume(Effect.succeed(values))
      })
      child.once("exit", (code) => {
        clearTimeout(timer)
        resume(Effect.fail(new Error(`the emulator exited (${code}) before it listened`)))
      })
      return Effect.sync(() => clearTimeout(timer))
    })
    const controlUrl = printed["CLERK_EMULATOR_CONTROL_URL"]!
    const controlKey = printed["CLERK_EMULATOR_CONTROL_KEY"]!
    const control = (method: string, path: string, body?: unknown) =>
      Effect.tryPromise({
        try: async (signal) => {
          const response = await fetch(`${controlUrl}${path}`, {
            method,
            signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
            headers: { authorization: `Bearer ${controlKey}`, "content-type": "application/json" },
            ...(body === undefined ? {} : { body: JSON.stringify(body) })
          })
          const json: unknown = await response.json()
          if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`)
          return json
        },
        catch: (cause) => (cause instanceof Error ? cause : new Error(String(cause)))
      })
    return { apiUrl: printed["EFFECT_CLERK_API_URL"]!, secretKey: options.secretKey, control }
  })

export interface WorkerProcess {
  readonly id: number
  readonly alive: () => boolean
  /** Sends a run's configuration; succeeds once the worker has built its clients, within 60 s. */
  readonly prepare: (run: RunConfig) => Effect.Effect<void, Error>
  readonly go: (deadline: number) => void
  /** Kills it (SIGKILL, no goodbye), as a crashed or evicted replica goes. */
  readonly kill: () => void
  /**
   * The run's report, waited for until `until` (epoch ms): `undefined` when the worker died first,
   * `"hung"` when it had not reported by then (it is then killed).
   */
  readonly finished: (until: number) => Effect.Effect<Stats | undefined | "hung">
}

/** Forks a worker and waits (60 s at most) until it listens; it is stopped when the scope closes. */
export const forkWorker = (program: string, config: WorkerConfig): Effect.Effect<WorkerProcess, Error, Scope.Scope> =>
  Effect.gen(function* () {
    const inbox = yield* Queue.unbounded<WorkerMessage>()
    const closed = yield* Deferred.make<void>()
    /** SIGKILL, and its exit (5 s at most). */
    const killed = (child: ChildProcess) =>
      Effect.suspend(() => {
        child.kill("SIGKILL")
        return Deferred.await(closed).pipe(Effect.timeout("5 seconds"), Effect.ignore)
      })
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const child = fork(program, [JSON.stringify(config)], {
          cwd: root,
          execArgv: [],
          stdio: ["ignore", "inherit", "inherit", "ipc"]
        })
        child.on("message", (message: WorkerMessage) => inbox.unsafeOffer(message))
        // "close": after the exit, and after the IPC channel delivered what the worker sent
        child.once("close", () => Deferred.unsafeDone(closed, Exit.void))
        return child
      }),
      (child) =>
        (child.connected ? Effect.sync(() => child.send({ type: "exit" })) : Effect.void).pipe(
          Effect.zipRight(Deferred.await(closed).pipe(Effect.timeout("2 seconds"), Effect.ignore)),
          Effect.zipRight(killed(child))
        )
    )
    /** The next message of `type` (others are dropped), `undefined` once the worker is gone. */
    const next = <T extends WorkerMessage["type"]>(type: T) =>
      Effect.raceFirst(
        Queue.take(inbox).pipe(
          Effect.repeat({ until: (message) => message.type === type }),
          Effect.map((message) => message as Extract<WorkerMessage, { type: T }>)
        ),
        Effect.as(Deferred.await(closed), undefined)
      )
    const within = <A>(effect: Effect.Effect<A | undefined>, ms: number, what: string) =>
      effect.pipe(
        Effect.timeoutFail({
          duration: ms,
          onTimeout: () => new Error(`worker ${config.id}: no ${what} within ${ms} ms`)
        }),
        Effect.flatMap((value) =>
          value === undefined ? Effect.fail(new Error(`worker ${config.id} exited before ${what}`)) : Effect.void
        )
      )
    yield* within(next("started"), 60_000, "start")
    return {
      id: config.id,
      alive: () => child.exitCode === null && child.signalCode === null,
      prepare: (run) =>
        Effect.suspend(() => {
          child.send({ type: "prepare", run })
          return within(next("ready"), 60_000, "ready")
        }),
      go: (deadline) => {
        child.send({ type: "go", deadline })
      },
      kill: () => {
        child.kill("SIGKILL")
      },
      finished: (until) =>
        next("done").pipe(
          Effect.map((message): Stats | undefined | "hung" => message?.stats),
          Effect.timeoutTo({
            duration: Math.max(0, until - Date.now()),
            onSuccess: (outcome) => outcome,
            onTimeout: (): Stats | undefined | "hung" => "hung"
          }),
          Effect.tap((outcome) => (outcome === "hung" ? killed(child) : Effect.void))
        )
    }
  })
