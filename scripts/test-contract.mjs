// `pnpm test:contract`: what needs Clerk's spec, which this repo never copies. It regenerates the
// code and fails on any difference (generated code is never edited by hand), then runs the
// `*.shared.test.ts` files (Prism against the spec, ...). `.ci/run` runs it after `pnpm test`.
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const spec = resolve(process.env.CLERK_OPENAPI_SPEC ?? join(root, "../shared/clerk-openapi/bapi-2026-05-12.yml"))
if (!existsSync(spec)) {
  console.error(
    `test:contract needs Clerk's Backend API spec: not found at ${spec}. Set CLERK_OPENAPI_SPEC to bapi-2026-05-12.yml from https://github.com/clerk/openapi-specs (or place it in ../shared/clerk-openapi/).`
  )
  process.exit(1)
}
const run = (cmd, args, env = {}) =>
  execFileSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, CLERK_OPENAPI_SPEC: spec, ...env } })

// the pnpm that runs this script (npx pnpm@<pinned> puts it in npm_execpath), else the one on PATH
const pnpm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ["pnpm", []]
run(pnpm[0], [...pnpm[1], "codegen"])
const generated = [
  "packages/backend/src/generated",
  "packages/backend/test/generated",
  "packages/auth/src/generated",
  "docs"
]
const changed = execFileSync("git", ["status", "--porcelain", "--", ...generated], { cwd: root, encoding: "utf8" })
if (changed.trim() !== "") {
  console.error(changed)
  console.error("generated code differs from what the generator writes: run `pnpm codegen` and commit the result")
  process.exit(1)
}
console.log("generated code matches the generator")
run("vitest", ["run"], { EFFECT_CLERK_CONTRACT: "1" })
