/**
 * Bundle figures at the edge: Cloudflare Worker programs bundled as a Worker is (esbuild, ESM,
 * `workerd` / `worker` / `browser` export conditions, no Node built-ins), minified and gzipped,
 * each next to a floor bundled in the same run. Used by `bench/figures.ts` (the printed table) and
 * `bench/test/edge.test.ts` (the bounds that must hold).
 *
 * - the Worker: one group (`ActorTokens.create`) plus `@effect-clerk/auth` (a session token verified
 *   with the PEM key), configured from the Worker's `env`; against the same Worker written by hand
 *   with effect, `@effect/platform`'s fetch client, Schema and jose (the floor), and against a
 *   plain-JavaScript Worker with `fetch` and jose only (no effect at all, printed for scale);
 * - session verification alone, imported from the `@effect-clerk/auth` barrel against its subpaths.
 *
 * Every package resolves from bench/node_modules: the workspace packages through their `exports`
 * (TypeScript sources), effect, @effect/platform and jose as installed.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import * as esbuild from "esbuild"
import { nodeImports, workerBundleOptions } from "../scripts/lib/worker-bundle.mjs"

/** Under bench/, so that the programs resolve bench/node_modules. */
const BENCH = dirname(fileURLToPath(import.meta.url))

/**
 * The actor token and the body of its create, as a hand-written program declares them (the floors
 * of the bundle figures here and in figures.ts).
 */
export const actorTokenSchemas = `const ActorToken = Schema.Struct({
  object: Schema.String,
  id: Schema.String,
  status: Schema.String,
  user_id: Schema.String,
  actor: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  token: Schema.optional(Schema.String),
  url: Schema.optional(Schema.String),
  created_at: Schema.Number,
  updated_at: Schema.Number
})

const CreateBody = Schema.Struct({
  user_id: Schema.String,
  actor: Schema.Struct({ sub: Schema.String }, Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  expires_in_seconds: Schema.optional(Schema.Int),
  session_max_duration_in_seconds: Schema.optional(Schema.Int)
})`

/** The Worker's request: a session token in, an actor token for its user out. */
const workerSdk = `import { Keys, SessionToken } from "@effect-clerk/auth"
import { ActorTokens, ClerkClient } from "@effect-clerk/backend"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const program = (request: Request) =>
  Effect.gen(function* () {
    const token = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? ""
    const claims = yield* SessionToken.verify(token)
    const actor = yield* ActorTokens.create({ user_id: claims.sub, actor: { sub: "user_admin" }, expires_in_seconds: 600 })
    return Response.json({ url: actor.url })
  })

export default {
  fetch: (request: Request, env: Record<string, string>) => {
    const layer = Layer.mergeAll(
      ActorTokens.layer.pipe(Layer.provide(ClerkClient.layerConfig()), Layer.provide(FetchHttpClient.layer)),
      Keys.layerPemConfig()
    ).pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromJson(env))))
    return Effect.runPromise(
      program(request).pipe(
        Effect.provide(layer),
        Effect.catchAll(() => Effect.succeed(new Response(null, { status: 401 })))
      )
    )
  }
}
`

/** The same Worker by hand: effect, @effect/platform's fetch client, Schema, jose. */
const workerFloor = `import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Jose from "jose"

${actorTokenSchemas}

const verify = (token: string, pem: string) =>
  Effect.tryPromise(async () => {
    const key = await Jose.importSPKI(pem, "RS256")
    const { payload } = await Jose.jwtVerify(token, key, { algorithms: ["RS256"], clockTolerance: 5 })
    if (typeof payload.sub !== "string") throw new Error("no sub")
    return payload.sub
  })

const program = (request: Request) =>
  Effect.gen(function* () {
    const secret = yield* Config.redacted("CLERK_SECRET_KEY")
    const pem = yield* Config.string("CLERK_JWT_KEY")
    const token = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? ""
    const sub = yield* verify(token, pem)
    const client = (yield* HttpClient.HttpClient).pipe(HttpClient.filterStatusOk)
    const post = yield* HttpClientRequest.post("https://api.clerk.com/v1/actor_tokens").pipe(
      HttpClientRequest.bearerToken(Redacted.value(secret)),
      HttpClientRequest.setHeaders({ "Clerk-API-Version": "2026-05-12", "User-Agent": "bench" }),
      HttpClientRequest.acceptJson,
      HttpClientRequest.schemaBodyJson(CreateBody)({ user_id: sub, actor: { sub: "user_admin" }, expires_in_seconds: 600 })
    )
    const actor = yield* Effect.flatMap(client.execute(post), HttpClientResponse.schemaBodyJson(ActorToken))
    return Response.json({ url: actor.url })
  })

export default {
  fetch: (request: Request, env: Record<string, string>) =>
    Effect.runPromise(
      program(request).pipe(
        Effect.provide(FetchHttpClient.layer),
        Effect.withConfigProvider(ConfigProvider.fromJson(env)),
        Effect.catchAll(() => Effect.succeed(new Response(null, { status: 401 })))
      )
    )
}
`

/** The same Worker in plain JavaScript: fetch and jose, no effect. */
const workerPlain = `import * as Jose from "jose"

export default {
  async fetch(request: Request, env: Record<string, string>) {
    try {
      const token = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? ""
      const key = await Jose.importSPKI(env.CLERK_JWT_KEY!, "RS256")
      const { payload } = await Jose.jwtVerify(token, key, { algorithms: ["RS256"], clockTolerance: 5 })
      if (typeof payload.sub !== "string") return new Response(null, { status: 401 })
      const response = await fetch("https://api.clerk.com/v1/actor_tokens", {
        method: "POST",
        headers: {
          authorization: \`Bearer \${env.CLERK_SECRET_KEY}\`,
          "clerk-api-version": "2026-05-12",
          "content-type": "application/json",
          accept: "application/json"
        },
        body: JSON.stringify({ user_id: payload.sub, actor: { sub: "user_admin" }, expires_in_seconds: 600 })
      })
      if (!response.ok) return new Response(null, { status: 502 })
      const actor = (await response.json()) as { url?: string }
      return Response.json({ url: actor.url })
    } catch {
      return new Response(null, { status: 401 })
    }
  }
}
`

const verifyProgram = (imports: string) => `${imports}
import * as Effect from "effect/Effect"

export const verify = (pem: string, token: string) =>
  Effect.runPromise(SessionToken.verify(token).pipe(Effect.provide(Keys.layerPem(pem))))
`

/** Session verification, networkless, with the auth barrel. */
const verifyBarrel = verifyProgram(`import { Keys, SessionToken } from "@effect-clerk/auth"`)

/** The same with the auth subpaths. */
const verifySubpaths = verifyProgram(`import * as Keys from "@effect-clerk/auth/Keys"
import * as SessionToken from "@effect-clerk/auth/SessionToken"`)

/**
 * A bundle's size, and the Node built-ins it imports (each left external, so a `node:` import shows
 * up here instead of failing the build).
 */
export interface EdgeBundle {
  readonly minified: number
  readonly gzip: number
  readonly nodeImports: ReadonlyArray<string>
}

/** Bundles one entry as a Worker is bundled. */
export const bundleForWorker = async (entry: string): Promise<EdgeBundle> => {
  const result = await esbuild.build({
    ...workerBundleOptions,
    entryPoints: [entry],
    minify: true,
    treeShaking: true,
    write: false
  })
  const output = result.outputFiles[0]
  if (output === undefined) throw new Error(`esbuild wrote nothing for ${entry}`)
  return {
    minified: output.contents.byteLength,
    gzip: gzipSync(output.contents, { level: 9 }).byteLength,
    nodeImports: nodeImports(result.metafile)
  }
}

export interface EdgeFigures {
  /** One group plus auth in a Worker. */
  readonly worker: EdgeBundle
  /** The same by hand with effect, @effect/platform and jose. */
  readonly floor: EdgeBundle
  /** The same in plain JavaScript with fetch and jose. */
  readonly plain: EdgeBundle
  /** Session verification imported from the auth barrel. */
  readonly barrel: EdgeBundle
  /** The same from the auth subpaths. */
  readonly subpaths: EdgeBundle
}

/** Writes the programs under `bench/<dir>` (a scratch directory) and bundles them concurrently. */
export const edgeFigures = async (dir: string): Promise<EdgeFigures> => {
  const root = join(BENCH, dir)
  mkdirSync(root, { recursive: true })
  const sources = { workerSdk, workerFloor, workerPlain, verifyBarrel, verifySubpaths }
  const entries = {} as Record<keyof typeof sources, string>
  for (const [name, source] of Object.entries(sources) as Array<[keyof typeof sources, string]>) {
    entries[name] = join(root, `${name}.ts`)
    writeFileSync(entries[name], source)
  }
  const [worker, floor, plain, barrel, subpaths] = await Promise.all([
    bundleForWorker(entries.workerSdk),
    bundleForWorker(entries.workerFloor),
    bundleForWorker(entries.workerPlain),
    bundleForWorker(entries.verifyBarrel),
    bundleForWorker(entries.verifySubpaths)
  ])
  return { worker, floor, plain, barrel, subpaths }
}

/** The bound on the Worker against its effect floor (issue O). */
export const WORKER_RATIO_LIMIT = 1.3

/** What the auth barrel may cost beyond its subpaths: a namespace object per module and its exports. */
export const BARREL_RATIO_LIMIT = 1.05
