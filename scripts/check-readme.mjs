// Type-checks every ```ts block of every doc (README.md, each package's README.md, docs/**/*.md,
// CONTRIBUTING.md), each block as its own module, against the workspace packages as a user's project
// would import them: the docs' examples stay true when the code changes. Part of `pnpm check`.
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

/**
 * Docs left out, each with the reason. Keep this empty: a doc whose snippet does not compile is a bug.
 */
const skipped = new Map([])

const packageDirs = readdirSync(join(root, "packages"))
  .map((dir) => join(root, "packages", dir))
  .filter((dir) => existsSync(join(dir, "package.json")))
/** Every Markdown file under `dir`, sorted, so that block numbers are stable. */
const markdownUnder = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((entry) =>
          entry.isDirectory()
            ? markdownUnder(join(dir, entry.name))
            : entry.name.endsWith(".md")
              ? [join(dir, entry.name)]
              : []
        )
    : []
const docs = [
  join(root, "README.md"),
  ...packageDirs.map((dir) => join(dir, "README.md")),
  ...markdownUnder(join(root, "docs")),
  join(root, "CONTRIBUTING.md")
]
  .filter((file) => existsSync(file))
  .filter((file) => !skipped.has(relative(root, file)))

// Inside examples/, so that effect and @effect/platform resolve as in a user's project; every
// workspace package is linked under node_modules/, so a new package's docs are checked too.
const dir = join(root, "examples/.readme")
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
for (const pkg of packageDirs) {
  const { name } = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"))
  const link = join(dir, "node_modules", name)
  mkdirSync(dirname(link), { recursive: true })
  symlinkSync(pkg, link, "dir")
}

const files = []
for (const doc of docs) {
  const blocks = [...readFileSync(doc, "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
  const stem = relative(root, doc).replace(/[\\/]/g, "_").replace(/\.md$/, "")
  blocks.forEach((block, i) => {
    const file = `${stem}.block${i + 1}.ts`
    writeFileSync(join(dir, file), `export {}\n${block}`)
    files.push(file)
  })
}
if (files.length === 0) throw new Error("no ts block in any doc")
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
let failed = false
try {
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", dir], { stdio: "inherit" })
} catch {
  failed = true
} finally {
  rmSync(dir, { recursive: true, force: true })
}
const skippedNote = [...skipped].map(([file, why]) => `; skipped ${file} (${why})`).join("")
if (failed) {
  console.error(`docs: the TypeScript blocks above do not type-check (file names are the doc's path + block number)`)
  process.exit(1)
}
console.log(`docs: ${files.length} TypeScript blocks in ${docs.length} files type-check${skippedNote}`)
