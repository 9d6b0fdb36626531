/**
 * Bundle bounds at the edge (sizes, not timings: the same sources always bundle to the same bytes).
 * `pnpm figures` prints the same figures in its table.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { BARREL_RATIO_LIMIT, edgeFigures, type EdgeFigures, WORKER_RATIO_LIMIT } from "../edge.js"

describe("bundles at the edge (esbuild, as a Worker is bundled)", () => {
  const scratch = `.tmp/edge-test-${process.pid}`
  let figures: EdgeFigures
  beforeAll(async () => {
    figures = await edgeFigures(scratch)
  }, 120_000)
  afterAll(() => rmSync(fileURLToPath(new URL(`../${scratch}`, import.meta.url)), { recursive: true, force: true }))

  it(`a Worker with one group plus auth is at most ${WORKER_RATIO_LIMIT}x the same Worker by hand (gzip)`, () => {
    expect(figures.worker.gzip / figures.floor.gzip).toBeLessThanOrEqual(WORKER_RATIO_LIMIT)
    expect(figures.worker.minified / figures.floor.minified).toBeLessThanOrEqual(WORKER_RATIO_LIMIT)
  })

  it("no bundle imports a node: module", () => {
    for (const bundle of Object.values(figures)) expect(bundle.nodeImports).toEqual([])
  })

  it(`session verification from the auth barrel costs at most ${BARREL_RATIO_LIMIT}x its subpaths (gzip)`, () => {
    expect(figures.barrel.gzip / figures.subpaths.gzip).toBeLessThanOrEqual(BARREL_RATIO_LIMIT)
  })
})
