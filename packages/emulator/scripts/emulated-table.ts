/**
 * Writes the "What is emulated" table of packages/emulator/README.md from the emulator itself
 * (the generated operation table and the registered resources), between the
 * `<!-- emulated:start -->` and `<!-- emulated:end -->` markers.
 *
 *   npx pnpm@10.34.9 --filter @effect-clerk/emulator readme
 *
 * test/readme.test.ts fails when the README's table differs from what this writes.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as prettier from "prettier"
import { emulatedTable } from "../test/emulated-table.js"

const readme = fileURLToPath(new URL("../README.md", import.meta.url))
const text = readFileSync(readme, "utf8")
const start = text.indexOf("<!-- emulated:start -->")
const end = text.indexOf("<!-- emulated:end -->")
if (start === -1 || end === -1) throw new Error("README.md lacks the <!-- emulated:start/end --> markers")
const updated = text.slice(0, start) + `<!-- emulated:start -->\n\n${emulatedTable()}\n\n` + text.slice(end)
const config = (await prettier.resolveConfig(readme)) ?? {}
writeFileSync(readme, await prettier.format(updated, { ...config, filepath: readme }))
console.log("README.md: emulated operations table written")
