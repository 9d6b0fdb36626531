// Type-checks every ```ts block of the README, each as its own module, against the workspace
// packages: the README's examples stay true when the code changes. Part of `pnpm check`.
import { execFileSync } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const blocks = [...readFileSync(join(root, "README.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
if (blocks.length === 0) throw new Error("README.md has no ts blocks")
// Inside examples/ so that the workspace packages resolve as a user's project would.
const dir = join(root, "examples/.readme")
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
blocks.forEach((block, i) => writeFileSync(join(dir, `block${i + 1}.ts`), `export {}\n${block}`))
writeFileSync(
  join(dir, "tsconfig.json"),
  JSON.stringify({
    extends: "../../tsconfig.base.json",
    include: ["*.ts"],
    compilerOptions: {
      composite: false,
      incremental: false,
      noEmit: true,
      emitDeclarationOnly: false,
      declaration: false,
      declarationMap: false,
      noUnusedLocals: false
    }
  })
)
try {
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", dir], { stdio: "inherit" })
  console.log(`README: ${blocks.length} TypeScript blocks type-check`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
