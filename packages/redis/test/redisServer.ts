/**
 * A real `redis-server` for the `*.redis.test.ts` files: on 127.0.0.1, on a free port, in a temp
 * dir, without persistence; stopped (and its dir removed) when the scope closes. `restart` stops it
 * and starts it again on the same port, as an operator's restart would (its data is gone: no
 * persistence). Every wait here has a limit.
 */
import * as Effect from "effect/Effect"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer, Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface RedisServer {
  readonly port: number
  readonly stop: Effect.Effect<void>
  readonly start: Effect.Effect<void>
}

/** A port nothing listens on right now (the OS picks it). */
export const freePort = Effect.async<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as { port: number }
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** Resolves once a TCP connection to the port succeeds and PING answers PONG; fails after 10 s. */
const ready = (port: number) =>
  Effect.async<void, Error>((resume) => {
    const deadline = Date.now() + 10_000
    let timer: ReturnType<typeof setTimeout> | undefined
    const attempt = () => {
      const socket = new Socket()
      socket.once("error", () => {
        socket.destroy()
        if (Date.now() > deadline) return resume(Effect.fail(new Error(`redis-server on ${port} did not start`)))
        timer = setTimeout(attempt, 50)
      })
      socket.connect(port, "127.0.0.1", () => socket.write("PING\r\n"))
      socket.once("data", (data) => {
        socket.destroy()
        if (data.toString().startsWith("+PONG")) resume(Effect.void)
        else timer = setTimeout(attempt, 50)
      })
    }
    attempt()
    return Effect.sync(() => clearTimeout(timer))
  })

/** Stops `child` and waits for its exit: SIGTERM, then SIGKILL after 5 s (also used by bench/fleet). */
export const exited = (child: ChildProcess) =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    const kill = setTimeout(() => child.kill("SIGKILL"), 5_000)
    child.once("exit", () => {
      clearTimeout(kill)
      resume(Effect.void)
    })
    child.kill("SIGTERM")
  })

export const redisServer: Effect.Effect<RedisServer, Error, import("effect/Scope").Scope> = Effect.gen(function* () {
  const port = yield* freePort
  const dir = mkdtempSync(join(tmpdir(), "effect-clerk-redis-"))
  let child: ChildProcess | undefined
  const start = Effect.gen(function* () {
    child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
      { stdio: "ignore" }
    )
    yield* ready(port)
  })
  const stop = Effect.suspend(() => (child === undefined ? Effect.void : exited(child)))
  yield* Effect.acquireRelease(start, () =>
    Effect.zipRight(
      stop,
      Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
    )
  )
  return { port, stop, start: Effect.orDie(start) }
})
