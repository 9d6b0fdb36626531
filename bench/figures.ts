/**
 * Figures for @effect-clerk/backend, each next to a baseline measured in the same run:
 *
 * 1. type-check cost of a consumer importing every group vs one importing only effect + @effect/platform;
 * 2. bundle size of a program using one group vs the same call written by hand;
 * 3. cold import time of one group vs the effect / @effect/platform modules it uses;
 * 4. one group through @effect-clerk/platform-node (bundle, cold import of the tree-shaken bundle and
 *    of the packed packages' dist/ as plain Node loads it) vs the same POST by hand over undici;
 * 5. at the edge (`edge.ts`): a Worker with one group plus @effect-clerk/auth vs the same Worker by
 *    hand (effect + jose, and plain fetch + jose), and session verification from the auth barrel vs
 *    its subpaths.
 *
 * The groups are read from packages/backend/src/index.ts, so the script follows the generator.
 * Everything is local; scratch files go to bench/.tmp (gitignored).
 *
 *   npx tsx bench/figures.ts        (FIGURES_TSC_RUNS / FIGURES_IMPORT_RUNS change the rounds)
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import * as esbuild from "esbuild"
import { actorTokenSchemas, BARREL_RATIO_LIMIT, edgeFigures, WORKER_RATIO_LIMIT } from "./edge.js"

// ---------------------------------------------------------------------------------------------
// settings
// ---------------------------------------------------------------------------------------------

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const BACKEND = join(ROOT, "packages", "backend")
const TMP = join(ROOT, "bench", ".tmp")
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc")
const TSCONFIG_BASE = join(ROOT, "tsconfig.base.json")

/** Modules re-exported from the barrel that are not API groups. */
const NON_GROUPS: ReadonlySet<string> = new Set([
  "ClerkFile",
  "ClerkClient",
  "ClerkError",
  "ClerkOperation",
  "ClerkTest",
  "ClerkTransport",
  "Clerk"
])
/** The group the single-group figures use (its `create` is called by the bundle programs). */
const ONE_GROUP = "ActorTokens"

const TSC_RUNS = Number(process.env["FIGURES_TSC_RUNS"] ?? 3)
const IMPORT_RUNS = Number(process.env["FIGURES_IMPORT_RUNS"] ?? 15)
const IMPORT_WARMUP = 2
const TSC_TIMEOUT_MS = 5 * 60_000
const NODE_TIMEOUT_MS = 60_000

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

interface Group {
  readonly name: string
  /** Absolute path of the group's TypeScript source. */
  readonly source: string
  /** An accessor exported by the group (`export const create = (`), if one is found. */
  readonly accessor: string | undefined
}

const median = (values: ReadonlyArray<number>): number => {
  if (values.length === 0) throw new Error("median of no values")
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const writeFile = (path: string, content: string): void => {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, content)
}

const json = (value: unknown): string => JSON.stringify(value, null, 2) + "\n"

const int = (n: number): string => Math.round(n).toLocaleString("en-US")
const ms = (n: number): string => `${n.toFixed(n < 100 ? 1 : 0)} ms`
const mb = (kb: number): string => `${(kb / 1024).toFixed(1)} MB`
const bytes = (n: number): string => `${int(n)} B`
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`

/** Runs a command; on failure throws with its output so the cause is visible. */
const run = (file: string, args: ReadonlyArray<string>, timeout: number): string => {
  try {
    return execFileSync(file, args, { cwd: ROOT, encoding: "utf8", timeout, stdio: ["ignore", "pipe", "pipe"] })
  } catch (cause) {
    const error = cause as { stdout?: string; stderr?: string; message: string }
    throw new Error(
      `command failed: ${[file, ...args].join(" ")}\n${error.message}\n${error.stdout ?? ""}${error.stderr ?? ""}`
    )
  }
}

const step = (message: string): void => {
  process.stderr.write(`[figures] ${message}\n`)
}

// ---------------------------------------------------------------------------------------------
// groups
// ---------------------------------------------------------------------------------------------

const discoverGroups = (): ReadonlyArray<Group> => {
  const groups: Array<Group> = []
  // The barrel re-exports the hand-written modules and `export * from "./generated/index.js"`,
  // the generated barrel of every group: read both.
  const barrels = [join(BACKEND, "src"), join(BACKEND, "src/generated")].filter((dir) =>
    existsSync(join(dir, "index.ts"))
  )
  const entries = barrels.flatMap((dir) =>
    [...readFileSync(join(dir, "index.ts"), "utf8").matchAll(/^export \* as (\w+) from "(\.\/[^"]+)"/gm)].map(
      (match) => [dir, match] as const
    )
  )
  for (const [dir, match] of entries) {
    const name = match[1]!
    if (NON_GROUPS.has(name)) continue
    const source = join(dir, match[2]!.replace(/\.js$/, ".ts"))
    if (!existsSync(source)) throw new Error(`group ${name}: ${source} does not exist`)
    const accessor = /^export const (\w+) = \(/m.exec(readFileSync(source, "utf8"))?.[1]
    groups.push({ name, source, accessor })
  }
  if (groups.length === 0) throw new Error("no groups found in packages/backend/src/index.ts")
  if (!groups.some((group) => group.name === ONE_GROUP)) throw new Error(`group ${ONE_GROUP} not found`)
  return groups
}

// ---------------------------------------------------------------------------------------------
// 1. type-check cost
// ---------------------------------------------------------------------------------------------

interface TscStats {
  readonly checkMs: number
  readonly totalMs: number
  readonly memoryKb: number
  readonly types: number
  readonly files: number
}

const tscField = (output: string, label: string): string => {
  const match = new RegExp(`^${label}:\\s+(\\S+)`, "m").exec(output)
  if (!match) throw new Error(`tsc --extendedDiagnostics printed no "${label}":\n${output}`)
  return match[1]!
}

const runTsc = (project: string): TscStats => {
  const output = run(process.execPath, [TSC, "-p", project, "--extendedDiagnostics"], TSC_TIMEOUT_MS)
  const seconds = (label: string): number => parseFloat(tscField(output, label).replace(/s$/, "")) * 1000
  return {
    checkMs: seconds("Check time"),
    totalMs: seconds("Total time"),
    memoryKb: parseInt(tscField(output, "Memory used").replace(/K$/, ""), 10),
    types: parseInt(tscField(output, "Types"), 10),
    files: parseInt(tscField(output, "Files"), 10)
  }
}

/** Strict options of the repository, without emit or project references. */
const consumerTsconfig = (dir: string): string =>
  json({
    extends: relative(dir, TSCONFIG_BASE),
    compilerOptions: {
      noEmit: true,
      composite: false,
      incremental: false,
      declaration: false,
      declarationMap: false,
      emitDeclarationOnly: false,
      sourceMap: false
    },
    files: ["index.ts"]
  })

/** One type from each group, so nothing the consumer imports goes unused. */
const groupUse = (group: Group): string =>
  group.accessor === undefined
    ? `export type ${group.name}Use = keyof typeof ${group.name}\n`
    : `export type ${group.name}Use = ReturnType<typeof ${group.name}.${group.accessor}>\n`

const consumerAll = (groups: ReadonlyArray<Group>): string =>
  `import { ${groups.map((group) => group.name).join(", ")} } from "@effect-clerk/backend"\n\n` +
  groups.map(groupUse).join("")

const consumerOne = (group: Group): string =>
  `import * as ${group.name} from "@effect-clerk/backend/${group.name}"\n\n` + groupUse(group)

const consumerBaseline = `import * as HttpClient from "@effect/platform/HttpClient"
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

interface TscFigures {
  readonly all: TscStats
  readonly baseline: TscStats
  readonly one: TscStats
  readonly published: TscStats
}

/**
 * Packs the public packages as a user gets them (`pnpm pack`: `prepack` builds dist/) and unpacks
 * each into TMP/published/node_modules, once per run. Peers (effect, @effect/platform, ...) resolve
 * from the repository's node_modules, above TMP.
 */
let packedOnce = false
const packPublished = (): void => {
  if (packedOnce) return
  packedOnce = true
  const tarballs = join(TMP, "tarballs")
  mkdirSync(tarballs, { recursive: true })
  for (const name of ["backend", "platform-node"]) {
    step(`pnpm pack @effect-clerk/${name}`)
    const execpath = process.env["npm_execpath"]
    const pnpm: [string, Array<string>] =
      execpath !== undefined && /pnpm/.test(execpath) && /\.c?js$/.test(execpath)
        ? [process.execPath, [execpath]]
        : [
            "npx",
            [
              "-y",
              (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { packageManager: string })
                .packageManager
            ]
          ]
    const output = execFileSync(pnpm[0], [...pnpm[1], "pack", "--json", "--pack-destination", tarballs], {
      cwd: join(ROOT, "packages", name),
      encoding: "utf8",
      timeout: TSC_TIMEOUT_MS,
      stdio: ["ignore", "pipe", "pipe"]
    })
    const file = (JSON.parse(output.slice(output.indexOf("{"))) as { filename: string }).filename
    const dir = join(TMP, "published", "node_modules", "@effect-clerk", name)
    mkdirSync(dir, { recursive: true })
    run("tar", ["-xzf", file, "-C", dir, "--strip-components=1"], NODE_TIMEOUT_MS)
  }
}

const typeCheckFigures = (groups: ReadonlyArray<Group>): TscFigures => {
  const one = groups.find((group) => group.name === ONE_GROUP)!
  const projects = {
    all: join(TMP, "tsc", "all"),
    baseline: join(TMP, "tsc", "baseline"),
    one: join(TMP, "tsc", "one"),
    published: join(TMP, "published", "all")
  } as const
  writeFile(join(projects.all, "index.ts"), consumerAll(groups))
  writeFile(join(projects.baseline, "index.ts"), consumerBaseline)
  writeFile(join(projects.one, "index.ts"), consumerOne(one))
  writeFile(join(projects.published, "index.ts"), consumerAll(groups))
  for (const dir of Object.values(projects)) writeFile(join(dir, "tsconfig.json"), consumerTsconfig(dir))

  packPublished()

  const samples: Record<keyof typeof projects, Array<TscStats>> = { all: [], baseline: [], one: [], published: [] }
  for (let i = 0; i < TSC_RUNS; i++) {
    for (const key of Object.keys(projects) as Array<keyof typeof projects>) {
      step(`tsc ${key} (run ${i + 1}/${TSC_RUNS})`)
      samples[key].push(runTsc(projects[key]))
    }
  }
  const summarize = (runs: ReadonlyArray<TscStats>): TscStats => ({
    checkMs: median(runs.map((r) => r.checkMs)),
    totalMs: median(runs.map((r) => r.totalMs)),
    memoryKb: median(runs.map((r) => r.memoryKb)),
    types: median(runs.map((r) => r.types)),
    files: median(runs.map((r) => r.files))
  })
  return {
    all: summarize(samples.all),
    baseline: summarize(samples.baseline),
    one: summarize(samples.one),
    published: summarize(samples.published)
  }
}

// ---------------------------------------------------------------------------------------------
// 2. bundle size
// ---------------------------------------------------------------------------------------------

const callCreate = `const program = ActorTokens.create({ user_id: "user_1", actor: { sub: "user_2" }, expires_in_seconds: 600 })

const layer = ActorTokens.layer.pipe(
  Layer.provide(ClerkClient.layer({ secretKey: Redacted.make("sk_test_bench") })),
  Layer.provide(FetchHttpClient.layer)
)

export const main = () => Effect.runPromise(Effect.provide(program, layer))
`

const bundleOneGroup = `import * as ActorTokens from "@effect-clerk/backend/ActorTokens"
import * as ClerkClient from "@effect-clerk/backend/ClerkClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

${callCreate}`

const bundleBarrel = `import { ActorTokens, ClerkClient } from "@effect-clerk/backend"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

${callCreate}`

/** The same POST written against @effect/platform directly: schema-checked body, decoded answer. */
const bundleBare = `import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

${actorTokenSchemas}

const create = (body: typeof CreateBody.Type) =>
  Effect.gen(function* () {
    const client = (yield* HttpClient.HttpClient).pipe(HttpClient.filterStatusOk)
    const request = yield* HttpClientRequest.post("https://api.clerk.com/v1/actor_tokens").pipe(
      HttpClientRequest.bearerToken("sk_test_bench"),
      HttpClientRequest.setHeaders({ "Clerk-API-Version": "2026-05-12", "User-Agent": "bench" }),
      HttpClientRequest.acceptJson,
      HttpClientRequest.schemaBodyJson(CreateBody)(body)
    )
    const response = yield* client.execute(request)
    return yield* HttpClientResponse.schemaBodyJson(ActorToken)(response)
  })

export const main = () =>
  Effect.runPromise(
    create({ user_id: "user_1", actor: { sub: "user_2" }, expires_in_seconds: 600 }).pipe(
      Effect.provide(FetchHttpClient.layer)
    )
  )
`

interface BundleStats {
  readonly minified: number
  readonly gzip: number
  readonly text: string
}

const bundleSize = async (entry: string): Promise<BundleStats> => {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    treeShaking: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "silent"
  })
  const output = result.outputFiles[0]
  if (output === undefined) throw new Error(`esbuild wrote nothing for ${entry}`)
  return {
    minified: output.contents.byteLength,
    gzip: gzipSync(output.contents, { level: 9 }).byteLength,
    text: output.text
  }
}

interface BundleFigures {
  readonly one: BundleStats
  readonly bare: BundleStats
  readonly barrel: BundleStats
  /** Groups other than ONE_GROUP whose service tag string is still in the barrel bundle. */
  readonly leaked: ReadonlyArray<string>
}

const bundleFigures = async (groups: ReadonlyArray<Group>): Promise<BundleFigures> => {
  const dir = join(TMP, "bundle")
  const entries = { one: join(dir, "one.ts"), bare: join(dir, "bare.ts"), barrel: join(dir, "barrel.ts") } as const
  writeFile(entries.one, bundleOneGroup)
  writeFile(entries.bare, bundleBare)
  writeFile(entries.barrel, bundleBarrel)
  step("esbuild: bundle sizes")
  const [one, bare, barrel] = await Promise.all([
    bundleSize(entries.one),
    bundleSize(entries.bare),
    bundleSize(entries.barrel)
  ])
  const leaked = groups
    .filter((group) => group.name !== ONE_GROUP)
    .filter((group) => barrel.text.includes(`@effect-clerk/backend/${group.name}"`))
    .map((group) => group.name)
  return { one, bare, barrel, leaked }
}

// ---------------------------------------------------------------------------------------------
// 3. cold import time
// ---------------------------------------------------------------------------------------------

const importGroup = `export * from "@effect-clerk/backend/${ONE_GROUP}"\n`

const importBaseline = `import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

export const touched = [
  Effect.succeed,
  Schema.Struct,
  Layer.effect,
  Context.GenericTag,
  HttpClient.HttpClient,
  HttpClientRequest.post
] as const
`

const runner = `import { pathToFileURL } from "node:url"

const start = performance.now()
await import(pathToFileURL(process.argv[2]).href)
process.stdout.write(String(performance.now() - start))
`

interface ImportFigures {
  /** Tree-shaken bundles: only what the entries reach. */
  readonly shaken: { readonly group: number; readonly baseline: number }
  /** Bundles without tree-shaking: every imported module evaluated whole, as unbundled Node does. */
  readonly whole: { readonly group: number; readonly baseline: number }
  /** Unminified bundle bytes. */
  readonly sizes: {
    readonly shaken: { readonly group: number; readonly baseline: number }
    readonly whole: { readonly group: number; readonly baseline: number }
  }
}

const bundleForNode = async (entry: string, outfile: string, treeShaking: boolean): Promise<number> => {
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: false,
    treeShaking,
    format: "esm",
    platform: "node",
    logLevel: "silent"
  })
  return readFileSync(outfile).byteLength
}

const timeImport = (runnerPath: string, bundle: string): number => {
  const output = run(process.execPath, [runnerPath, bundle], NODE_TIMEOUT_MS)
  const value = parseFloat(output)
  if (!Number.isFinite(value)) throw new Error(`runner printed ${JSON.stringify(output)} for ${bundle}`)
  return value
}

const importFigures = async (): Promise<ImportFigures> => {
  const dir = join(TMP, "import")
  writeFile(join(dir, "group.ts"), importGroup)
  writeFile(join(dir, "baseline.ts"), importBaseline)
  const runnerPath = join(dir, "runner.mjs")
  writeFile(runnerPath, runner)

  step("esbuild: bundles for node")
  const bundles = {
    groupShaken: join(dir, "out", "group.shaken.mjs"),
    baselineShaken: join(dir, "out", "baseline.shaken.mjs"),
    groupWhole: join(dir, "out", "group.whole.mjs"),
    baselineWhole: join(dir, "out", "baseline.whole.mjs")
  } as const
  const [groupShaken, baselineShaken, groupWhole, baselineWhole] = await Promise.all([
    bundleForNode(join(dir, "group.ts"), bundles.groupShaken, true),
    bundleForNode(join(dir, "baseline.ts"), bundles.baselineShaken, true),
    bundleForNode(join(dir, "group.ts"), bundles.groupWhole, false),
    bundleForNode(join(dir, "baseline.ts"), bundles.baselineWhole, false)
  ])

  const samples: Record<keyof typeof bundles, Array<number>> = {
    groupShaken: [],
    baselineShaken: [],
    groupWhole: [],
    baselineWhole: []
  }
  // Interleaved, so drift in the machine's load touches every subject alike.
  for (let i = 0; i < IMPORT_WARMUP + IMPORT_RUNS; i++) {
    if (i === IMPORT_WARMUP) step(`node: ${IMPORT_RUNS} cold imports of each bundle`)
    for (const key of Object.keys(bundles) as Array<keyof typeof bundles>) {
      const value = timeImport(runnerPath, bundles[key])
      if (i >= IMPORT_WARMUP) samples[key].push(value)
    }
  }
  return {
    shaken: { group: median(samples.groupShaken), baseline: median(samples.baselineShaken) },
    whole: { group: median(samples.groupWhole), baseline: median(samples.baselineWhole) },
    sizes: {
      shaken: { group: groupShaken, baseline: baselineShaken },
      whole: { group: groupWhole, baseline: baselineWhole }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 4. one group through @effect-clerk/platform-node (Node, undici)
// ---------------------------------------------------------------------------------------------

const createOverNode = (
  layer: string
) => `const program = ActorTokens.create({ user_id: "user_1", actor: { sub: "user_2" }, expires_in_seconds: 600 })

const layer = ActorTokens.layer.pipe(Layer.provide(${layer}))

export const main = () => Effect.runPromise(Effect.provide(program, layer))
`

/** The documented path: the backend barrel and the platform-node entry. */
const nodeThroughPlatformNode = `import { ActorTokens } from "@effect-clerk/backend"
import { NodeClerkClient } from "@effect-clerk/platform-node"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

${createOverNode(`NodeClerkClient.layer({ secretKey: Redacted.make("sk_test_bench") })`)}`

/** The same on backend's own layers over @effect/platform-node's undici client. */
const nodeThroughBackend = `import * as ActorTokens from "@effect-clerk/backend/ActorTokens"
import * as ClerkClient from "@effect-clerk/backend/ClerkClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

${createOverNode(`ClerkClient.layer({ secretKey: Redacted.make("sk_test_bench") }).pipe(Layer.provide(NodeHttpClient.layerUndici))`)}`

/** The floor: the same POST written by hand over undici. */
const nodeFloor = bundleBare
  .replace(
    `import * as FetchHttpClient from "@effect/platform/FetchHttpClient"`,
    `import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"`
  )
  .replace("Effect.provide(FetchHttpClient.layer)", "Effect.provide(NodeHttpClient.layerUndici)")

/** Unbundled Node: the modules a one-group program imports from the packed packages' dist/. */
const unbundledOneGroup = `import { NodeClerkClient } from "@effect-clerk/platform-node"
import * as ActorTokens from "@effect-clerk/backend/ActorTokens"
export const touched = [NodeClerkClient.layerConfig, ActorTokens.layer]
`
const unbundledAllGroups = `import * as NodeClerk from "@effect-clerk/platform-node/NodeClerk"
export const touched = [NodeClerk.layerConfig]
`
const unbundledFloor = `import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
export const touched = [NodeHttpClient.layerUndici, HttpClient.HttpClient, HttpClientRequest.post, Effect.succeed, Layer.effect, Schema.Struct]
`

interface NodeFigures {
  readonly bundle: { readonly platformNode: BundleStats; readonly backend: BundleStats; readonly floor: BundleStats }
  /** Service tags of other groups left in the platform-node bundle. */
  readonly leaked: ReadonlyArray<string>
  readonly shaken: { readonly platformNode: number; readonly floor: number }
  readonly unbundled: { readonly oneGroup: number; readonly allGroups: number; readonly floor: number }
}

const nodeBundle = async (entry: string, outfile?: string): Promise<BundleStats> => {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: outfile === undefined,
    treeShaking: true,
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "silent",
    // undici is CommonJS: its require() calls need a real `require` in an ESM bundle that runs
    ...(outfile === undefined
      ? {}
      : {
          banner: { js: `import { createRequire } from "node:module"; const require = createRequire(import.meta.url);` }
        })
  })
  const output = result.outputFiles[0]
  if (output === undefined) throw new Error(`esbuild wrote nothing for ${entry}`)
  if (outfile !== undefined) writeFile(outfile, output.text)
  return {
    minified: output.contents.byteLength,
    gzip: gzipSync(output.contents, { level: 9 }).byteLength,
    text: output.text
  }
}

const nodeFigures = async (groups: ReadonlyArray<Group>): Promise<NodeFigures> => {
  const dir = join(TMP, "node")
  const entries = {
    platformNode: join(dir, "platform-node.ts"),
    backend: join(dir, "backend.ts"),
    floor: join(dir, "floor.ts")
  } as const
  writeFile(entries.platformNode, nodeThroughPlatformNode)
  writeFile(entries.backend, nodeThroughBackend)
  writeFile(entries.floor, nodeFloor)
  step("esbuild: one group through platform-node, through backend, floor (platform node)")
  const [platformNode, backend, floor] = await Promise.all([
    nodeBundle(entries.platformNode),
    nodeBundle(entries.backend),
    nodeBundle(entries.floor)
  ])
  const leaked = groups
    .filter((group) => group.name !== ONE_GROUP)
    .filter((group) => platformNode.text.includes(`@effect-clerk/backend/${group.name}"`))
    .map((group) => group.name)

  // cold imports: tree-shaken bundles, and unbundled dist/ modules as plain Node loads them
  packPublished()
  const published = join(TMP, "published")
  const subjects = {
    shakenPlatformNode: join(dir, "out", "platform-node.mjs"),
    shakenFloor: join(dir, "out", "floor.mjs"),
    oneGroup: join(published, "one-group.mjs"),
    allGroups: join(published, "all-groups.mjs"),
    floor: join(published, "floor.mjs")
  } as const
  await nodeBundle(entries.platformNode, subjects.shakenPlatformNode)
  await nodeBundle(entries.floor, subjects.shakenFloor)
  writeFile(subjects.oneGroup, unbundledOneGroup)
  writeFile(subjects.allGroups, unbundledAllGroups)
  writeFile(subjects.floor, unbundledFloor)
  const runnerPath = join(dir, "runner.mjs")
  writeFile(runnerPath, runner)
  const samples: Record<keyof typeof subjects, Array<number>> = {
    shakenPlatformNode: [],
    shakenFloor: [],
    oneGroup: [],
    allGroups: [],
    floor: []
  }
  step(`node: ${IMPORT_RUNS} cold imports of each platform-node subject`)
  for (let i = 0; i < IMPORT_WARMUP + IMPORT_RUNS; i++) {
    for (const key of Object.keys(subjects) as Array<keyof typeof subjects>) {
      const value = timeImport(runnerPath, subjects[key])
      if (i >= IMPORT_WARMUP) samples[key].push(value)
    }
  }
  return {
    bundle: { platformNode, backend, floor },
    leaked,
    shaken: { platformNode: median(samples.shakenPlatformNode), floor: median(samples.shakenFloor) },
    unbundled: {
      oneGroup: median(samples.oneGroup),
      allGroups: median(samples.allGroups),
      floor: median(samples.floor)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------

/** Scratch directory, with the workspace packages linked so imports resolve through their `exports`. */
const prepareTmp = (): void => {
  rmSync(TMP, { recursive: true, force: true })
  for (const name of ["backend", "platform-node"]) {
    const link = join(TMP, "node_modules", "@effect-clerk", name)
    mkdirSync(dirname(link), { recursive: true })
    symlinkSync(join(ROOT, "packages", name), link, "dir")
  }
}

const main = async (): Promise<void> => {
  const started = performance.now()
  const groups = discoverGroups()
  const one = groups.find((group) => group.name === ONE_GROUP)!
  step(`groups (${groups.length}): ${groups.map((group) => group.name).join(", ")}`)
  prepareTmp()

  const tsc = typeCheckFigures(groups)
  const bundle = await bundleFigures(groups)
  const imports = await importFigures()
  const node = await nodeFigures(groups)
  step("esbuild: Workers and auth verification (edge.ts)")
  const edge = await edgeFigures(".tmp/edge")

  const tscVersion = run(process.execPath, [TSC, "--version"], NODE_TIMEOUT_MS).trim()
  const rows: Array<readonly [string, string, string, string]> = []
  const tscRows = (label: string, a: TscStats, b: TscStats): void => {
    rows.push([`${label}: check time`, ms(a.checkMs), ms(b.checkMs), ratio(a.checkMs, b.checkMs)])
    rows.push([`${label}: total time`, ms(a.totalMs), ms(b.totalMs), ratio(a.totalMs, b.totalMs)])
    rows.push([`${label}: memory used`, mb(a.memoryKb), mb(b.memoryKb), ratio(a.memoryKb, b.memoryKb)])
    rows.push([`${label}: types`, int(a.types), int(b.types), ratio(a.types, b.types)])
    rows.push([`${label}: files`, int(a.files), int(b.files), ratio(a.files, b.files)])
  }
  tscRows(`tsc A, all ${groups.length} groups (barrel, TS sources)`, tsc.all, tsc.baseline)
  tscRows(`tsc C, ${one.name} only (subpath, TS sources)`, tsc.one, tsc.baseline)
  tscRows(`tsc A′, all ${groups.length} groups (barrel, .d.ts of the packed tarball)`, tsc.published, tsc.baseline)
  rows.push([
    `bundle (a) ${one.name} subpath: minified`,
    bytes(bundle.one.minified),
    bytes(bundle.bare.minified),
    ratio(bundle.one.minified, bundle.bare.minified)
  ])
  rows.push([
    `bundle (a) ${one.name} subpath: gzip`,
    bytes(bundle.one.gzip),
    bytes(bundle.bare.gzip),
    ratio(bundle.one.gzip, bundle.bare.gzip)
  ])
  rows.push([
    `bundle (c) barrel, ${one.name} used: minified`,
    bytes(bundle.barrel.minified),
    bytes(bundle.bare.minified),
    ratio(bundle.barrel.minified, bundle.bare.minified)
  ])
  rows.push([
    `bundle (c) barrel, ${one.name} used: gzip`,
    bytes(bundle.barrel.gzip),
    bytes(bundle.bare.gzip),
    ratio(bundle.barrel.gzip, bundle.bare.gzip)
  ])
  rows.push([
    `cold import ${one.name} (tree-shaken bundle)`,
    ms(imports.shaken.group),
    ms(imports.shaken.baseline),
    ratio(imports.shaken.group, imports.shaken.baseline)
  ])
  rows.push([
    `cold import ${one.name} (whole modules)`,
    ms(imports.whole.group),
    ms(imports.whole.baseline),
    ratio(imports.whole.group, imports.whole.baseline)
  ])
  rows.push([
    `cold import bundle size (tree-shaken, unminified)`,
    bytes(imports.sizes.shaken.group),
    bytes(imports.sizes.shaken.baseline),
    ratio(imports.sizes.shaken.group, imports.sizes.shaken.baseline)
  ])
  rows.push([
    `cold import bundle size (whole modules, unminified)`,
    bytes(imports.sizes.whole.group),
    bytes(imports.sizes.whole.baseline),
    ratio(imports.sizes.whole.group, imports.sizes.whole.baseline)
  ])

  for (const [label, a] of [
    [`bundle (d) ${one.name} via @effect-clerk/platform-node`, node.bundle.platformNode],
    [`bundle (e) ${one.name} via ClerkClient.layer + NodeHttpClient.layerUndici`, node.bundle.backend]
  ] as const) {
    rows.push([
      `${label}: minified`,
      bytes(a.minified),
      bytes(node.bundle.floor.minified),
      ratio(a.minified, node.bundle.floor.minified)
    ])
    rows.push([`${label}: gzip`, bytes(a.gzip), bytes(node.bundle.floor.gzip), ratio(a.gzip, node.bundle.floor.gzip)])
  }
  rows.push([
    `cold import (d) platform-node, tree-shaken bundle`,
    ms(node.shaken.platformNode),
    ms(node.shaken.floor),
    ratio(node.shaken.platformNode, node.shaken.floor)
  ])
  rows.push([
    `cold import, unbundled dist/: platform-node entry + backend/${one.name}`,
    ms(node.unbundled.oneGroup),
    ms(node.unbundled.floor),
    ratio(node.unbundled.oneGroup, node.unbundled.floor)
  ])
  rows.push([
    `cold import, unbundled dist/: platform-node/NodeClerk (every group)`,
    ms(node.unbundled.allGroups),
    ms(node.unbundled.floor),
    ratio(node.unbundled.allGroups, node.unbundled.floor)
  ])

  for (const [label, a, b] of [
    [
      `bundle (f) Worker: ${one.name} + auth session token, vs the same by hand (effect + jose)`,
      edge.worker,
      edge.floor
    ],
    [`bundle (g) Worker: ${one.name} + auth session token, vs plain fetch + jose (no effect)`, edge.worker, edge.plain],
    [`bundle (h) auth session verification: barrel vs subpaths`, edge.barrel, edge.subpaths]
  ] as const) {
    rows.push([`${label}: minified`, bytes(a.minified), bytes(b.minified), ratio(a.minified, b.minified)])
    rows.push([`${label}: gzip`, bytes(a.gzip), bytes(b.gzip), ratio(a.gzip, b.gzip)])
  }
  const nodeImports = [edge.worker, edge.barrel, edge.subpaths].flatMap((bundle) => bundle.nodeImports)

  const lines = [
    `## @effect-clerk/backend figures`,
    ``,
    `Groups (${groups.length}): ${groups.map((group) => group.name).join(", ")}`,
    `node ${process.version}, TypeScript ${tscVersion.replace(/^Version /, "")}, esbuild ${esbuild.version}; ` +
      `tsc: median of ${TSC_RUNS} runs, import: median of ${IMPORT_RUNS} processes (after ${IMPORT_WARMUP} warm-ups)`,
    ``,
    `| Figure | SDK | Baseline | Ratio |`,
    `| --- | ---: | ---: | ---: |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
    ``,
    `Baselines: tsc B imports only effect + @effect/platform (Effect, Layer, Schema, Context, HttpClient); ` +
      `bundle (b) is the same POST written by hand with HttpClient + Schema; ` +
      `import baseline is effect/{Effect,Schema,Layer,Context} + @effect/platform/{HttpClient,HttpClientRequest}.`,
    `Bundle (c) vs (a): ${ratio(bundle.barrel.minified, bundle.one.minified)} minified, ` +
      `${ratio(bundle.barrel.gzip, bundle.one.gzip)} gzip; ` +
      (bundle.leaked.length === 0
        ? `no other group's service tag is left in (c).`
        : `service tags of other groups left in (c): ${bundle.leaked.join(", ")}.`),
    `Bundles (d), (e) and the platform-node cold imports are measured against the floor: the same POST written by hand ` +
      `over @effect/platform-node's undici client (bundles: platform node; unbundled: effect, @effect/platform, NodeHttpClient ` +
      `modules from node_modules). ` +
      (node.leaked.length === 0
        ? `No other group's service tag is left in (d).`
        : `Service tags of other groups left in (d): ${node.leaked.join(", ")}.`),
    `Bundles (f), (g), (h) are built as a Worker is (esbuild, ESM, workerd/worker/browser conditions, Node built-ins ` +
      `left external): ${nodeImports.length === 0 ? "none imports a node: module" : `node: imports: ${[...new Set(nodeImports)].join(", ")}`}; ` +
      `bench/test/edge.test.ts bounds (f) at ${WORKER_RATIO_LIMIT}× and (h) at ${BARREL_RATIO_LIMIT}× (gzip).`,
    `Time: ${((performance.now() - started) / 1000).toFixed(1)} s`
  ]
  process.stdout.write(lines.join("\n") + "\n")
}

main().catch((error: unknown) => {
  process.stderr.write(`[figures] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
