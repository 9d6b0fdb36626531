// Proof that the SDK works where Clerk apps run: Bun, Deno, Cloudflare's workerd, and Node 22 and
// 24 beside the Node running this script. Run by .ci/run; `npx -y pnpm@10.34.9 test:runtimes` by hand
// (`-- --only deno,workerd` for some runtimes only). Needs the npm registry and nothing else.
//
// 1. installs each runtime from npm into a cache outside the repository (scripts/lib/runtimes.mjs);
//    a runtime that cannot be installed fails the run, it is never skipped;
// 2. packs the public packages and installs the tarballs with npm into a temp app outside the repo,
//    as a user does (scripts/lib/pack.mjs, shared with pack-install);
// 3. builds the programs of runtimes/src into that app: transpiled to JavaScript for Bun, Deno and
//    Node, bundled with esbuild as a Worker is for workerd (no `nodejs_compat`: no Node built-in);
// 4. for each runtime: starts a fresh emulator (EmulatorServer, in this process, on 127.0.0.1),
//    starts the runtime's own server (`Bun.serve`, `Deno.serve`, a Worker in workerd, Node's http)
//    with runtimes/src/handler.ts, and checks what it answers: the smoke program over `fetch`,
//    session tokens (PEM and JWKS) and a webhook delivery verified inside the handler, the
//    default config provider, time limits on sequential and concurrent requests against a server
//    that never answers, and what the SDK reports for a refused connection;
// 5. prints a table of what passed on which runtime, and exits 1 if anything failed.
//
// Every wait has its own cut-off (each request, each start, the whole run); every server listens on
// 127.0.0.1 and is stopped at the end. Env: TEST_RUNTIMES_KEEP=1 keeps the temp app;
// TEST_RUNTIMES_APP=<that app> reuses its installed packages (to work on the checks; the programs
// are built again from runtimes/src).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { basename, dirname, join, relative } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as esbuild from "esbuild"
import { externalPeers, packPublicPackages, runCommand } from "./lib/pack.mjs"
import { installRuntime, runtimeSpecs, startServer, stop, stopAll } from "./lib/runtimes.mjs"
import { nodeImports, workerBundleOptions } from "./lib/worker-bundle.mjs"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const started = performance.now()
const WATCHDOG_MS = 25 * 60_000

const step = (message) => console.log(`[test-runtimes] ${message}`)
const fail = async (message) => {
  console.error(`[test-runtimes] FAILED: ${message}`)
  await stopAll()
  process.exit(1)
}
const watchdog = setTimeout(() => void fail(`the run took longer than ${WATCHDOG_MS / 60_000} minutes`), WATCHDOG_MS)

const run = (file, args, options = {}) => runCommand(file, args, { timeout: 10 * 60_000, ...options })

const only = (() => {
  const index = process.argv.indexOf("--only")
  return index < 0 ? undefined : new Set(process.argv[index + 1]?.split(","))
})()

async function main() {
  // -------------------------------------------------------------------------------------------
  // 1. runtimes
  // -------------------------------------------------------------------------------------------
  const specs = runtimeSpecs().filter((spec) => only === undefined || only.has(spec.id))
  for (const spec of specs) {
    spec.binary = installRuntime(spec, step)
    step(`${spec.label} ${spec.version}: ${spec.binary}`)
  }
  const columns = [
    ...(only === undefined || only.has("node") ? [{ id: "node", label: `Node ${process.versions.node}` }] : []),
    ...specs
      .filter((spec) => spec.id.startsWith("node"))
      .map((spec) => ({ id: spec.id, label: `Node ${spec.version}`, spec })),
    ...specs
      .filter((spec) => !spec.id.startsWith("node"))
      .map((spec) => ({ id: spec.id, label: `${spec.label} ${spec.version}`, spec }))
  ]

  // -------------------------------------------------------------------------------------------
  // 2. the packages, as a user installs them
  // -------------------------------------------------------------------------------------------
  const reused = process.env["TEST_RUNTIMES_APP"]
  const app = reused ?? mkdtempSync(join(tmpdir(), "effect-clerk-runtimes-"))
  if (relative(root, app).split(/[\\/]/)[0] !== "..") throw new Error(`the temp app ${app} is inside the repo`)
  if (reused === undefined) {
    const tarballs = join(app, "tarballs")
    mkdirSync(tarballs)
    const packed = packPublicPackages({ root, destination: tarballs, log: step })
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "effect-clerk-runtimes-app", private: true, type: "module" }, null, 2) + "\n"
    )
    const installs = [
      ...packed.map((p) => p.file),
      ...Object.entries(externalPeers(packed)).map(([dep, range]) => `${dep}@${range}`)
    ]
    step(`npm install in ${app}: ${installs.map((i) => basename(i)).join(" ")}`)
    run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...installs], { cwd: app })
  } else {
    step(`reusing the packages installed in ${app} (TEST_RUNTIMES_APP)`)
    for (const dir of ["runtimes", "workerd"]) rmSync(join(app, dir), { recursive: true, force: true })
  }

  // -------------------------------------------------------------------------------------------
  // 3. the programs
  // -------------------------------------------------------------------------------------------
  const programs = join(app, "runtimes")
  mkdirSync(programs)
  const sources = join(root, "runtimes", "src")
  for (const file of readdirSync(sources).filter((name) => name.endsWith(".ts"))) {
    await esbuild.build({
      entryPoints: [join(sources, file)],
      outfile: join(programs, file.replace(/\.ts$/, ".js")),
      bundle: false,
      format: "esm",
      target: "es2022",
      logLevel: "error"
    })
  }
  const workerd = join(app, "workerd")
  const bundleWorker = async (entry, name) => {
    const result = await esbuild.build({ ...workerBundleOptions, entryPoints: [entry], outfile: join(workerd, name) })
    const imported = nodeImports(result.metafile)
    if (imported.length > 0) throw new Error(`the Worker ${name} imports ${imported.join(", ")}`)
  }
  // The example is built from the app's directory, so that it resolves the installed tarballs.
  const example = join(programs, "cloudflare-worker.ts")
  writeFileSync(example, readFileSync(join(root, "examples", "cloudflare-worker.ts")))
  await bundleWorker(join(programs, "worker.js"), "worker.js")
  await bundleWorker(example, "example.js")
  step("programs built: runtimes/*.js (Bun, Deno, Node), workerd/{worker,example}.js (no node: import)")

  const host = await import(pathToFileURL(join(programs, "emulator.js")).href)

  // -------------------------------------------------------------------------------------------
  // 4. the checks
  // -------------------------------------------------------------------------------------------
  const stall = await stallServer()
  const reset = await stallServer({ reset: true })
  const closedPort = await freePort()
  const results = new Map() // check -> Map(column id -> { ok, text })
  const details = []
  /**
   * A check's outcome on a runtime: its cell (`text`, default pass / FAIL), and below the table
   * `detail` when it failed, `note` always.
   */
  const record = (check, column, ok, { text, detail, note } = {}) => {
    if (!results.has(check)) results.set(check, new Map())
    results.get(check).set(column.id, { ok, text: text ?? (ok ? "pass" : "FAIL") })
    for (const line of [ok ? undefined : detail, note]) {
      if (line !== undefined) details.push(`${column.label}, ${check}: ${line}`)
    }
  }

  try {
    for (const column of columns) {
      step(`${column.label}: starting`)
      const emulator = await within(30_000, "the emulator's start", host.start())
      const env = {
        CLERK_SECRET_KEY: host.SECRET_KEY,
        CLERK_API_URL: emulator.url,
        CLERK_JWT_KEY: emulator.publicKeyPem,
        CLERK_WEBHOOK_SIGNING_SECRET: emulator.webhookSecret,
        STALL_URL: `http://127.0.0.1:${stall.port}/v1`,
        CLOSED_URL: `http://127.0.0.1:${closedPort}/v1`,
        RESET_URL: `http://127.0.0.1:${reset.port}/v1`
      }
      let server
      try {
        server = await startRuntime(column, env, { app, programs, workerd })
        await checkRuntime({ column, port: server.ports.http, emulator, record })
        if (column.id === "workerd") await checkWorkerdExtras({ column, ports: server.ports, emulator, record })
      } catch (error) {
        record("ran every check (no harness error)", column, false, { detail: error.message })
      } finally {
        if (server !== undefined) await stop(server.child)
        await within(10_000, "the emulator's close", emulator.close())
      }
    }
  } finally {
    stall.close()
    reset.close()
  }

  // -------------------------------------------------------------------------------------------
  // 5. the table
  // -------------------------------------------------------------------------------------------
  let failed = 0
  console.log(`\n| check | ${columns.map((c) => c.label).join(" | ")} |`)
  console.log(`| --- | ${columns.map(() => "---").join(" | ")} |`)
  for (const [check, cells] of results) {
    const row = columns.map((column) => {
      const cell = cells.get(column.id)
      if (cell === undefined) return "—"
      if (!cell.ok) failed++
      return cell.ok ? cell.text : cell.text === "FAIL" ? "**FAIL**" : `**FAIL** ${cell.text}`
    })
    console.log(`| ${check} | ${row.join(" | ")} |`)
  }
  console.log()
  for (const line of details) console.log(`- ${line}`)
  console.log()

  if (process.env["TEST_RUNTIMES_KEEP"] === "1" || reused !== undefined) step(`kept ${app}`)
  else rmSync(app, { recursive: true, force: true })
  clearTimeout(watchdog)
  const seconds = ((performance.now() - started) / 1000).toFixed(0)
  if (failed > 0) await fail(`${failed} check(s) failed (${seconds} s)`)
  step(`ok in ${seconds} s`)
}

// ---------------------------------------------------------------------------------------------
// the runtimes' servers
// ---------------------------------------------------------------------------------------------

/** Starts the handler in a runtime's own server, with `env` as its configuration. */
async function startRuntime(column, env, { app, programs, workerd }) {
  // Only what the program needs: never the developer's own CLERK_* variables or proxies.
  const base = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: app }
  switch (column.id) {
    case "node":
    case "node22":
    case "node24":
      return startServer({
        file: column.spec?.binary ?? process.execPath,
        args: [join(programs, "node.js")],
        cwd: app,
        env: { ...base, ...env }
      })
    case "bun":
      return startServer({
        file: column.spec.binary,
        args: [join(programs, "bun.js")],
        cwd: app,
        env: { ...base, ...env, DO_NOT_TRACK: "1" }
      })
    case "deno":
      return startServer({
        file: column.spec.binary,
        args: ["run", "--allow-net=127.0.0.1", "--allow-env", "--no-prompt", join(programs, "deno.js")],
        cwd: app,
        env: { ...base, ...env, DENO_DIR: join(app, ".deno"), DENO_NO_UPDATE_CHECK: "1" }
      })
    case "workerd": {
      writeFileSync(join(workerd, "config.capnp"), workerdConfig(env))
      return startServer({
        file: column.spec.binary,
        args: ["serve", join(workerd, "config.capnp"), "--control-fd=3"],
        cwd: workerd,
        env: base,
        sockets: ["http", "compat", "example"]
      })
    }
    default:
      throw new Error(`unknown runtime ${column.id}`)
  }
}

/**
 * workerd's configuration: the handler as a Worker with the config as text bindings (what wrangler
 * `vars` become), without `nodejs_compat`; the same Worker with `nodejs_compat` (where
 * `process.env` holds the bindings); the example Worker. Outbound fetches may reach 127.0.0.1 only.
 */
function workerdConfig(env) {
  const text = (value) => {
    if (!/^[\x20-\x7e\n]*$/.test(value)) throw new Error(`a binding holds a character capnp text would need escaped`)
    return JSON.stringify(value)
  }
  const bindings = Object.entries(env)
    .map(([name, value]) => `(name = ${text(name)}, text = ${text(value)})`)
    .join(", ")
  const worker = (module, flags) => `(
  modules = [ (name = "worker.js", esModule = embed ${text(module)}) ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = [${flags.map(text).join(", ")}],
  bindings = [ ${bindings} ],
  globalOutbound = "loopback",
)`
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = ${worker("worker.js", [])}),
    (name = "compat", worker = ${worker("worker.js", ["nodejs_compat"])}),
    (name = "example", worker = ${worker("example.js", [])}),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:0", http = (), service = "main"),
    (name = "compat", address = "127.0.0.1:0", http = (), service = "compat"),
    (name = "example", address = "127.0.0.1:0", http = (), service = "example"),
  ],
);
`
}

/**
 * A server on 127.0.0.1 that accepts connections and never answers (closed at the end), or with
 * `reset`, resets each connection (TCP RST) once the request has arrived.
 */
function stallServer({ reset = false } = {}) {
  const sockets = new Set()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on("error", () => {})
    socket.on("close", () => sockets.delete(socket))
    if (reset) socket.once("data", () => socket.resetAndDestroy())
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: server.address().port,
        close: () => {
          for (const socket of sockets) socket.destroy()
          server.close()
        }
      })
    )
  })
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

// ---------------------------------------------------------------------------------------------
// the checks
// ---------------------------------------------------------------------------------------------

/** `promise`, or a failure naming `what` after `ms`. */
function within(ms, what, promise) {
  let timer
  const cutOff = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms)
  })
  return Promise.race([promise, cutOff]).finally(() => clearTimeout(timer))
}

/** One request to the runtime's server, cut off after `cutoffMs`; the answer's JSON and time taken. */
async function call(port, path, { method = "GET", headers, body, cutoffMs = 30_000 } = {}) {
  const start = performance.now()
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(cutoffMs)
    })
    const text = await response.text()
    let json
    try {
      json = JSON.parse(text)
    } catch {
      json = { unparsed: text.slice(0, 500) }
    }
    return { status: response.status, json, ms: performance.now() - start }
  } catch (error) {
    const cutOff = error.name === "TimeoutError"
    return {
      status: 0,
      json: { outcome: cutOff ? `no answer within the ${cutoffMs} ms cut-off` : `request failed: ${error.message}` },
      ms: performance.now() - start
    }
  }
}

const sameSet = (a, b) => Array.isArray(a) && a.length === b.length && b.every((x) => a.includes(x))
const show = (value) => JSON.stringify(value).slice(0, 600)
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`

/** What a refused connection must be reported as, per runtime (issue Q2). */
const refusedExpected = (id) =>
  id === "workerd"
    ? // workerd reports a refused connection, a reset after the request was sent and a peer that
      // closes without answering alike ("Network connection lost.", `retryable: true`): nothing
      // says the POST was not sent, so it is not retried (checked by hand, recorded in the docs).
      { reason: "Other", attempts: 1 }
    : { reason: "ConnectionRefused", attempts: 3 }

async function checkRuntime({ column, port, emulator, record }) {
  // smoke, with one 429 injected into the first Users.list
  emulator.setFaults([{ operation: "Users.list", status: 429, retryAfter: 0, times: 1 }])
  const smoke = await call(port, "/smoke", { method: "POST", cutoffMs: 60_000 })
  emulator.setFaults([])
  const report = smoke.json
  const retried = emulator.injected("Users.list", 429)
  const smokeOk =
    smoke.status === 200 &&
    report.created?.length === 3 &&
    sameSet(report.listed, report.created) &&
    sameSet(report.streamed, report.created) &&
    report.missing === "NotFound" &&
    report.actorToken?.user === report.created[0] &&
    report.actorToken?.created === "pending" &&
    report.actorToken?.revoked === "revoked" &&
    retried === 1
  record(
    "smoke over fetch: 3 users created, listed after a 429 (retried), streamed 2 per page, NotFound, actor token created + revoked",
    column,
    smokeOk,
    { detail: `${smoke.status} ${show(report)}; 429s injected: ${retried}` }
  )

  // session tokens, inside the runtime's handler
  const userId = await within(10_000, "a user", emulator.createUser(`session-${column.id}@example.com`))
  const token = await within(10_000, "a session token", emulator.mint(userId))
  // one character of the signature changed (inside it: no padding bits), to one it is not
  const at = token.length - 10
  const tampered = `${token.slice(0, at)}${token[at] === "A" ? "B" : "A"}${token.slice(at + 1)}`
  const good = await call(port, "/session", { headers: { authorization: `Bearer ${token}` } })
  const bad = await call(port, "/session", { headers: { authorization: `Bearer ${tampered}` } })
  for (const [key, label] of [
    ["pem", "auth: session token verified networkless (PEM), a tampered one refused"],
    ["jwks", "auth: session token verified with the JWKS over fetch, a tampered one refused"]
  ]) {
    const ok =
      good.json[key]?.ok === true && good.json[key]?.sub === userId && bad.json[key]?.error === "invalid-signature"
    record(label, column, ok, { detail: `${show(good.json)} / tampered: ${show(bad.json)}` })
  }

  // a webhook delivery, signed by the emulator, verified in the handler; the same body tampered
  const delivery = await within(10_000, "a webhook delivery", emulator.userCreated(userId))
  const hook = await call(port, "/webhook", { method: "POST", headers: delivery.headers, body: delivery.payload })
  const forged = await call(port, "/webhook", {
    method: "POST",
    headers: delivery.headers,
    // another user id: its last character changed (to one it is not)
    body: delivery.payload.replace(userId, `${userId.slice(0, -1)}${userId.endsWith("X") ? "Y" : "X"}`)
  })
  const hookOk =
    hook.status === 200 &&
    hook.json.type === "user.created" &&
    hook.json.dataId === userId &&
    forged.status === 400 &&
    forged.json.reason === "invalid-signature"
  record("auth: webhook delivery verified (raw body, svix headers), a tampered body refused", column, hookOk, {
    detail: `${hook.status} ${show(hook.json)} / tampered: ${forged.status} ${show(forged.json)}`
  })

  // Clerk.layerFetchConfig() with the runtime's default config provider
  const config = await call(port, "/config-default")
  const noEnv = column.id === "workerd"
  const configOk = noEnv
    ? config.json.ok === false && /CLERK_SECRET_KEY/.test(String(config.json.causes))
    : config.json.ok === true
  record("config: Clerk.layerFetchConfig() with the default provider", column, configOk, {
    text: noEnv
      ? "no process.env: CLERK_SECRET_KEY is not set (the Worker uses ConfigProvider.fromJson(env))"
      : "reads the process environment",
    detail: show(config.json)
  })

  // Q1: time limits. A call that answers in time, then one with a 2 s limit against a server that
  // never answers; then two at once, with 2 s and 5 s limits.
  const limitHeld = (answer, limit) =>
    answer.json.tag === "TransportError" &&
    answer.json.reason === "Timeout" &&
    answer.ms >= limit - 100 &&
    answer.ms <= limit + 2_000
  const inTime = await call(port, "/call?target=CLERK_API_URL&timeout=5000", { cutoffMs: 10_000 })
  const after = await call(port, "/call?target=STALL_URL&timeout=2000", { cutoffMs: 6_000 })
  const sequentialOk = inTime.json.outcome === "ok" && limitHeld(after, 2_000)
  record("time limit (2 s) in a request after one whose call answered in time", column, sequentialOk, {
    text: sequentialOk ? `fired at ${seconds(after.ms)}` : undefined,
    detail: `in time: ${show(inTime.json)}; then: ${show(after.json)} after ${seconds(after.ms)}`
  })
  const [two, five] = await Promise.all([
    call(port, "/call?target=STALL_URL&timeout=2000", { cutoffMs: 6_000 }),
    call(port, "/call?target=STALL_URL&timeout=5000", { cutoffMs: 9_000 })
  ])
  const concurrentOk = limitHeld(two, 2_000) && limitHeld(five, 5_000)
  record("time limits (2 s and 5 s) in two concurrent requests", column, concurrentOk, {
    text: concurrentOk ? `fired at ${seconds(two.ms)}, ${seconds(five.ms)}` : undefined,
    detail: `2 s: ${show(two.json)} after ${seconds(two.ms)}; 5 s: ${show(five.json)} after ${seconds(five.ms)}`
  })

  // Q2: a POST to a closed port on 127.0.0.1, with short retries
  const refused = await call(port, "/call?target=CLOSED_URL&method=post&retry=fast", { cutoffMs: 15_000 })
  const expected = refusedExpected(column.id)
  const refusedOk =
    refused.json.tag === "TransportError" &&
    refused.json.reason === expected.reason &&
    refused.json.attempts === expected.attempts
  record("refused connection (POST): TransportError reason, attempts", column, refusedOk, {
    text: `${refused.json.reason}, ${refused.json.attempts}${refusedOk ? "" : ` (expected ${expected.reason}, ${expected.attempts})`}`,
    note: `the runtime reports: ${(refused.json.causes ?? []).join(" ← ") || show(refused.json)}`
  })

  // A POST whose connection is reset once the request has arrived: it may have been acted on, so
  // it is never retried, whatever the runtime calls it.
  const resetAnswer = await call(port, "/call?target=RESET_URL&method=post&retry=fast", { cutoffMs: 15_000 })
  const resetOk =
    resetAnswer.json.tag === "TransportError" &&
    ["ConnectionReset", "Other"].includes(resetAnswer.json.reason) &&
    resetAnswer.json.attempts === 1
  record("connection reset after the request was sent (POST): not retried", column, resetOk, {
    text: `${resetAnswer.json.reason}, ${resetAnswer.json.attempts}`,
    note: `the runtime reports: ${(resetAnswer.json.causes ?? []).join(" ← ") || show(resetAnswer.json)}`
  })
}

/** workerd only: the same Worker with nodejs_compat, and the example Worker. */
async function checkWorkerdExtras({ column, ports, emulator, record }) {
  const config = await call(ports.compat, "/config-default")
  const compatOk = config.json.ok === true
  record("config: with nodejs_compat, Clerk.layerFetchConfig() reads the bindings from process.env", column, compatOk, {
    detail: show(config.json)
  })
  const userId = await within(10_000, "a user", emulator.createUser("example@example.com"))
  const token = await within(10_000, "a session token", emulator.mint(userId))
  const signedIn = await call(ports.example, "/", { headers: { authorization: `Bearer ${token}` } })
  const signedOut = await call(ports.example, "/")
  const exampleOk =
    signedIn.status === 200 &&
    signedIn.json.id === userId &&
    signedIn.json.email === "example@example.com" &&
    signedOut.status === 401 &&
    signedOut.json.error === "signed-out"
  record("examples/cloudflare-worker.ts: 200 with the caller's profile, 401 signed out", column, exampleOk, {
    detail: `${signedIn.status} ${show(signedIn.json)} / ${signedOut.status} ${show(signedOut.json)}`
  })
}

// Last, so that every function and constant above is defined when it runs.
try {
  await main()
} catch (error) {
  await fail(error.stack ?? error.message)
}
