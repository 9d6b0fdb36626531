import { describe, expect, it } from "@effect/vitest"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { stringify } from "yaml"
import { serviceFile } from "../src/group.js"
import { build } from "../src/model.js"
import { lowerCamel, pascal, trimServiceNoun } from "../src/names.js"
import { convert } from "../src/schema.js"
import { applyOverrides } from "../src/overrides.js"
import { load } from "../src/spec.js"

/** Writes a small OpenAPI document (plus the components the overrides expect) and loads it. */
const loadSpec = (paths: Record<string, unknown>, schemas: Record<string, unknown> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), "codegen-"))
  const file = join(dir, "spec.yml")
  const withOverrideTargets = {
    SAMLConnection: { type: "object", properties: {}, required: ["authenticatable", "disable_jit_provisioning"] },
    EnterpriseConnection: { type: "object", properties: {}, required: ["authenticatable", "disable_jit_provisioning"] },
    "JWKS.rsa.PrivateKey": { type: "object", properties: {}, required: ["crv"] },
    ...schemas
  }
  writeFileSync(
    file,
    stringify({
      openapi: "3.0.3",
      info: { title: "Test", version: "1" },
      paths,
      components: { schemas: withOverrideTargets, responses: {} }
    })
  )
  // The wire overrides target operations these small documents do not have.
  return load(file, (document) => applyOverrides(document, { wire: false }))
}

const ok = { "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } } }

describe("names", () => {
  it("services are the tag in PascalCase, word by word", () => {
    expect(pascal("Actor Tokens")).toBe("ActorTokens")
    expect(pascal("Allow-list / Block-list")).toBe("AllowListBlockList")
    expect(pascal("Email & SMS Templates")).toBe("EmailSMSTemplates")
    expect(pascal("M2M Tokens")).toBe("M2MTokens")
    expect(pascal("JWKS.rsa.PrivateKey")).toBe("JWKSRsaPrivateKey")
    expect(lowerCamel("actor_token_id")).toBe("actorTokenId")
  })

  it("methods use Clerk's override when unique in the service, else the operationId", async () => {
    const spec = await loadSpec({
      "/a": {
        get: { operationId: "ListAllowlist", tags: ["Identifiers"], "x-speakeasy-name-override": "list", responses: ok }
      },
      "/b": {
        get: { operationId: "ListBlocklist", tags: ["Identifiers"], "x-speakeasy-name-override": "list", responses: ok }
      },
      "/c": {
        post: {
          operationId: "CreateThing",
          tags: ["Identifiers"],
          "x-speakeasy-name-override": "create",
          responses: ok
        }
      }
    })
    const model = build(spec)
    expect(model.services.map((s) => s.name)).toEqual(["Identifiers"])
    expect(model.operations.map((op) => op.method)).toEqual(["listAllowlist", "listBlocklist", "create"])
  })
})

describe("a method does not repeat its service's noun", () => {
  it("drops the noun, singular or plural, as whole words; a get of the plural lists", () => {
    expect(trimServiceNoun("APIKeys", "createApiKey")).toBe("create")
    expect(trimServiceNoun("APIKeys", "getApiKeySecret")).toBe("getSecret")
    expect(trimServiceNoun("APIKeys", "getApiKeys")).toBe("list")
    expect(trimServiceNoun("JWKS", "getJWKS")).toBe("get")
    expect(trimServiceNoun("OrganizationMemberships", "getInstanceOrganizationMemberships")).toBe("listInstance")
    // not whole words, or nothing would remain: unchanged
    expect(trimServiceNoun("Users", "getUserSomething")).toBe("getSomething")
    expect(trimServiceNoun("Users", "getUsername")).toBeUndefined()
    expect(trimServiceNoun("ActorTokens", "create")).toBeUndefined()
    expect(trimServiceNoun("JWKS", "jwks")).toBeUndefined()
  })

  it("keeps the long name when the short one would not be unique in the service", async () => {
    const spec = await loadSpec({
      "/keys": { get: { operationId: "GetKeys", tags: ["Keys"], responses: ok } },
      "/keys/{id}": {
        get: {
          operationId: "GetKey",
          tags: ["Keys"],
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: ok
        }
      },
      "/keys/x": { post: { operationId: "CreateKey", tags: ["Keys"], responses: ok } },
      "/keys/y": { post: { operationId: "Create", tags: ["Keys"], responses: ok } }
    })
    const model = build(spec)
    // GetKeys -> list, GetKey -> get; CreateKey would clash with Create, so it keeps its name
    expect(model.operations.map((op) => op.method)).toEqual(["list", "get", "createKey", "create"])
  })
})

describe("overrides", () => {
  it("a new required-but-undefined property fails the generation, naming it", async () => {
    await expect(
      loadSpec({}, { Broken: { type: "object", properties: { a: { type: "string" } }, required: ["a", "ghost"] } })
    ).rejects.toThrow(/Broken: requires undefined property ghost/)
  })

  it("an override whose defect was fixed upstream fails loudly instead of applying twice", async () => {
    await expect(
      loadSpec(
        {},
        { "JWKS.rsa.PrivateKey": { type: "object", properties: { crv: { type: "string" } }, required: ["crv"] } }
      )
    ).rejects.toThrow(/now defines crv: drop the override/)
  })
})

describe("schemas", () => {
  const schemas = {
    Token: {
      type: "object",
      properties: {
        status: { type: "string", enum: ["pending", "revoked"] },
        count: { type: "integer", minimum: 1, maximum: 500 },
        note: { type: "string", nullable: true }
      },
      required: ["status"]
    }
  }
  const context = async (mode: "request" | "response") => ({
    spec: await loadSpec({}, schemas),
    mode,
    refs: new Set<string>(),
    discriminators: new Set<string>()
  })

  it("response enums are open, integers plain numbers; nullable is NullOr", async () => {
    const emitted = convert(schemas.Token as never, await context("response"))
    expect(emitted.ts).toContain(`readonly status: "pending" | "revoked" | (string & {})`)
    expect(emitted.ts).toContain("readonly count?: number | undefined")
    expect(emitted.ts).toContain("readonly note?: string | null | undefined")
    expect(emitted.expr).toContain("status: Schema.String")
    expect(emitted.expr).toContain("count: /*#__PURE__*/ Schema.optional(Schema.Number)")
  })

  it("request enums are closed and ranges checked", async () => {
    const emitted = convert(schemas.Token as never, await context("request"))
    expect(emitted.ts).toContain(`readonly status: "pending" | "revoked"\n`)
    expect(emitted.expr).toContain(`Schema.Literal("pending", "revoked")`)
    expect(emitted.expr).toContain(
      "Schema.Int.pipe(/*#__PURE__*/ Schema.greaterThanOrEqualTo(1), /*#__PURE__*/ Schema.lessThanOrEqualTo(500))"
    )
  })

  it("allOf merges into one object; constraint-only anyOf members are not alternatives", async () => {
    const ctx = await context("response")
    const merged = convert(
      {
        allOf: [{ $ref: "#/components/schemas/Token" }, { type: "object", properties: { extra: { type: "boolean" } } }]
      },
      ctx
    )
    expect(merged.ts).toContain("readonly status:")
    expect(merged.ts).toContain("readonly extra?: boolean | undefined")
    const constrained = convert(
      {
        type: "object",
        properties: { domain: { type: "string" }, domains: { type: "array", items: { type: "string" } } },
        anyOf: [{ required: ["domain"] }, { required: ["domains"] }]
      },
      ctx
    )
    expect(constrained.expr).not.toContain("Schema.Union")
    expect(constrained.ts).toContain("readonly domains?: ReadonlyArray<string> | undefined")
  })

  it("requests check required-only anyOf groups and uniqueItems; responses do not", async () => {
    const body = {
      type: "object",
      properties: {
        domain: { type: "string" },
        domains: { type: "array", uniqueItems: true, items: { type: "string" } }
      },
      anyOf: [{ required: ["domain"] }, { required: ["domains"] }]
    } as const
    const request = convert(body as never, await context("request"))
    expect(request.expr).toContain('{ description: "at least one of domain, domains" }')
    expect(request.expr).toContain('{ description: "an array without duplicates" }')
    const response = convert(body as never, await context("response"))
    expect(response.expr).not.toContain("Schema.filter")
  })

  it("a discriminated union in a response gets a member for kinds the spec does not list", async () => {
    const union = {
      oneOf: [{ $ref: "#/components/schemas/Token" }],
      discriminator: { propertyName: "object", mapping: { token: "#/components/schemas/Token" } }
    }
    const response = convert(union as never, await context("response"))
    expect(response.ts).toContain("{ readonly object: string; readonly [key: string]: unknown }")
    expect(response.expr).toContain('!["token"].includes(value)')
    const request = convert(union as never, await context("request"))
    expect(request.expr).not.toContain("includes(value)")
  })
})

describe("service modules", () => {
  it("a reserved method name gets an aliased accessor; path ids are arguments", async () => {
    const spec = await loadSpec({
      "/things/{thing_id}": {
        delete: {
          operationId: "DeleteThing",
          tags: ["Things"],
          "x-speakeasy-name-override": "delete",
          parameters: [{ name: "thing_id", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": ok["200"], "404": { description: "missing" } }
        }
      }
    })
    const file = serviceFile(build(spec), build(spec).services[0]!)
    expect(file.path).toBe("Things.ts")
    expect(file.content).toContain("readonly delete: (thingId: string) => Effect.Effect<DeleteResponse, DeleteError>")
    // the alias carries its own doc comment: @effect/docgen reads the one before each specifier
    expect(file.content).toMatch(
      /export \{\n {2}\/\*\*\n[^]*? {3}\* @since 0\.1\.0\n[^]*?\*\/\n {2}delete_ as delete\n\}/
    )
    // every top-level export has a @since tag in the doc comment right before it (docgen refuses one without)
    const exports = [...file.content.matchAll(/^export (?:const|class|type|interface|declare namespace) (\w+)/gm)]
    expect(exports.length).toBeGreaterThan(3)
    for (const match of exports) {
      const before = file.content.slice(0, match.index)
      const doc = /\/\*\*(?:(?!\*\/)[^])*\*\/\n$/.exec(before)?.[0] ?? ""
      expect(doc, match[1]).toMatch(/\* @since \d+\.\d+\.\d+\n/)
    }
    // the operations table came in 0.2.0; what 0.1.0 had keeps its version
    expect(file.content).toMatch(/ \* @since 0\.2\.0\n \* @category operations\n \*\/\nexport const operations = \{/)
    expect(file.content).toMatch(/ \* @since 0\.1\.0\n \* @category constructors\n \*\/\nexport const make: /)
    expect(file.content).toContain(
      "export type DeleteError = ClerkError.NotFound | ClerkError.InvalidInput | ClerkError.Always"
    )
  })
})

describe("streams of the lists that page with limit/offset", () => {
  const page = (max: number) => [
    { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: max, default: 10 } },
    { name: "offset", in: "query", schema: { type: "integer", minimum: 0, default: 0 } }
  ]
  const json = (schema: unknown) => ({ "200": { description: "ok", content: { "application/json": { schema } } } })
  const thing = { type: "object", properties: { id: { type: "string" } }, required: ["id"] }
  const envelope = (key: string) => ({
    type: "object",
    properties: {
      [key]: { type: "array", items: { $ref: "#/components/schemas/Thing" } },
      total_count: { type: "integer" }
    },
    required: [key, "total_count"]
  })

  it("every list with limit and offset gets <method>Stream, paging with the spec's maximum limit", async () => {
    const spec = await loadSpec(
      {
        "/things": {
          get: {
            operationId: "ListThings",
            tags: ["Things"],
            "x-speakeasy-name-override": "list",
            parameters: [{ name: "paginated", in: "query", schema: { type: "boolean" } }, ...page(500)],
            responses: json({ type: "array", items: { $ref: "#/components/schemas/Thing" } })
          }
        },
        "/owners/{owner_id}/things": {
          get: {
            operationId: "ListOwnerThings",
            tags: ["Things"],
            parameters: [
              { name: "owner_id", in: "path", required: true, schema: { type: "string" } },
              { name: "kind", in: "query", required: true, schema: { type: "string" } },
              { name: "paginated", in: "query", schema: { type: "boolean" } },
              ...page(100)
            ],
            responses: json(envelope("things"))
          }
        },
        "/counts": {
          get: { operationId: "CountThings", tags: ["Things"], parameters: [page(5)[0]], responses: json(thing) }
        }
      },
      { Thing: thing }
    )
    const model = build(spec)
    const content = serviceFile(model, model.services[0]!).content
    expect(content).toContain(
      'export type ListStreamParams = Omit<ListParams, "limit" | "offset" | "paginated"> & { readonly pageSize?: number | undefined }'
    )
    expect(content).toContain(
      "export const listStream = (params?: ListStreamParams): Stream.Stream<Thing, ListError, Things> =>"
    )
    // the page size is the table's (the spec's maximum limit)
    expect(content).toContain(
      'Paginate.stream("Things.listStream", operations.list.maxPageSize, params, (query) => list(query))'
    )
    // each table entry of a paged list holds its page size; another list's holds none
    const entry = (method: string) => {
      const start = content.indexOf(`\n  ${method}: {\n`)
      return content.slice(start, content.indexOf("\n  }", start))
    }
    expect(entry("list")).toContain("\n    maxPageSize: 500")
    expect(entry("listOwner")).toContain("\n    maxPageSize: 100")
    expect(entry("count")).toContain('operationId: "CountThings"')
    expect(entry("count")).not.toContain("maxPageSize")
    // (ListOwnerThings is listOwner by the noun rule) path parameters first; a required query parameter
    // makes params required; another envelope key is mapped; a list that decodes an envelope anyway is
    // asked to paginate, a bare-array one is not unless its envelope is typed (model.ts, paginated)
    expect(content).toContain(
      "export const listOwnerStream = (ownerId: string, params: ListOwnerStreamParams): Stream.Stream<Thing, ListOwnerError, Things> =>"
    )
    expect(content).toContain(
      'Paginate.stream("Things.listOwnerStream", operations.listOwner.maxPageSize, params, (query) => Effect.map(listOwner(ownerId, { ...query, paginated: true }), (page) => ({ data: page.things, total_count: page.total_count })))'
    )
    // limit without offset is not a paged list
    expect(content).not.toContain("countStream")
    expect(content).toContain('import * as Paginate from "../internal/paginate.js"')
  })

  it("a stream's name that meets another name of the module fails the generator", async () => {
    const spec = await loadSpec(
      {
        "/things": {
          get: {
            operationId: "ListThings",
            tags: ["Things"],
            "x-speakeasy-name-override": "list",
            parameters: page(500),
            responses: json(envelope("data"))
          }
        },
        "/things/stream": {
          get: { operationId: "ListStream", tags: ["Things"], responses: json(thing) }
        }
      },
      { Thing: thing }
    )
    const model = build(spec)
    expect(model.operations.map((op) => op.method)).toEqual(["list", "listStream"])
    expect(() => serviceFile(model, model.services[0]!)).toThrow(
      "Things.list: its stream's name listStream is already taken in Things (names.ts)"
    )
  })

  it("a list whose page size or page shape cannot be read fails the generator", async () => {
    const noMaximum = await loadSpec({
      "/things": {
        get: {
          operationId: "ListThings",
          tags: ["Things"],
          parameters: [{ name: "limit", in: "query", schema: { type: "integer" } }, page(1)[1]],
          responses: json({ type: "array", items: thing })
        }
      }
    })
    expect(() => serviceFile(build(noMaximum), build(noMaximum).services[0]!)).toThrow(
      /ListThings\): pages with limit\/offset, but its limit has no maximum/
    )
    const odd = await loadSpec({
      "/things": {
        get: {
          operationId: "ListThings",
          tags: ["Things"],
          parameters: page(10),
          responses: json({ type: "object", properties: { a: { type: "array" }, b: { type: "array" } } })
        }
      }
    })
    expect(() => serviceFile(build(odd), build(odd).services[0]!)).toThrow(
      /neither an array nor \{ data, total_count \}/
    )
  })
})
