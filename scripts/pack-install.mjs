// Proof that the published packages install and work outside the workspace, as a user gets them.
// Run by .ci/run (needs the npm registry); `npx -y pnpm@10.34.9 pack-install` runs it by hand.
//
// 1. packs every public package under packages/ (each `prepack` builds it) and prints the sizes;
// 2. runs publint and @arethetypeswrong/cli on each tarball: 0 problems of any level;
// 3. creates an npm app in the OS temp dir (outside the repo), installs the tarballs plus the peers
//    from the registry (effect 3, @effect/platform, @effect/platform-node) with npm;
// 4. type-checks a small program with `skipLibCheck: false` under `module: NodeNext` and under
//    `moduleResolution: Bundler`, then runs the NodeNext output with plain `node` against
//    EmulatorServer (create a user, create and revoke an actor token, catch a NotFound);
// 5. measures what a user pays to type-check the SDK: a consumer of every group through the installed
//    .d.ts against a bare effect + @effect/platform consumer, same run, interleaved; prints the ratio
//    (goal: <= 1.5x; printed, not asserted: it is a timing).
//
// Env: PACK_INSTALL_KEEP=1 keeps the temp app; PACK_INSTALL_TSC_RUNS (default 3) sets the tsc rounds.
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { basename, dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { externalPeers, packPublicPackages, runCommand } from "./lib/pack.mjs"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const require = createRequire(join(root, "package.json"))
const started = performance.now()
const TSC = require.resolve("typescript/bin/tsc")
const TSC_RUNS = Number(process.env["PACK_INSTALL_TSC_RUNS"] ?? 3)
const GOAL = 1.5

const step = (message) => console.log(`[pack-install] ${message}`)
const fail = (message) => {
  console.error(`[pack-install] FAILED: ${message}`)
  process.exit(1)
}

/** Runs a command and returns its stdout; on failure, stops with the command's output. */
const run = (file, args, options = {}) => {
  try {
    return runCommand(file, args, options)
  } catch (error) {
    fail(error.message)
  }
}

// ---------------------------------------------------------------------------------------------
// 1. pack
// ---------------------------------------------------------------------------------------------

const app = mkdtempSync(join(tmpdir(), "effect-clerk-pack-install-"))
const tarballs = join(app, "tarballs")
mkdirSync(tarballs)
if (relative(root, app).split(/[\\/]/)[0] !== "..") fail(`the temp app ${app} is inside the repo`)

let packed
try {
  packed = packPublicPackages({ root, destination: tarballs, log: step })
} catch (error) {
  fail(error.message)
}
for (const { name, entries } of packed) {
  const forbidden = entries.filter((e) => /^package\/(test|fixtures)\/|\.test\.|\.tsbuildinfo$/.test(e.name))
  if (forbidden.length > 0) fail(`${name} packs ${forbidden.map((e) => e.name).join(", ")}`)
  for (const needed of ["package/LICENSE", "package/README.md", "package/dist/index.js", "package/dist/index.d.ts"]) {
    if (!entries.some((e) => e.name === needed)) fail(`${name}: ${needed} is not in the tarball`)
  }
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`
console.log("\n| package | tarball | unpacked | files | of which dist/ | src/ |")
console.log("| --- | ---: | ---: | ---: | ---: | ---: |")
for (const { name, file, entries } of packed) {
  const sum = (filter) => entries.filter(filter).reduce((total, e) => total + e.size, 0)
  console.log(
    `| ${name} | ${kb(statSync(file).size)} | ${kb(sum(() => true))} | ${entries.length} | ` +
      `${kb(sum((e) => e.name.startsWith("package/dist/")))} | ${kb(sum((e) => e.name.startsWith("package/src/")))} |`
  )
}
console.log()

// ---------------------------------------------------------------------------------------------
// 2. publint and attw on each tarball
// ---------------------------------------------------------------------------------------------

const { publint } = await import(require.resolve("publint"))
const { formatMessage } = await import(require.resolve("publint/utils"))
const ATTW = join(dirname(require.resolve("@arethetypeswrong/cli/package.json")), "dist", "index.js")
/** The concrete subpaths that the pattern exports of a package reach, from its tarball's files. */
const wildcardSubpaths = (published, entries) => {
  const exports = published.exports ?? {}
  const blocked = (subpath) =>
    Object.entries(exports).some(
      ([key, target]) =>
        target === null && (key.includes("*") ? subpath.startsWith(key.slice(0, key.indexOf("*"))) : key === subpath)
    )
  const found = new Set()
  for (const [key, target] of Object.entries(exports)) {
    const types = typeof target === "string" ? target : target?.types
    if (!key.includes("*") || typeof types !== "string" || !types.includes("*")) continue
    const [before, after] = types.replace(/^\.\//, "package/").split("*")
    for (const { name } of entries) {
      if (!name.startsWith(before) || !name.endsWith(after)) continue
      const subpath = key.replace("*", name.slice(before.length, name.length - after.length))
      if (!(subpath in exports) && !blocked(subpath)) found.add(subpath)
    }
  }
  return [...found].sort()
}

for (const { name, file, published, entries } of packed) {
  const tarball = readFileSync(file)
  const { messages } = await publint({
    pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
    level: "suggestion",
    strict: true
  })
  if (messages.length > 0) {
    fail(
      `publint ${name}: ${messages.length} problem(s)\n${messages.map((m) => formatMessage(m, published)).join("\n")}`
    )
  }
  // ESM only (`type: module`, `import` conditions): the esm-only profile leaves out the CommonJS
  // and node10 resolutions, which no ESM-only package can satisfy.
  // attw does not expand pattern exports ("./*"): list every subpath they reach in the tarball.
  const subpaths = wildcardSubpaths(published, entries)
  run(process.execPath, [
    ATTW,
    file,
    "--profile",
    "esm-only",
    "--format",
    "table",
    "--no-color",
    ...(subpaths.length > 0 ? ["--include-entrypoints", ...subpaths] : [])
  ])
  step(
    `${name}: publint 0 problems, attw (esm-only) 0 problems on ${subpaths.length + Object.entries(published.exports).filter(([k, v]) => !k.includes("*") && v !== null).length} entry points`
  )
}

// ---------------------------------------------------------------------------------------------
// 3. install into a fresh npm app
// ---------------------------------------------------------------------------------------------

const peers = externalPeers(packed)
writeFileSync(
  join(app, "package.json"),
  JSON.stringify({ name: "effect-clerk-user-app", private: true, type: "module" }, null, 2) + "\n"
)
const installs = [...packed.map((p) => p.file), ...Object.entries(peers).map(([dep, range]) => `${dep}@${range}`)]
installs.push("@types/node@^20")
step(`npm install in ${app}: ${installs.map((i) => basename(i)).join(" ")}`)
run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...installs], { cwd: app })
const installed = (dep) => JSON.parse(readFileSync(join(app, "node_modules", dep, "package.json"), "utf8")).version
step(
  `installed ${Object.keys(peers)
    .map((dep) => `${dep}@${installed(dep)}`)
    .join(", ")}`
)
if (!installed("effect").startsWith("3.")) fail(`effect ${installed("effect")} is not 3.x`)

// What docs/api-stability.md calls internal must not be importable from the installed packages.
for (const blocked of [
  "@effect-clerk/backend/internal/operation",
  "@effect-clerk/backend/services",
  "@effect-clerk/backend/index",
  "@effect-clerk/platform-node/internal/x",
  "@effect-clerk/emulator/internal/router",
  "@effect-clerk/auth/internal/jwks",
  "@effect-clerk/redis/internal/x"
]) {
  try {
    execFileSync(process.execPath, ["--input-type=module", "-e", `await import(${JSON.stringify(blocked)})`], {
      cwd: app,
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8"
    })
    fail(`${blocked} is importable from the installed package`)
  } catch (error) {
    if (!/ERR_PACKAGE_PATH_NOT_EXPORTED/.test(error.stderr ?? "")) fail(`${blocked}: ${error.stderr ?? error.message}`)
  }
}
step("internal paths are not exported (ERR_PACKAGE_PATH_NOT_EXPORTED)")

// ---------------------------------------------------------------------------------------------
// 4. type-check (NodeNext and Bundler) and run with node
// ---------------------------------------------------------------------------------------------

const program = `import { ActorTokens, Users } from "@effect-clerk/backend"
import * as EmulatorServer from "@effect-clerk/emulator/EmulatorServer"
import { NodeClerkClient } from "@effect-clerk/platform-node"
import * as NodeClerk from "@effect-clerk/platform-node/NodeClerk"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { Webhook, WebhookDeduplication } from "@effect-clerk/auth"
import { RedisDeduplication } from "@effect-clerk/redis"

const secretKey = Redacted.make("sk_test_pack_install")

// Type-checked only (a layer value opens nothing until it is built): webhook de-duplication in
// Redis, from @effect-clerk/redis over @effect/experimental and ioredis, for @effect-clerk/auth.
export const deduplication: Layer.Layer<WebhookDeduplication.Store> = RedisDeduplication.layer({ host: "127.0.0.1", lazyConnect: true })
export const webhooks = Webhook.handler({ secret: Redacted.make("whsec_cGFjay1pbnN0YWxs") }, { orElse: () => Effect.void })

const program = Effect.gen(function* () {
  const user = yield* Users.create({ email_address: ["pack-install@example.com"] })
  const token = yield* ActorTokens.create({ user_id: user.id, actor: { sub: "user_admin" }, expires_in_seconds: 600 })
  const revoked = yield* ActorTokens.revoke(token.id)
  const missing = yield* ActorTokens.revoke("act_does_not_exist").pipe(
    Effect.as("revoked"),
    Effect.catchTag("NotFound", (error) => Effect.succeed(error._tag))
  )
  return { user: user.id, created: token.status, revoked: revoked.status, missing }
})

const main = Effect.gen(function* () {
  const server = yield* EmulatorServer.Server
  // One group's layers over the client alone, then every service at once through the NodeClerk subpath.
  const some = Layer.mergeAll(Users.layer, ActorTokens.layer).pipe(
    Layer.provide(NodeClerkClient.layer({ secretKey, baseUrl: server.url }))
  )
  const result = yield* program.pipe(Effect.provide(some))
  const again = yield* Users.get(result.user).pipe(Effect.provide(NodeClerk.layer({ secretKey, baseUrl: server.url })))
  yield* Console.log(JSON.stringify({ ...result, again: again.id === result.user }))
}).pipe(Effect.provide(EmulatorServer.layer()))

NodeRuntime.runMain(main)
`
writeFileSync(join(app, "app.ts"), program)

const strict = {
  target: "ES2022",
  lib: ["ES2022"],
  types: ["node"],
  strict: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false
}
writeFileSync(
  join(app, "tsconfig.nodenext.json"),
  JSON.stringify({
    compilerOptions: { ...strict, module: "NodeNext", moduleResolution: "NodeNext", outDir: "out" },
    files: ["app.ts"]
  })
)
writeFileSync(
  join(app, "tsconfig.bundler.json"),
  JSON.stringify({
    compilerOptions: { ...strict, module: "ESNext", moduleResolution: "Bundler", noEmit: true },
    files: ["app.ts"]
  })
)
for (const config of ["tsconfig.nodenext.json", "tsconfig.bundler.json"]) {
  run(process.execPath, [TSC, "-p", join(app, config)], { cwd: app })
  step(`tsc -p ${config} (skipLibCheck: false): no errors`)
}

const output = run(process.execPath, [join(app, "out", "app.js")], { cwd: app, timeout: 60_000 }).trim()
const expected = { created: "pending", revoked: "revoked", missing: "NotFound", again: true }
let result
try {
  result = JSON.parse(output.split("\n").at(-1))
} catch {
  fail(`node out/app.js printed no JSON result:\n${output}`)
}
for (const [key, value] of Object.entries(expected)) {
  if (result[key] !== value)
    fail(`node out/app.js: ${key} is ${JSON.stringify(result[key])}, expected ${JSON.stringify(value)}`)
}
if (!/^user_/.test(result.user)) fail(`node out/app.js: user id ${JSON.stringify(result.user)}`)
step(`node out/app.js against EmulatorServer: ${output}`)

// ---------------------------------------------------------------------------------------------
// 5. type-check cost of the installed .d.ts
// ---------------------------------------------------------------------------------------------

const backendDist = join(app, "node_modules", "@effect-clerk", "backend", "dist")
const groups = [
  ...readFileSync(join(backendDist, "generated", "index.d.ts"), "utf8").matchAll(
    /^export \* as (\w+) from "(\.\/[^"]+)\.js"/gm
  )
].map(([, name, path]) => {
  const dts = readFileSync(join(backendDist, "generated", `${path}.d.ts`), "utf8")
  return { name, accessor: /^export declare const (\w+): \(/m.exec(dts)?.[1] }
})
if (groups.length === 0) fail("no group found in the installed @effect-clerk/backend")
const consumers = {
  sdk:
    `import { ${groups.map((g) => g.name).join(", ")} } from "@effect-clerk/backend"\n\n` +
    groups
      .map((g) =>
        g.accessor === undefined
          ? `export type ${g.name}Use = typeof ${g.name}.layer\n`
          : `export type ${g.name}Use = ReturnType<typeof ${g.name}.${g.accessor}>\n`
      )
      .join(""),
  baseline: `import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

const Token = Schema.Struct({ id: Schema.String, status: Schema.String, created_at: Schema.Number })

export class Tokens extends Context.Tag("Tokens")<Tokens, { readonly create: (userId: string) => Effect.Effect<typeof Token.Type, unknown> }>() {}

export const layer = Layer.effect(
  Tokens,
  Effect.map(HttpClient.HttpClient, (client) => ({
    create: (userId: string) =>
      Effect.flatMap(client.execute(HttpClientRequest.post("/tokens", { urlParams: { userId } })), (response) =>
        Effect.flatMap(response.json, Schema.decodeUnknown(Token))
      )
  }))
)

export type TokensUse = ReturnType<Context.Tag.Service<Tokens>["create"]>
`
}
const settings = { skipLibCheck: [true, false] }
const projects = []
for (const [name, source] of Object.entries(consumers)) {
  writeFileSync(join(app, `cost-${name}.ts`), source)
  for (const skipLibCheck of settings.skipLibCheck) {
    const config = `tsconfig.cost-${name}-${skipLibCheck ? "skip" : "full"}.json`
    writeFileSync(
      join(app, config),
      JSON.stringify({
        compilerOptions: { ...strict, skipLibCheck, module: "NodeNext", moduleResolution: "NodeNext", noEmit: true },
        files: [`cost-${name}.ts`]
      })
    )
    projects.push({ name, skipLibCheck, config, samples: [] })
  }
}
const field = (text, label) => {
  const match = new RegExp(`^${label}:\\s+([\\d.]+)`, "m").exec(text)
  if (!match) fail(`tsc --extendedDiagnostics printed no "${label}":\n${text}`)
  return parseFloat(match[1])
}
step(`type-check cost: ${groups.length} groups vs effect + @effect/platform, ${TSC_RUNS} interleaved rounds`)
for (let round = 0; round < TSC_RUNS; round++) {
  for (const project of projects) {
    const text = run(process.execPath, [TSC, "-p", join(app, project.config), "--extendedDiagnostics"], { cwd: app })
    project.samples.push({
      total: field(text, "Total time"),
      check: field(text, "Check time"),
      memory: field(text, "Memory used"),
      files: field(text, "Files")
    })
  }
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const stat = (project, key) => {
  const values = project.samples.map((s) => s[key])
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) }
}
const seconds = (s) => `${s.median.toFixed(2)} s (${s.min.toFixed(2)}–${s.max.toFixed(2)})`
console.log(`\n| tsc, installed .d.ts | every group | effect + @effect/platform | ratio |`)
console.log(`| --- | ---: | ---: | ---: |`)
const ratios = {}
for (const skipLibCheck of settings.skipLibCheck) {
  const sdk = projects.find((p) => p.name === "sdk" && p.skipLibCheck === skipLibCheck)
  const base = projects.find((p) => p.name === "baseline" && p.skipLibCheck === skipLibCheck)
  const label = `skipLibCheck: ${skipLibCheck}`
  for (const [key, show] of [
    ["total", seconds],
    ["check", seconds],
    ["memory", (s) => `${(s.median / 1024).toFixed(0)} MB`],
    ["files", (s) => String(s.median)]
  ]) {
    const a = stat(sdk, key)
    const b = stat(base, key)
    const r = a.median / b.median
    if (key === "total") ratios[label] = r
    console.log(
      `| ${label}, ${key} time`.replace(/ time$/, key === "memory" || key === "files" ? "" : " time") +
        ` | ${show(a)} | ${show(b)} | ${r.toFixed(2)}× |`
    )
  }
}
console.log()
for (const [label, r] of Object.entries(ratios)) {
  step(
    `type-check cost (${label}, total time): ${r.toFixed(2)}× the bare consumer (goal <= ${GOAL}×: ${r <= GOAL ? "met" : "NOT met"})`
  )
}

if (process.env["PACK_INSTALL_KEEP"] === "1") step(`kept ${app}`)
else rmSync(app, { recursive: true, force: true })
step(`ok in ${((performance.now() - started) / 1000).toFixed(0)} s`)
