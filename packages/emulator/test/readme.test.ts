import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import * as prettier from "prettier"
import { fileURLToPath } from "node:url"
import { emulatedTable } from "./emulated-table.js"

describe("README.md", () => {
  it("its 'What is emulated' table is the one the emulator generates (run the `readme` script)", async () => {
    const path = fileURLToPath(new URL("../README.md", import.meta.url))
    const text = readFileSync(path, "utf8")
    const section = text.slice(text.indexOf("<!-- emulated:start -->"), text.indexOf("<!-- emulated:end -->"))
    const config = (await prettier.resolveConfig(path)) ?? {}
    const expected = await prettier.format(`<!-- emulated:start -->\n\n${emulatedTable()}\n\n`, {
      ...config,
      parser: "markdown"
    })
    expect(section.trim()).toBe(expected.trim())
  })
})
