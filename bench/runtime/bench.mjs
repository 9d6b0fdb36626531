// `pnpm bench`: the runtime benchmark over what users install, the built `dist/` of each package.
//
// 1. builds @effect-clerk/backend and @effect-clerk/platform-node (scripts/build-package.mjs, the
//    same build as `prepack`), unless `--no-build` is given (the dist/ of a build already made);
// 2. compiles the benchmark itself (bench/runtime/*.ts) to bench/.tmp/runtime with esbuild, one
//    file per file, nothing bundled;
// 3. runs it with plain `node` (no tsx), with a resolve hook (dist-resolve.mjs) that sends every
//    `@effect-clerk/*` import to the package's `dist/` through its `publishConfig.exports`, as the
//    published package.json does; the workspace's own `exports` point at `src/*.ts`.
//
// Every other argument goes to main.ts (`--rounds`, `--ms`, `--scenario`, `--adapters`, `--profile`).
//
// `--scenario fleet` is a program of its own, bench/fleet/main.ts (replicas in OS processes sharing
// one rate limit, a real Redis; it bundles its own processes from the sources): it gets the other
// arguments (`--seconds`, `--workers`, `--workload`, `--rate`, `--lanes`, `--limit`, `--budget`, `--setups`), and nothing is built here.
import { execFileSync, spawn } from "node:child_process"
import { readdirSync, rmSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { build } from "esbuild"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "..", "..")
const out = join(root, "bench", ".tmp", "runtime")
const args = process.argv.slice(2)
const noBuild = args.includes("--no-build")
const forwarded = args.filter((arg) => arg !== "--no-build")

const scenario = forwarded.indexOf("--scenario")
if (scenario >= 0 && forwarded[scenario + 1] === "fleet") {
  const rest = forwarded.filter((_, i) => i !== scenario && i !== scenario + 1)
  const fleet = join(root, "bench", "fleet", "main.ts")
  const code = await new Promise((resolve) =>
    spawn(process.execPath, ["--import", "tsx", fleet, ...rest], { stdio: "inherit" }).on("exit", (code, signal) =>
      resolve(code ?? (signal ? 1 : 0))
    )
  )
  process.exit(code)
}

if (!noBuild) {
  for (const name of ["backend", "platform-node"]) {
    console.error(`bench: building packages/${name}/dist`)
    execFileSync(process.execPath, [join(root, "scripts", "build-package.mjs")], {
      cwd: join(root, "packages", name),
      stdio: "inherit"
    })
  }
}

rmSync(out, { recursive: true, force: true })
await build({
  entryPoints: readdirSync(here)
    .filter((file) => file.endsWith(".ts"))
    .map((file) => join(here, file)),
  outdir: out,
  format: "esm",
  platform: "node",
  target: "node20",
  bundle: false,
  logLevel: "warning"
})

const hooks = pathToFileURL(join(here, "dist-resolve.mjs")).href
const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(hooks)})`
const child = spawn(process.execPath, ["--import", register, join(out, "main.js"), ...forwarded], {
  stdio: "inherit"
})
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
