// Resolve hook of `pnpm bench` (see bench.mjs): `@effect-clerk/<package>` and its subpaths go to
// the package's built `dist/`, through the `publishConfig.exports` of its package.json (the exports
// a published tarball has). A subpath the published exports do not have, or block, fails as it
// would for a user.
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const packages = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "packages")
const manifests = new Map()

const exportsOf = (name) => {
  if (!manifests.has(name)) {
    const manifest = JSON.parse(readFileSync(join(packages, name, "package.json"), "utf8"))
    manifests.set(name, manifest.publishConfig?.exports)
  }
  return manifests.get(name)
}

/** The file a subpath (`.`, `./ClerkClient`, `./Users`) maps to, or undefined. */
const target = (exports, subpath) => {
  const pick = (entry, star) => {
    if (entry === null || entry === undefined) return undefined
    const file = typeof entry === "string" ? entry : entry.default
    return typeof file === "string" ? file.replace("*", star ?? "") : undefined
  }
  if (subpath in exports) return pick(exports[subpath])
  // as Node does: of the patterns that match, the one with the longest prefix (`./internal/*` over `./*`)
  let best
  for (const [key, entry] of Object.entries(exports)) {
    if (!key.includes("*")) continue
    const [prefix, suffix] = key.split("*")
    const fits =
      subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= prefix.length + suffix.length
    if (fits && (best === undefined || prefix.length > best.prefix.length)) best = { prefix, suffix, entry }
  }
  return best && pick(best.entry, subpath.slice(best.prefix.length, subpath.length - best.suffix.length))
}

export const resolve = async (specifier, context, next) => {
  const match = /^@effect-clerk\/([^/]+)(?:\/(.+))?$/.exec(specifier)
  if (match) {
    const [, name, sub] = match
    const exports = exportsOf(name)
    const file = exports && target(exports, sub ? `./${sub}` : ".")
    if (file === undefined) throw new Error(`bench: ${specifier} is not in ${name}'s publishConfig.exports`)
    return { url: pathToFileURL(join(packages, name, file)).href, shortCircuit: true }
  }
  return next(specifier, context)
}
