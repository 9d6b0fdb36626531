/**
 * The wire overrides against the bodies they cite: responses collected from Clerk's own SDK test
 * suites (../shared/realdata, read in place, never copied). Each must decode through the operation,
 * whole, where the spec alone would have rejected it.
 */
import { ClerkTest } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { existsSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { type AnyService, fixtures, groupOf, materialize } from "./fixtures.js"

const corpus = resolve(
  process.env["CLERK_REALDATA"] ?? join(import.meta.dirname, "../../../../shared/realdata"),
  "corpus"
)

/** [corpus file, the override it is evidence for] */
const EVIDENCE: ReadonlyArray<readonly [string, string]> = [
  ["clerk-js__EnterpriseConnectionApi-L395-EnterpriseConnections.delete.json", "delete-answers-the-object"],
  ["clerk-js__MachineApi-L149-Machines.delete.json", "delete-answers-the-object"],
  ["clerk-js__MachineApi-L217-Machines.deleteScope.json", "delete-answers-the-object"],
  ["clerk-js__M2MTokenApi-L44-M2MTokens.createToken.json", "m2m-token-last-used-at-absent"]
]

describe("real bodies from Clerk's SDK tests decode", () => {
  it("the corpus is there", () => {
    expect(existsSync(join(corpus, "corpus.json"))).toBe(true)
  })

  const entries = existsSync(join(corpus, "corpus.json"))
    ? (JSON.parse(readFileSync(join(corpus, "corpus.json"), "utf8")).entries as ReadonlyArray<{
        readonly file: string
        readonly operation: string
      }>)
    : []

  for (const [file, override] of EVIDENCE) {
    it.effect(`${file} (${override})`, () =>
      Effect.gen(function* () {
        const entry = entries.find((e) => e.file === file)
        expect(entry, `${file} is in corpus.json`).toBeDefined()
        const [service, method] = entry!.operation.split(".") as [string, string]
        const fixture = fixtures.find((f) => f.service === service && f.method === method)
        expect(fixture, `${entry!.operation} is an operation`).toBeDefined()
        const body = JSON.parse(readFileSync(join(corpus, file), "utf8"))
        const layer = groupOf(fixture!).layer.pipe(
          Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(fixture!.response.status, body)))
        )
        const result = yield* Effect.flatMap(groupOf(fixture!).tag, (s: AnyService) =>
          s[method]!(...fixture!.args.map(materialize))
        ).pipe(Effect.provide(layer))
        expect(result).toEqual(body)
      })
    )
  }
})
