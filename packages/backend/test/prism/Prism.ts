/**
 * Test harness: runs Stoplight Prism (`@stoplight/prism-cli` 5.16.0, a root devDependency) as a mock
 * server for Clerk's Backend API spec.
 *
 * Command run (Prism's real 5.16.0 flags, see `prism mock --help`):
 *
 *     <node> node_modules/@stoplight/prism-cli/dist/index.js mock <spec> -h 127.0.0.1 -p <port> --dynamic --seed <seed>
 *
 * Other flags exist: `--errors` (turn request/response violations into error responses; default false),
 * `--cors` (default true), `-m/--multiprocess`, `-v/--verboseLevel`, `--ignoreExamples`,
 * `--json-schema-faker-fillProperties`. Prism declares `engines.node >=24.18` but runs fine on Node 20.
 *
 * Observed behaviour with the Clerk spec (bapi-2026-05-12.yml):
 *
 * - Startup: ~1.8 s; 249 sequential `GET /jwks` ~1.3 s (~5 ms each), 249 `GET /users/{id}` ~4.9 s.
 *   Prism prints "Starting Prism…", one line per route (249 routes, no warnings or
 *   errors for this spec), then `Prism is listening on http://127.0.0.1:<port>` — that line is the
 *   readiness signal used here. Output goes to stdout; stderr stays empty.
 * - Paths are served WITHOUT the spec's `/v1` server prefix: the client base URL is the Prism root
 *   (`GET http://127.0.0.1:PORT/jwks`; `/v1/jwks` is a 404 `NO_PATH_MATCHED_ERROR` problem+json).
 * - Security (global `bearerAuth`, http bearer): any `Authorization: Bearer <non-empty>` passes; the
 *   token is not checked. A missing header, `Basic …`, an empty bearer token, or a lowercase
 *   `bearer` scheme all fail with 401:
 *     - operations that declare a 401 response: the spec's 401 body (content-type application/json)
 *       plus `sl-violations: [{"location":["request"],"code":401,"message":"Invalid security scheme used"}]`;
 *     - operations without a 401 response (e.g. GetJWKS): a Prism-made `application/problem+json`
 *       body (type `…/prism/errors#UNAUTHORIZED`), `WWW-Authenticate: Bearer`, and NO `sl-violations`.
 *   Operations with `security: []` (e.g. `GET /public/interstitial`) answer 200 without a header.
 * - Request validation: violations do not block the response (`--errors` is off). When the request
 *   is invalid, Prism answers with the operation's 422 (or 400) response if the spec has one, and
 *   lists the problems in the `sl-violations` response header (JSON array, see `violations`), with
 *   `location[0] === "request"`. E.g. `GET /users?limit=abc` → 422 and
 *   `[{"location":["request","query","limit"],"severity":"Error","code":"type",...}]`; a POST without
 *   `content-type: application/json` → 422 with a `code: 415` violation.
 * - Response validation: Prism also validates its OWN generated response and reports problems in the
 *   same header with `location[0] === "response"`. The dynamic generator (json-schema-faker) does not
 *   respect `oneOf` well, so some valid requests return a 200 whose body violates the spec (GetJWKS
 *   does: `keys[i]` fails `oneOf`). Use `requestViolations` to check what the client sent.
 * - `Prefer` header: `Prefer: code=404` forces a status declared by the operation (the body is
 *   generated from that response's schema); an undeclared status (e.g. `code=500`) gives a 404
 *   problem+json "Requested status code 500 is not defined in the document." `Prefer: dynamic=false`
 *   switches one request to static mode (schema-derived placeholder body like `{"id":"string",...}`;
 *   these also violate `pattern`s), `Prefer: dynamic=true` the other way. `Prefer: example=<key>`
 *   selects a named example (404 when absent). Security and request-validation failures take
 *   precedence over `Prefer: code=…`: a request without a token still gets 401, an invalid one still
 *   gets 422, so send valid, authenticated requests when forcing a status.
 * - `--seed`: makes dynamic bodies fully deterministic. The generator is re-seeded for EVERY request:
 *   the same seed gives byte-identical bodies across requests and across Prism restarts; the same
 *   schema (e.g. the shared ClerkErrors used by 400/404/422) yields the identical body. Different
 *   seeds differ; without `--seed` every request is random.
 * - Malformed JSON request bodies (e.g. `{bad`) make Prism HANG: no response is ever sent. Every
 *   caller MUST use a timeout (`AbortSignal.timeout(...)` with fetch, `Effect.timeout`, ...).
 */
import { spawn } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import { createRequire } from "node:module"
import * as Net from "node:net"
import { fileURLToPath } from "node:url"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"

/** Absolute path of Clerk's Backend API spec: `$CLERK_OPENAPI_SPEC`, else `<repo>/../shared/clerk-openapi/...`. */
export const specPath = (): string =>
  process.env["CLERK_OPENAPI_SPEC"] ??
  fileURLToPath(new URL("../../../../../shared/clerk-openapi/bapi-2026-05-12.yml", import.meta.url))

export class PrismStartError extends Data.TaggedError("PrismStartError")<{
  readonly message: string
  /** Prism's captured stdout + stderr (tail). */
  readonly output: string
  readonly cause?: unknown
}> {}

export interface PrismServer {
  /** Prism root, e.g. `http://127.0.0.1:43121` (no `/v1` prefix). */
  readonly url: string
  readonly port: number
  readonly seed: number
  readonly pid: number
  /** Prism's stdout + stderr so far (last ~256 KB), ANSI codes stripped: useful in failure messages. */
  readonly output: () => string
}

export interface StartOptions {
  /** `--seed`; default 1. */
  readonly seed?: number
  /** Port to bind on 127.0.0.1; default: a free port. */
  readonly port?: number
  /** Readiness timeout in ms; default 60 000. */
  readonly timeoutMs?: number
  /** Spec file; default `specPath()`. */
  readonly spec?: string
}

const READY = /Prism is listening on (http:\/\/\S+)/
const MAX_OUTPUT = 256 * 1024
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g

const prismBin = (): string => createRequire(import.meta.url).resolve("@stoplight/prism-cli/dist/index.js")

/** Asks the OS for a free port on 127.0.0.1 (listen on :0, read it, close). */
export const freePort: Effect.Effect<number, PrismStartError> = Effect.async<number, PrismStartError>((resume) => {
  const server = Net.createServer()
  server.unref()
  server.once("error", (cause) =>
    resume(Effect.fail(new PrismStartError({ message: "Cannot find a free port", output: "", cause })))
  )
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** Kills Prism's whole process group (it is spawned detached, as a group leader), then the process itself. */
const killTree = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined) return
  try {
    if (process.platform === "win32") child.kill(signal)
    else process.kill(-child.pid, signal)
  } catch {
    try {
      child.kill(signal)
    } catch {
      // already gone
    }
  }
}

const stop = (child: ChildProcess): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    const timer = setTimeout(() => killTree(child, "SIGKILL"), 3_000)
    child.once("exit", () => {
      clearTimeout(timer)
      resume(Effect.void)
    })
    killTree(child, "SIGTERM")
  })

const launch = (spec: string, port: number, seed: number, timeoutMs: number) =>
  Effect.acquireRelease(
    Effect.async<{ readonly child: ChildProcess; readonly server: PrismServer }, PrismStartError>((resume) => {
      let buffer = ""
      const output = () => buffer.replace(ANSI, "")
      const args = ["mock", spec, "-h", "127.0.0.1", "-p", String(port), "--dynamic", "--seed", String(seed)]
      let child: ChildProcess
      try {
        child = spawn(process.execPath, [prismBin(), ...args], {
          stdio: ["ignore", "pipe", "pipe"],
          detached: process.platform !== "win32",
          env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" }
        })
      } catch (cause) {
        return resume(Effect.fail(new PrismStartError({ message: "Cannot spawn Prism", output: "", cause })))
      }
      let settled = false
      const settle = (effect: Effect.Effect<{ child: ChildProcess; server: PrismServer }, PrismStartError>) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resume(effect)
      }
      const fail = (message: string, cause?: unknown) => {
        killTree(child, "SIGKILL")
        settle(Effect.fail(new PrismStartError({ message, output: output(), cause })))
      }
      const onData = (chunk: Buffer) => {
        buffer += chunk.toString("utf8")
        if (buffer.length > MAX_OUTPUT) buffer = buffer.slice(-MAX_OUTPUT)
        if (!settled && READY.test(output())) {
          settle(
            Effect.succeed({
              child,
              server: { url: `http://127.0.0.1:${port}`, port, seed, pid: child.pid ?? -1, output }
            })
          )
        }
      }
      child.stdout?.on("data", onData)
      child.stderr?.on("data", onData)
      child.once("error", (cause) => fail(`Prism failed to start: ${String(cause)}`, cause))
      child.once("exit", (code, signal) => fail(`Prism exited before it was ready (code ${code}, signal ${signal})`))
      const timer = setTimeout(() => fail(`Prism was not ready after ${timeoutMs} ms`), timeoutMs)
      return Effect.sync(() => {
        if (!settled) {
          settled = true
          clearTimeout(timer)
          killTree(child, "SIGKILL")
        }
      })
    }),
    ({ child }) => stop(child)
  )

/**
 * Starts `prism mock <spec> -h 127.0.0.1 -p <port> --dynamic --seed <seed>`, waits (bounded) for its
 * "Prism is listening" line, and kills its process tree when the scope closes. When no port is
 * given, a free one is picked (retried up to 3 times if Prism loses the race for it).
 */
export const start = (options?: StartOptions): Effect.Effect<PrismServer, PrismStartError, Scope.Scope> => {
  const spec = options?.spec ?? specPath()
  const seed = options?.seed ?? 1
  const timeoutMs = options?.timeoutMs ?? 60_000
  const once = (port: number) => launch(spec, port, seed, timeoutMs).pipe(Effect.map(({ server }) => server))
  if (options?.port !== undefined) return once(options.port)
  return freePort.pipe(
    Effect.flatMap(once),
    Effect.retry({ times: 2, while: (error) => /EADDRINUSE/.test(error.output) })
  )
}

/** Service tag for a running Prism, for `layer(Prism.layer())("...", (it) => ...)` from @effect/vitest. */
export class Prism extends Context.Tag("effect-clerk/test/Prism")<Prism, PrismServer>() {}

/** A scoped layer running Prism for as long as the layer lives (e.g. one per test file). */
export const layer = (options?: StartOptions): Layer.Layer<Prism, PrismStartError> =>
  Layer.scoped(Prism, start(options))

export interface Violation {
  /** e.g. `["request","query","limit"]`, `["request"]`, `["response","body","keys","0"]`. */
  readonly location: ReadonlyArray<string>
  readonly severity: string
  /** ajv keyword (`"type"`, `"required"`, ...) or an HTTP status (401, 415, ...). */
  readonly code: string | number
  readonly message: string
}

type HeadersLike = Headers | { readonly get: (name: string) => string | null } | Record<string, unknown>

const headerValue = (headers: HeadersLike): string | undefined => {
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get: (name: string) => string | null }).get("sl-violations") ?? undefined
  }
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === "sl-violations") return Array.isArray(value) ? value.join(",") : String(value)
  }
  return undefined
}

/**
 * Parses Prism's `sl-violations` response header (a JSON array). Absent header → `[]`.
 * Accepts fetch `Headers`, anything with `get(name)`, or a plain record (case-insensitive keys).
 * Throws if the header is present but not a JSON array (should never happen).
 */
export const violations = (headers: HeadersLike): ReadonlyArray<Violation> => {
  const raw = headerValue(headers)
  if (raw === undefined || raw === "") return []
  const parsed: unknown = JSON.parse(raw)
  if (!Array.isArray(parsed)) throw new Error(`sl-violations is not a JSON array: ${raw}`)
  return parsed as ReadonlyArray<Violation>
}

/** Only the violations about the request the client sent (`location[0] === "request"`). */
export const requestViolations = (headers: HeadersLike): ReadonlyArray<Violation> =>
  violations(headers).filter((v) => v.location[0] === "request")

/** Only the violations Prism found in its own generated response (`location[0] === "response"`). */
export const responseViolations = (headers: HeadersLike): ReadonlyArray<Violation> =>
  violations(headers).filter((v) => v.location[0] === "response")
