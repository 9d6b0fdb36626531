// `pnpm run docs` (a bare `pnpm docs` is a pnpm command): the API reference of every public package, with @effect/docgen (the Effect packages'
// tool). It fails when an export has no `@since`, or when a JSDoc `@example` does not type-check, so
// CI (.ci/run) runs it. The output is not published: packages/<name>/build/docs/reference (gitignored).
//
// docgen reads `name` and `homepage` from the package.json of the directory it runs in; our
// package.json files have no homepage (there is no site), so each package is documented from a
// staging directory, packages/<name>/build/docs, holding that package.json, the docgen.json and a
// link `src` to the package's sources. The reference goes to packages/<name>/build/docs/reference.
//
// Why the link: docgen names each example file after its module's path and rewrites the example's
// imports of the package to `../../src/...`, relative to <outDir>/examples. Read through `src` in
// the staging directory, the paths do not start with `..` (a file named `..-..-src-...` is hidden,
// and tsc's default `include` skips it: the examples were not type-checked at all), and
// `reference/examples/../../src` is the link. The examples are type-checked with `Bundler`
// resolution (the rewritten imports carry no extension) and then run with tsx.
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const docgen = createRequire(join(root, "package.json")).resolve("@effect/docgen/bin.cjs")
const only = process.argv.slice(2)

/**
 * Modules left out of a package's reference for now, each with the reason. Keep this empty.
 * (docgen's --no-run-examples flag does not turn the examples off in 0.5.2.)
 */
const excluded = new Map([])

const packages = readdirSync(join(root, "packages"))
  .map((dir) => join(root, "packages", dir))
  .filter((dir) => existsSync(join(dir, "package.json")))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
  .filter(({ manifest }) => manifest.private !== true)
  .filter(({ manifest }) => only.length === 0 || only.includes(manifest.name))

let failed = []
for (const { dir, manifest } of packages) {
  const stage = join(dir, "build", "docs")
  rmSync(join(dir, "build", "docgen"), { recursive: true, force: true }) // the former staging directory
  rmSync(stage, { recursive: true, force: true })
  mkdirSync(stage, { recursive: true })
  symlinkSync(join("..", "..", "src"), join(stage, "src"), "dir")
  writeFileSync(
    join(stage, "package.json"),
    JSON.stringify({
      name: manifest.name,
      homepage: `https://www.npmjs.com/package/${manifest.name}`,
      type: "module"
    })
  )
  const base = JSON.parse(readFileSync(join(root, "tsconfig.base.json"), "utf8")).compilerOptions
  writeFileSync(
    join(stage, "docgen.json"),
    JSON.stringify({
      srcDir: "src",
      outDir: "reference",
      // internal/ is not public (the exports map it to null); see docs/api-stability.md
      exclude: ["src/internal/**/*.ts", ...(excluded.get(manifest.name) ?? [])],
      enforceVersion: true,
      parseCompilerOptions: "../../../../tsconfig.base.json",
      examplesCompilerOptions: {
        ...base,
        module: "ESNext",
        moduleResolution: "Bundler",
        composite: false,
        incremental: false,
        declaration: false,
        declarationMap: false,
        emitDeclarationOnly: false
      }
    })
  )
  const left = excluded.get(manifest.name) ?? []
  console.log(`docs: ${manifest.name}${left.length > 0 ? ` (leaving out ${left.join(", ")} for now)` : ""}`)
  try {
    execFileSync(process.execPath, [docgen], {
      cwd: stage,
      env: {
        ...process.env,
        PATH: `${join(root, "node_modules", ".bin")}${process.platform === "win32" ? ";" : ":"}${process.env.PATH}`
      },
      stdio: ["ignore", "pipe", "inherit"],
      encoding: "utf8"
    })
    console.log(`docs: ${manifest.name} -> ${join(stage, "reference")}`)
  } catch (error) {
    process.stdout.write(error.stdout ?? "")
    failed.push(manifest.name)
  }
}
if (failed.length > 0) {
  console.error(`docs: docgen failed for ${failed.join(", ")}`)
  process.exit(1)
}
