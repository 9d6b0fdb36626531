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
import * as Router from "../src/internal/router.js"
import * as RateLimits from "../src/RateLimits.js"
import { all as resources } from "../src/resources/all.js"
import { call } from "./helpers.js"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..")
const spec = parse(
  readFileSync(process.env["CLERK_OPENAPI_SPEC"] ?? join(root, "../shared/clerk-openapi/bapi-2026-05-12.yml"), "utf8")
) as {
  readonly "x-speakeasy-retries": { readonly statusCodes: ReadonlyArray<string | number> }
  readonly paths: Record<string, Record<string, Operation>>
  readonly components: { readonly parameters: Record<string, Parameter> }
}

interface Parameter {
  readonly name: string
  readonly description?: string
  readonly schema?: { readonly default?: string }
}
interface Operation {
  readonly operationId?: string
  readonly description?: string
  readonly parameters?: ReadonlyArray<Parameter | { readonly $ref: string }>
}

// the `order_by` parameter of each operation that has one, by operationId
const orderByParameters = new Map(
  Object.values(spec.paths).flatMap((item) =>
    Object.values(item).flatMap((operation) => {
      const parameter = (operation.parameters ?? [])
        .map((p) => ("$ref" in p ? spec.components.parameters[p.$ref.split("/").pop()!]! : p))
        .find((p) => p.name === "order_by")
      return parameter === undefined || operation.operationId === undefined ? [] : [[operation.operationId, parameter]]
    })
  )
)

// The fields an `order_by` description lists: its first part (before how to give a direction),
// as \`code\` spans or, in the memberships' wording, "by phone_number, email_address ... or username".
const documentedFields = (description: string): ReadonlyArray<string> => {
  const list = description.split(/In order to specify|To specify|By prepending|Use `\+`/)[0]!
  const spans = [...list.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]!)
  if (spans.length > 0) return spans
  const words = / by ([a-z0-9_, ]+?)\./.exec(list)?.[1] ?? ""
  return words.split(/,\s*|\s+or\s+/).filter((w) => w !== "")
}

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

describe("order_by: the fields each emulated list declares are the ones the spec documents", () => {
  const routes = [...Router.routes(resources).values()].filter((r) => r.orderBy !== undefined)

  it("the memberships' wording is read too", () => {
    expect(
      documentedFields(
        "Sorts organizations memberships by phone_number, email_address, created_at, first_name, last_name or username.\nBy prepending one of those values with + or -"
      )
    ).toEqual(["phone_number", "email_address", "created_at", "first_name", "last_name", "username"])
    expect(routes.length).toBeGreaterThanOrEqual(7)
  })

  for (const route of routes) {
    it(`${route.operation.name} (${route.operation.operationId})`, () => {
      const parameter = orderByParameters.get(route.operation.operationId)
      expect(parameter?.description, "the spec documents order_by").toBeDefined()
      expect([...route.orderBy!.fields].sort()).toEqual([...documentedFields(parameter!.description!)].sort())
      // the spec's default where it gives one; newest first where it gives none
      expect(route.orderBy!.default).toBe(parameter!.schema?.default ?? "-created_at")
    })
  }
})

describe("rate limits: the numbers the spec gives, on operations it has", () => {
  const operations = new Map(
    Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => [operation.operationId, { path, method, operation }] as const)
    )
  )

  it("the instance limits are those of CreateUser's description", () => {
    const description = operations.get("CreateUser")!.operation.description!
    const [, prod, dev] =
      /(\d+) requests per 10 seconds for production instances and (\d+) requests per 10 seconds for development instances/.exec(
        description
      )!
    expect(RateLimits.instance).toEqual({
      dev: { limit: Number(dev), window: "10 seconds" },
      prod: { limit: Number(prod), window: "10 seconds" }
    })
  })

  it("each limited or exempt operation id is an operation of the spec, at the path Clerk's docs name", () => {
    const where = (id: string) => {
      const found = operations.get(id)
      return found === undefined ? undefined : `${found.method.toUpperCase()} ${found.path}`
    }
    expect(
      Object.fromEntries([...Object.keys(RateLimits.endpoints), ...RateLimits.unlimited].map((id) => [id, where(id)]))
    ).toEqual({
      CreateInvitation: "POST /invitations",
      CreateBulkInvitations: "POST /invitations/bulk",
      CreateOrganizationInvitation: "POST /organizations/{organization_id}/invitations",
      CreateOrganizationInvitationBulk: "POST /organizations/{organization_id}/invitations/bulk",
      UpdateUser: "PATCH /users/{user_id}",
      UpdateUserMetadata: "PATCH /users/{user_id}/metadata",
      ReplaceUserMetadata: "PUT /users/{user_id}/metadata",
      GetJWKS: "GET /jwks"
    })
  })
})
