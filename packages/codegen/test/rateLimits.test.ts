/**
 * Clerk's rate limits as data (rateLimits.ts): each override lands on its operation and in the
 * printed table, and the generation fails when a target is gone or renamed.
 */
import { describe, expect, it } from "@effect/vitest"
import { applyRateLimits, rateLimitOf, rateLimitOverrides } from "../src/rateLimits.js"
import type { Document, Operation } from "../src/spec.js"

const operation = (operationId: string): Operation => ({ operationId, tags: ["X"], responses: {} })

/** A document with every operation the overrides target (and CreateUser's statement of the instance's limit). */
const targets = (): Document => {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const override of rateLimitOverrides) {
    paths[override.path] = { ...paths[override.path], [override.method]: operation(override.operationId) }
  }
  paths["/users"] = {
    post: {
      ...operation("CreateUser"),
      description:
        "The following rate limit rules apply to this endpoint: 1000 requests per 10 seconds for production instances and 100 requests per 10 seconds for development instances"
    }
  }
  return { openapi: "3.0.3", info: { title: "T", version: "1" }, paths, components: { schemas: {}, responses: {} } }
}

const op = (document: Document, method: string, path: string) => document.paths[path]![method] as Operation

describe("rate limits as data", () => {
  it("JWKS is exempt; the invitations carry their own hourly limits; the rest carry nothing", () => {
    const document = targets()
    applyRateLimits(document)
    expect(rateLimitOf(op(document, "get", "/jwks"))).toBe("exempt")
    expect(rateLimitOf(op(document, "post", "/invitations"))).toEqual({ limit: 100, windowSeconds: 3600 })
    expect(rateLimitOf(op(document, "post", "/invitations/bulk"))).toEqual({ limit: 25, windowSeconds: 3600 })
    expect(rateLimitOf(op(document, "post", "/organizations/{organization_id}/invitations"))).toEqual({
      limit: 250,
      windowSeconds: 3600
    })
    expect(rateLimitOf(op(document, "post", "/organizations/{organization_id}/invitations/bulk"))).toEqual({
      limit: 50,
      windowSeconds: 3600
    })
    expect(rateLimitOf(op(document, "post", "/users"))).toBeUndefined()
  })

  it("every override cites Clerk's docs", () => {
    for (const override of rateLimitOverrides) {
      expect(override.why, override.name).toContain("https://clerk.com/docs/guides/how-clerk-works/system-limits")
    }
  })

  it("a target that is gone, or now another operation, fails the generation", () => {
    const gone = targets()
    delete gone.paths["/invitations/bulk"]
    expect(() => applyRateLimits(gone)).toThrow("POST /invitations/bulk is gone")
    const renamed = targets()
    ;(renamed.paths["/jwks"] as Record<string, unknown>)["get"] = operation("GetInstanceKeys")
    expect(() => applyRateLimits(renamed)).toThrow("the operation is now GetInstanceKeys")
  })
})

describe("the instance's limit", () => {
  it("matches the presets of ClerkRateLimit; another figure in the spec fails the generation", () => {
    expect(() => applyRateLimits(targets())).not.toThrow()
    const changed = targets()
    const createUser = op(changed, "post", "/users") as { description?: string }
    createUser.description = createUser.description!.replace(
      "100 requests per 10 seconds",
      "50 requests per 10 seconds"
    )
    expect(() => applyRateLimits(changed)).toThrow("the spec states 50 requests per 10 s for development instances")
    const gone = targets()
    delete (op(gone, "post", "/users") as { description?: string }).description
    expect(() => applyRateLimits(gone)).toThrow("no longer states the instance's rate limit")
  })
})
