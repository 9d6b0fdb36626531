/**
 * The emulator's choices against what Clerk's Backend API spec says (../shared/clerk-openapi, or
 * CLERK_OPENAPI_SPEC). Needs the spec beside the repository: runs under `pnpm test:contract` only.
 */
import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { parse } from "yaml"
import * as Emulator from "../src/Emulator.js"
import { call } from "./helpers.js"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..")
const spec = parse(
  readFileSync(process.env["CLERK_OPENAPI_SPEC"] ?? join(root, "../shared/clerk-openapi/bapi-2026-05-12.yml"), "utf8")
) as { readonly "x-speakeasy-retries": { readonly statusCodes: ReadonlyArray<string | number> } }

// Speakeasy's status patterns: `5XX` is any 5xx, else one status
const retried = (status: number) =>
  spec["x-speakeasy-retries"].statusCodes.some((code) =>
    /^\dXX$/i.test(String(code)) ? String(code)[0] === String(status)[0] : Number(code) === status
  )

describe("the spec's retry rule for Clerk's generated SDKs (x-speakeasy-retries)", () => {
  it("retries 5xx, and not the answer to an operation that is not emulated", async () => {
    expect(retried(501)).toBe(true)
    const reply = await call(Emulator.make(), "GET", "/saml_connections")
    expect(reply.body.errors[0].code).toBe("not_emulated")
    expect(retried(reply.status)).toBe(false)
  })
})
