// `pnpm run docs` (a bare `pnpm docs` is a pnpm command): the API reference of every public package, with @effect/docgen (the Effect packages'
// tool). It fails when an export has no `@since`, or when a JSDoc `@example` does not type-check, so
// CI (.ci/run) runs it. The output is not published: packages/<name>/build/docs (gitignored).
//
// docgen reads `name` and `homepage` from the package.json of the directory it runs in; our
// package.json files have no homepage (there is no site), so each package is documented from a
// staging directory, packages/<name>/build/docgen, holding that package.json and the docgen.json.
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
  const stage = join(dir, "build", "docgen")
  rmSync(stage, { recursive: true, force: true })
  rmSync(join(dir, "build", "docs"), { recursive: true, force: true })
  mkdirSync(stage, { recursive: true })
  // The name is the reference's title. It is not the package's own: docgen rewrites `from "<name>"`
  // in @example blocks to `../../src`, which is wrong for this staging layout (and a directory
  // import); left as written, an example's `import ... from "@effect-clerk/auth"` resolves through
  // the package's self-reference (its `exports`, to src/), as a user's import would.
  writeFileSync(
    join(stage, "package.json"),
    JSON.stringify({
      name: `${manifest.name} API reference`,
      homepage: `https://www.npmjs.com/package/${manifest.name}`
    })
  )
  // src/ is linked into the stage: with srcDir "../../src", docgen names each example file
  // "..-..-src-<Module>...", a dot file that tsc's include skips, so no example was type-checked.
  symlinkSync(join(dir, "src"), join(stage, "src"), "dir")
  writeFileSync(
    join(stage, "docgen.json"),
    JSON.stringify({
      srcDir: "src",
      outDir: "../docs",
      // internal/ is not public (the exports map it to null); see docs/api-stability.md
      exclude: [
        "src/internal/**/*.ts",
        ...(excluded.get(manifest.name) ?? []).map((p) => p.replace("../../src/", "src/"))
      ],
      enforceVersion: true,
      parseCompilerOptions: "../../../../tsconfig.base.json",
      // The examples are type-checked as a user's strict project (not with the composite build
      // settings of tsconfig.base.json).
      examplesCompilerOptions: {
        target: "ES2022",
        // docgen's examples/index.ts imports each example without an extension
        module: "ESNext",
        moduleResolution: "Bundler",
        lib: ["ES2022"],
        types: ["node"],
        strict: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: true,
        noEmit: true
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
    console.log(`docs: ${manifest.name} -> ${join(dir, "build", "docs")}`)
  } catch (error) {
    process.stdout.write(error.stdout ?? "")
    failed.push(manifest.name)
  }
}
if (failed.length > 0) {
  console.error(`docs: docgen failed for ${failed.join(", ")}`)
  process.exit(1)
}
