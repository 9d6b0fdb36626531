// Builds the published package in the current directory: `dist/` holds ESM JavaScript, `.d.ts`
// files, and source and declaration maps pointing into `src/` (which the tarball ships too).
// Run by each published package's `build` and `prepack` scripts (see CONTRIBUTING.md).
//
// It starts from an empty `dist/` (a module removed from `src/` must not linger in a tarball) and
// runs `tsc -b tsconfig.build.json`, which builds the workspace packages this one references first.
// The build info lives inside `dist/` and is left out of the tarball by the `files` list, so
// deleting `dist/` is always enough to force a rebuild.
import { execFileSync } from "node:child_process"
import { existsSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"

const cwd = process.cwd()
const config = join(cwd, "tsconfig.build.json")
if (!existsSync(config)) {
  console.error(`build-package: no tsconfig.build.json in ${cwd}`)
  process.exit(1)
}
rmSync(join(cwd, "dist"), { recursive: true, force: true })
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
try {
  execFileSync(process.execPath, [tsc, "-b", config], { stdio: "inherit" })
} catch {
  console.error(`build-package: tsc -b failed in ${cwd}`)
  process.exit(1)
}
