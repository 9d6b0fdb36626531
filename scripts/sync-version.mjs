// After `changeset version`: writes @effect-clerk/backend's new version into
// packages/backend/src/internal/version.ts (the User-Agent header), which a test keeps equal to
// package.json's version. Part of the `version-packages` script.
import { readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const backend = join(dirname(fileURLToPath(import.meta.url)), "..", "packages", "backend")
const { version } = JSON.parse(readFileSync(join(backend, "package.json"), "utf8"))
const file = join(backend, "src", "internal", "version.ts")
const before = readFileSync(file, "utf8")
const after = before.replace(/export const VERSION = "[^"]*"/, `export const VERSION = ${JSON.stringify(version)}`)
if (!after.includes(`"${version}"`)) throw new Error(`${file}: no VERSION constant to update`)
writeFileSync(file, after)
console.log(`@effect-clerk/backend VERSION = ${version}`)
