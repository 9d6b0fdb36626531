// Packing the public packages as a user gets them: `pnpm pack` of every package under packages/ that
// is not private (each `prepack` builds it). Shared by pack-install.mjs and test-runtimes.mjs.
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync, readdirSync } from "node:fs"
import { basename, join } from "node:path"
import { gunzipSync } from "node:zlib"

/** Runs a command and returns its stdout; throws with the command's output when it fails. */
export const runCommand = (file, args, options = {}) => {
  try {
    return execFileSync(file, args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 5 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
      ...options
    })
  } catch (error) {
    throw new Error(
      `${[basename(file), ...args].join(" ")}\n${error.stdout ?? ""}${error.stderr ?? ""}${error.message}`
    )
  }
}

/** The public packages under packages/: directory and manifest. */
export const publicPackages = (root) =>
  readdirSync(join(root, "packages"))
    .map((dir) => join(root, "packages", dir))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => manifest.private !== true)

/**
 * pnpm as [file, args]: the one running this script when started as a pnpm script, else the pinned
 * one through npx.
 */
export const pnpmCommand = (root) => {
  const execpath = process.env["npm_execpath"]
  if (execpath && /pnpm/.test(execpath) && /\.c?js$/.test(execpath)) return [process.execPath, [execpath]]
  const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager
  return ["npx", ["-y", pinned]]
}

/** The files of a .tgz: path and size, read from the tar headers. */
export const tarEntries = (file) => {
  const data = gunzipSync(readFileSync(file))
  const entries = []
  for (let offset = 0; offset + 512 <= data.length;) {
    const header = data.subarray(offset, offset + 512)
    if (header.every((byte) => byte === 0)) break
    const text = (start, length) =>
      header
        .subarray(start, start + length)
        .toString("utf8")
        .replace(/\0.*$/s, "")
    const prefix = text(345, 155)
    const name = (prefix ? `${prefix}/` : "") + text(0, 100)
    const size = parseInt(text(124, 12).trim() || "0", 8)
    if (text(156, 1) === "0" || text(156, 1) === "") entries.push({ name, size })
    offset += 512 + Math.ceil(size / 512) * 512
  }
  return entries
}

/**
 * Packs every public package into `destination`. Returns, per package, its name, the tarball, the
 * tarball's files and the published package.json; throws when a package does not pack.
 */
export const packPublicPackages = ({ root, destination, log = () => {} }) => {
  const [pnpm, prefix] = pnpmCommand(root)
  const packed = []
  for (const { dir, manifest } of publicPackages(root)) {
    log(`pnpm pack ${manifest.name} (prepack builds it)`)
    const output = runCommand(pnpm, [...prefix, "pack", "--json", "--pack-destination", destination], { cwd: dir })
    const file = JSON.parse(output.slice(output.indexOf("{"))).filename
    if (!file || !existsSync(file)) throw new Error(`pnpm pack ${manifest.name} printed no tarball:\n${output}`)
    const published = JSON.parse(execFileSync("tar", ["-xzOf", file, "package/package.json"], { encoding: "utf8" }))
    packed.push({ name: manifest.name, file, entries: tarEntries(file), published })
  }
  if (packed.length === 0) throw new Error("no public package under packages/")
  return packed
}

/** The peer dependencies of the packed packages that are not themselves packed: name → range. */
export const externalPeers = (packed) => {
  const peers = {}
  for (const { published } of packed) {
    for (const [dep, range] of Object.entries(published.peerDependencies ?? {})) {
      if (!packed.some((p) => p.name === dep)) peers[dep] ??= range
    }
  }
  return peers
}
