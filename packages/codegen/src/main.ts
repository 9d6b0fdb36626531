/**
 * `pnpm codegen [spec.yml]`: regenerates packages/backend/src/generated, the contract fixtures
 * and docs/operations.md from Clerk's spec. The spec defaults to ../shared/clerk-openapi beside
 * the repository (override with the argument or CLERK_OPENAPI_SPEC); it is read, never copied.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import * as prettier from "prettier"
import { barrelFile, componentFile, operationsDoc, servicesFile } from "./emit.js"
import { serviceFile } from "./group.js"
import { fixturesFile } from "./fixtures.js"
import { build } from "./model.js"
import { schemaName } from "./names.js"
import type { File } from "./print.js"
import { applyOverrides } from "./overrides.js"
import { load } from "./spec.js"
import { streamsFile } from "./streams.js"
import { writeWebhooks } from "./webhooks.js"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..")
const specPath = resolve(
  process.argv[2] ?? process.env["CLERK_OPENAPI_SPEC"] ?? join(root, "../shared/clerk-openapi/bapi-2026-05-12.yml")
)

const main = async () => {
  const spec = await load(specPath, applyOverrides)
  const model = build(spec)

  const generated: Array<File> = [
    ...Object.entries(spec.document.components.schemas).map(([name, schema]) => componentFile(model, name, schema)),
    ...model.services.map((service) => serviceFile(model, service)),
    barrelFile(model),
    servicesFile(model)
  ]
  const names = new Set<string>()
  for (const name of Object.keys(spec.document.components.schemas)) {
    if (names.has(schemaName(name))) throw new Error(`two component schemas are named ${schemaName(name)}`)
    names.add(schemaName(name))
  }

  const config = (await prettier.resolveConfig(join(root, "package.json"))) ?? {}
  const format = (content: string, filepath: string) => prettier.format(content, { ...config, filepath })

  const outDir = join(root, "packages/backend/src/generated")
  rmSync(outDir, { recursive: true, force: true })
  for (const file of generated) {
    const path = join(outDir, file.path)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, await format(file.content, path))
  }

  const fixtures = fixturesFile(model)
  const fixturesPath = join(root, "packages/backend/test/generated/fixtures.json")
  mkdirSync(dirname(fixturesPath), { recursive: true })
  for (const stale of readdirSync(dirname(fixturesPath))) rmSync(join(dirname(fixturesPath), stale))
  writeFileSync(fixturesPath, await format(fixtures, fixturesPath))
  const streamsPath = join(dirname(fixturesPath), "streams.json")
  writeFileSync(streamsPath, await format(streamsFile(model), streamsPath))

  const docPath = join(root, "docs/operations.md")
  mkdirSync(dirname(docPath), { recursive: true })
  writeFileSync(docPath, await format(operationsDoc(model), docPath))

  const webhooks = await writeWebhooks(root, specPath, format)

  console.log(
    `${model.operations.length} operations in ${model.services.length} services, ` +
      `${Object.keys(spec.document.components.schemas).length} component schemas, from ${spec.fileName}; ${webhooks}`
  )
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
