// Writes the generated parts of docs/api-stability.md from the packages' real exports, so that the page
// cannot drift from the code: `node scripts/api-stability.mjs` rewrites them, `--check` (part of
// `pnpm check`) fails on any difference. The prose around them is hand-written; only what sits between
// an `<!-- api:start <package> -->` and its `<!-- api:end <package> -->` marker is generated.
//
// What is public comes from each package.json's `exports` (every import path a user can reach, a `*`
// expanded to the files it matches, the paths mapped to null left out), read with the TypeScript
// compiler API. Stability: an export's `@internal`, `@experimental` or `@deprecated` JSDoc tag, else
// the module's rule below, else its package's.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const require = createRequire(join(root, "package.json"))
const ts = require("typescript")
const prettier = require("prettier")
const docPath = join(root, "docs/api-stability.md")
const check = process.argv.includes("--check")

/**
 * Each published package's default stability, and the modules that differ from it (matched against
 * the path after the package name), each with the reason the page prints.
 */
const rules = {
  "@effect-clerk/backend": {
    stability: "stable",
    modules: [
      {
        match: /^ClerkRateLimit$/,
        stability: "experimental",
        why: "new in 0.2: its `Store` interface may change while the fleet benchmark of issue 17 is built on it"
      }
    ]
  },
  "@effect-clerk/platform-node": { stability: "stable", modules: [] },
  "@effect-clerk/auth": {
    stability: "stable",
    modules: [{ match: /^generated\//, stability: "internal", why: "generated; use `WebhookEvents` from the entry" }]
  },
  "@effect-clerk/redis": {
    stability: "experimental",
    why: "built on @effect/experimental's Redis stores, whose API may change in their minor releases",
    modules: []
  },
  "@effect-clerk/emulator": {
    stability: "experimental",
    why: "a test tool; the names of its exports are being settled before 0.1.0",
    modules: [{ match: /^resources\//, stability: "internal", why: "use `Resources` from the entry" }]
  }
}

/** Every import path of a package and the source file it reaches, from its workspace `exports`. */
const entryPoints = (dir, manifest) => {
  const blocked = Object.entries(manifest.exports)
    .filter(([, target]) => target === null)
    .map(([key]) => new RegExp(`^${key.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace("*", ".*")}$`))
  const entries = new Map()
  for (const [key, target] of Object.entries(manifest.exports)) {
    if (typeof target !== "string") continue
    if (!key.includes("*")) {
      entries.set(key, join(dir, target))
      continue
    }
    const [before, after] = target.split("*")
    const base = join(dir, before)
    const walk = (folder) =>
      readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(join(folder, entry.name)) : [join(folder, entry.name)]
      )
    for (const file of walk(base)) {
      if (!file.endsWith(after)) continue
      const stem = relative(base, file).slice(0, -after.length).split("\\").join("/")
      const path = key.replace("*", stem)
      if (!entries.has(path)) entries.set(path, file)
    }
  }
  // a path that reaches a module another path already names (`./index` beside `.`) is the same module
  const seen = new Set()
  return [...entries]
    .filter(([path]) => !blocked.some((pattern) => pattern.test(path)))
    .filter(([, file]) => !seen.has(file) && seen.add(file))
    .map(([path, file]) => ({ path: path === "." ? "" : path.slice(2), file }))
    .sort((a, b) => (a.path === "" ? -1 : b.path === "" ? 1 : a.path.localeCompare(b.path)))
}

const packages = readdirSync(join(root, "packages"))
  .map((name) => join(root, "packages", name))
  .filter((dir) => existsSync(join(dir, "package.json")))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
  .filter(({ manifest }) => manifest.private !== true)
  .sort((a, b) => Object.keys(rules).indexOf(a.manifest.name) - Object.keys(rules).indexOf(b.manifest.name))
for (const { manifest } of packages) {
  if (!rules[manifest.name])
    throw new Error(
      `${manifest.name} is published but has no rule in ${relative(root, fileURLToPath(import.meta.url))}`
    )
}
const modules = packages.flatMap(({ dir, manifest }) =>
  entryPoints(dir, manifest).map((entry) => ({ ...entry, pkg: manifest.name }))
)

const base = ts.readConfigFile(join(root, "tsconfig.base.json"), ts.sys.readFile).config
const { options } = ts.parseJsonConfigFileContent(
  { compilerOptions: { ...base.compilerOptions, composite: false, incremental: false, noEmit: true } },
  ts.sys,
  root
)
const program = ts.createProgram(
  modules.map((m) => m.file),
  options
)
const checker = program.getTypeChecker()

const KINDS = [
  [ts.SymbolFlags.Class, "class"],
  [ts.SymbolFlags.Interface, "interface"],
  [ts.SymbolFlags.TypeAlias, "type"],
  [ts.SymbolFlags.Function, "function"],
  [ts.SymbolFlags.Variable, "const"],
  [ts.SymbolFlags.Enum, "enum"],
  [ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule, "namespace"]
]

const tagsOf = (symbol) => {
  const tags = new Map()
  for (const declaration of symbol.declarations ?? []) {
    // `export * as X from "./X.js"`: the JSDoc is on the export declaration around `* as X`
    const documented = ts.isNamespaceExport(declaration) ? declaration.parent : declaration
    for (const tag of ts.getJSDocTags(documented)) {
      const name = tag.tagName.text
      if (!tags.has(name)) tags.set(name, ts.getTextOfJSDocComment(tag.comment)?.trim() ?? "")
    }
  }
  return tags
}

const describe = (exported) => {
  const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
  const isModule = (target.declarations ?? []).some((d) => ts.isSourceFile(d))
  const kind = isModule
    ? "namespace"
    : KINDS.filter(([flag]) => target.flags & flag)
        .map(([, name]) => name)
        .join(", ")
  // the re-exporting declaration's tags first (the barrel's `@since`), then the target's
  const tags = new Map([...tagsOf(target), ...tagsOf(exported)])
  return { name: exported.name, kind: kind || "value", tags }
}

const stabilityOf = (module, tags) => {
  for (const tag of ["internal", "deprecated", "experimental"]) if (tags.has(tag)) return tag
  return module.stability
}

for (const module of modules) {
  const rule = rules[module.pkg]
  const special = rule.modules.find((m) => m.match.test(module.path))
  module.stability = special?.stability ?? rule.stability
  module.why = special?.why
  module.generated = /[\\/]generated[\\/]/.test(module.file)
  const source = program.getSourceFile(module.file)
  const symbol = source && checker.getSymbolAtLocation(source)
  if (!symbol) throw new Error(`cannot read the exports of ${relative(root, module.file)}`)
  module.exports = checker
    .getExportsOfModule(symbol)
    .map(describe)
    .sort((a, b) => a.name.localeCompare(b.name))
}

const importPath = (module) => `\`${module.pkg}${module.path ? `/${module.path}` : ""}\``
const code = (name) => `\`${name}\``

/** The generated section of one package. */
const section = (pkg) => {
  const own = modules.filter((m) => m.pkg === pkg)
  const listed = own.filter((m) => !m.generated && m.stability !== "internal")
  const generated = own.filter((m) => m.generated && m.stability !== "internal")
  const internal = own.filter((m) => m.stability === "internal")
  const lines = []
  lines.push(
    "| import path | export | kind | since | stability |",
    "| --- | --- | --- | --- | --- |",
    ...listed.flatMap((module) =>
      module.exports.map((e, i) => {
        const stability = stabilityOf(module, e.tags)
        const note = e.tags.has("deprecated") && e.tags.get("deprecated") ? `: ${e.tags.get("deprecated")}` : ""
        return `| ${i === 0 ? importPath(module) : ""} | ${code(e.name)} | ${e.kind} | ${e.tags.get("since") ?? ""} | ${stability}${note.replace(/\|/g, "\\|").replace(/\n/g, " ")} |`
      })
    )
  )
  const groups = generated.filter((m) => !m.path.includes("/"))
  if (groups.length > 0) {
    lines.push(
      "",
      `Generated modules (${groups.length}), ${groups[0].stability}, every export as the naming rule makes it:`,
      "",
      "| import path | exports | of which deprecated |",
      "| --- | --- | --- |",
      ...groups.map((module) => {
        const deprecated = module.exports.filter((e) => e.tags.has("deprecated")).map((e) => code(e.name))
        return `| ${importPath(module)} | ${module.exports.length} | ${deprecated.join(", ")} |`
      })
    )
  }
  const nested = new Map()
  for (const module of generated.filter((m) => m.path.includes("/"))) {
    const folder = module.path.slice(0, module.path.lastIndexOf("/"))
    if (!nested.has(folder)) nested.set(folder, [])
    nested.get(folder).push(module)
  }
  for (const [folder, list] of nested) {
    const exports = list.reduce((n, m) => n + m.exports.length, 0)
    lines.push(
      "",
      `\`${pkg}/${folder}/<name>\`, generated, ${list[0].stability} (${list.length} modules, ${exports} exports): ` +
        list.map((m) => code(m.path.slice(folder.length + 1))).join(", ") +
        "."
    )
  }
  if (internal.length > 0) {
    lines.push(
      "",
      "Reachable by path but internal (not public, may change in any release): " +
        internal.map((m) => `${importPath(m)}${m.why ? ` (${m.why})` : ""}`).join(", ") +
        "."
    )
  }
  const rule = rules[pkg]
  if (rule.why) lines.unshift(`Every export here is ${rule.stability}: ${rule.why}.`, "")
  return lines.join("\n")
}

const current = readFileSync(docPath, "utf8")
let next = current
for (const { manifest } of packages) {
  const start = `<!-- api:start ${manifest.name} -->`
  const end = `<!-- api:end ${manifest.name} -->`
  const from = next.indexOf(start)
  const to = next.indexOf(end)
  if (from < 0 || to < from) throw new Error(`docs/api-stability.md has no "${start}" ... "${end}" markers`)
  next = `${next.slice(0, from + start.length)}\n\n${section(manifest.name)}\n\n${next.slice(to)}`
}
const config = (await prettier.resolveConfig(docPath)) ?? {}
next = await prettier.format(next, { ...config, parser: "markdown" })

const counts = `${modules.length} modules, ${modules.reduce((n, m) => n + m.exports.length, 0)} exports`
if (check) {
  if (next !== current) {
    console.error(
      `docs/api-stability.md does not match the packages' exports (${counts}): run \`pnpm api-stability\` and commit the result`
    )
    process.exit(1)
  }
  console.log(`docs/api-stability.md matches the packages' exports (${counts})`)
} else {
  writeFileSync(docPath, next)
  console.log(`docs/api-stability.md written (${counts})`)
}
