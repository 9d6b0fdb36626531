/**
 * Named fixes for defects of Clerk's spec (bapi-2026-05-12.yml), applied to the parsed document
 * before anything is generated. Each one says what is wrong and what the fix assumes. The generated
 * output is never edited by hand; a defect is fixed here or not at all.
 *
 * `check` (run after the overrides) fails the generation when a new defect of a known kind shows
 * up, so a new spec version cannot slip one through silently.
 */
import { applyRateLimits } from "./rateLimits.js"
import type { Document, Operation, Parameter, SchemaObject } from "./spec.js"

type Mutable<A> = { -readonly [K in keyof A]: Mutable<A[K]> }

export interface Override {
  readonly name: string
  readonly why: string
  readonly apply: (document: Mutable<Document>) => void
}

const schema = (document: Mutable<Document>, name: string): Mutable<SchemaObject> => {
  const found = document.components.schemas[name]
  if (!found) throw new Error(`override target #/components/schemas/${name} is gone: review the override`)
  return found
}

/** Clerk's own SDK at the commit the wire overrides cite (github.com/clerk/javascript). */
const CLERK_JS = "clerk/javascript@e21ae9a4 packages/backend/src/api"

type MutableOperation = Mutable<Operation> & { [extension: `x-${string}`]: unknown }

const operation = (document: Mutable<Document>, method: string, path: string): MutableOperation => {
  const found = document.paths[path]?.[method] as MutableOperation | undefined
  if (!found) throw new Error(`override target ${method.toUpperCase()} ${path} is gone: review the override`)
  return found
}

/** The 2xx JSON schema of an operation, inline or through `#/components/responses/...`. */
const successSchema = (document: Mutable<Document>, op: MutableOperation): Mutable<SchemaObject> => {
  const status = Object.keys(op.responses).find((s) => s.startsWith("2"))!
  let response = op.responses[status]!
  if (response.$ref) response = document.components.responses[response.$ref.split("/").pop()!]!
  return response.content!["application/json"]!.schema!
}

/** Required properties the wire leaves out (or sends as null), per Clerk's own SDK. */
const tolerateAbsent = (target: Mutable<SchemaObject>, names: ReadonlyArray<string>, where: string) => {
  for (const name of names) {
    if (!target.required?.includes(name)) throw new Error(`override: ${where} no longer requires ${name}: drop it`)
    const defined = [target, ...(target.allOf ?? [])].some((part) => part.properties?.[name] !== undefined)
    if (!defined) throw new Error(`override: ${where} no longer defines ${name}`)
  }
  target.required = target.required!.filter((name) => !names.includes(name))
}

const dropRequired = (target: Mutable<SchemaObject>, names: ReadonlyArray<string>, where: string) => {
  for (const name of names) {
    if (!target.required?.includes(name)) throw new Error(`override: ${where} no longer requires ${name}`)
    if (target.properties?.[name]) throw new Error(`override: ${where} now defines ${name}: drop the override`)
  }
  target.required = target.required!.filter((name) => !names.includes(name))
}

export const overrides: ReadonlyArray<Override> = [
  {
    name: "connections-undefined-required",
    why:
      "SAMLConnection and EnterpriseConnection list `authenticatable` and `disable_jit_provisioning` as " +
      "required but never define them. Clerk's responses carry both as booleans; we define them as optional " +
      "booleans, so a response without them (Prism leaves them out) still decodes.",
    apply: (document) => {
      for (const name of ["SAMLConnection", "EnterpriseConnection"]) {
        const target = schema(document, name)
        dropRequired(target, ["authenticatable", "disable_jit_provisioning"], name)
        target.properties!["authenticatable"] = { type: "boolean" }
        target.properties!["disable_jit_provisioning"] = { type: "boolean" }
      }
    }
  },
  {
    name: "jwks-rsa-private-key-crv",
    why: "JWKS.rsa.PrivateKey requires `crv`, which RSA keys do not have (RFC 7518: crv is for EC/OKP keys) and the schema does not define.",
    apply: (document) => dropRequired(schema(document, "JWKS.rsa.PrivateKey"), ["crv"], "JWKS.rsa.PrivateKey")
  }
]

/**
 * The wire as Clerk really sends it, where it differs from the spec. Evidence: Clerk's own SDK
 * (CLERK_JS, file:line), whose types and tests follow what the API answers, and the bodies of its tests.
 * Each one fails the generation when its target is gone or the spec now says what the wire does.
 */
export const wireOverrides: ReadonlyArray<Override> = [
  {
    name: "m2m-token-last-used-at-absent",
    why:
      "The M2M token responses require `last_used_at`; Clerk's SDK types M2M tokens without it " +
      `(${CLERK_JS}/resources/JSON.ts:920-932, M2MTokenJSON) and its test bodies leave it out ` +
      "(__tests__/M2MTokenApi.test.ts:15-28, mockM2MToken). It may be absent.",
    apply: (document) => {
      const targets: Array<[string, string, (s: Mutable<SchemaObject>) => Mutable<SchemaObject>]> = [
        ["post", "/m2m_tokens", (s) => s],
        ["get", "/m2m_tokens", (s) => s.properties!["m2m_tokens"]!.items!],
        ["post", "/m2m_tokens/{m2m_token_id}/revoke", (s) => s],
        ["post", "/m2m_tokens/verify", (s) => s]
      ]
      for (const [method, path, pick] of targets) {
        const target = pick(successSchema(document, operation(document, method, path)))
        tolerateAbsent(target, ["last_used_at"], `${method.toUpperCase()} ${path}`)
      }
    }
  },
  {
    name: "permission-type-absent",
    why:
      "Permission requires `type`; Clerk's SDK types permissions without it " +
      `(${CLERK_JS}/resources/JSON.ts:886-893, PermissionJSON). It may be absent.`,
    apply: (document) => tolerateAbsent(schema(document, "Permission"), ["type"], "Permission")
  },
  {
    name: "organization-invitation-inviter-absent",
    why:
      "OrganizationInvitation (and its variant with the organization's data) require `inviter_id` and " +
      "`public_inviter_data`; Clerk's SDK types organization invitations without either " +
      `(${CLERK_JS}/resources/JSON.ts:465-478, OrganizationInvitationJSON). They may be absent.`,
    apply: (document) => {
      for (const name of ["OrganizationInvitation", "OrganizationInvitationWithPublicOrganizationData"]) {
        tolerateAbsent(schema(document, name), ["inviter_id", "public_inviter_data"], name)
      }
    }
  },
  {
    name: "organization-public-metadata-null",
    why:
      "Organization's `public_metadata` is a non-nullable object; Clerk's SDK types it " +
      `\`OrganizationPublicMetadata | null\` (${CLERK_JS}/resources/JSON.ts:390). It may be null.`,
    apply: (document) => {
      const target = schema(document, "Organization").properties!["public_metadata"]!
      if (target.nullable) throw new Error("override: Organization.public_metadata is nullable now: drop it")
      target.nullable = true
    }
  },
  {
    name: "delete-answers-the-object",
    why:
      "DELETE on an enterprise connection, a machine and a machine scope is documented to answer a " +
      "deleted-object, but Clerk's SDK types the answer as the full object " +
      `(${CLERK_JS}/endpoints/EnterpriseConnectionApi.ts:234-239, endpoints/MachineApi.ts:107-112 and 169-175) ` +
      "and its tests answer with it (__tests__/EnterpriseConnectionApi.test.ts:395, __tests__/MachineApi.test.ts:149 " +
      "and 217). The answer is either.",
    apply: (document) => {
      const targets: Array<[string, string]> = [
        ["/enterprise_connections/{enterprise_connection_id}", "EnterpriseConnection"],
        ["/machines/{machine_id}", "Machine"],
        ["/machines/{machine_id}/scopes/{other_machine_id}", "MachineScope"]
      ]
      for (const [path, object] of targets) {
        schema(document, object)
        const op = operation(document, "delete", path)
        const documented = successSchema(document, op)
        if (documented.oneOf) throw new Error(`override: DELETE ${path} already answers alternatives: review it`)
        const status = Object.keys(op.responses).find((s) => s.startsWith("2"))!
        op.responses[status] = {
          description: "The deleted object, or the object as it was (what Clerk sends)",
          content: {
            "application/json": {
              schema: { oneOf: [structuredClone(documented), { $ref: `#/components/schemas/${object}` }] }
            }
          }
        }
      }
    }
  },
  {
    name: "jwks-keys-of-any-shape",
    why:
      "JWKS.keys is a oneOf of seven key shapes, each requiring `kid`, `alg` and `use`, so one key without " +
      "`use` (optional in RFC 7517 4.2 and 4.4; only `kty` is required, 4.1) or of another shape fails the " +
      "whole set, although RFC 7517 5 says a reader SHOULD ignore the keys it does not understand. Clerk's " +
      "SDK reads the set as `JsonWebKey & { kid: string }` (clerk/javascript@e21ae9a4 " +
      "packages/backend/src/tokens/keys.ts:18), every member but `kid` optional, casts the response without " +
      "checking it (keys.ts:151) and caches every key by kid whatever its kty (keys.ts:162-164). A last " +
      "member takes any other object, kept whole, so one odd key no longer refuses every token.",
    apply: (document) => {
      const items = schema(document, "JWKS").properties?.["keys"]?.items
      if (!items?.oneOf) throw new Error("override: JWKS.keys is no longer a oneOf of key shapes: review it")
      if (items.oneOf.some((member) => member.additionalProperties === true)) {
        throw new Error("override: JWKS.keys already takes a key of any shape: drop it")
      }
      items.oneOf.push({
        type: "object",
        description: "A key of another shape (RFC 7517 5: ignore what is not understood).",
        additionalProperties: true
      })
    }
  },
  {
    name: "paginated-envelope",
    why:
      "Eight list operations take a `paginated` query flag; with it Clerk answers `{ data, total_count }`, " +
      "which the spec does not document (it shows the bare list). Clerk's SDK always sends the flag on seven " +
      `of them and reads the envelope (${CLERK_JS}/endpoints/AllowlistIdentifierApi.ts:29, ClientApi.ts:24, ` +
      "InvitationApi.ts:87, JwtTemplatesApi.ts:55, RedirectUrlApi.ts:24, SessionApi.ts:56, UserApi.ts:660). " +
      "The envelope is recorded as `x-paginated-envelope`; with `paginated: true` the method's type and " +
      "decoder are the envelope.",
    apply: (document) => {
      let count = 0
      for (const item of Object.values(document.paths)) {
        for (const [method, value] of Object.entries(item)) {
          const op = value as MutableOperation
          if (method === "parameters" || !op?.responses) continue
          const params = [...((op.parameters ?? []) as Array<Mutable<Parameter>>)].map((p) =>
            p.$ref ? document.components.parameters![p.$ref.split("/").pop()!]! : p
          )
          if (!params.some((p) => p.name === "paginated" && p.in === "query")) continue
          const documented = successSchema(document, op)
          const resolved = documented.$ref
            ? document.components.schemas[documented.$ref.split("/").pop()!]!
            : documented
          // Operations whose documented answer is already an envelope need nothing.
          if (resolved.type !== "array") continue
          op["x-paginated-envelope"] = {
            type: "object",
            required: ["data", "total_count"],
            properties: { data: structuredClone(documented), total_count: { type: "integer" } }
          }
          count++
        }
      }
      if (count !== 8) throw new Error(`override paginated-envelope: expected 8 operations, found ${count}`)
    }
  }
]

/**
 * Applies the overrides. `wire: false` leaves out the wire overrides and the rate limits
 * (rateLimits.ts), for the generator's unit tests, whose small documents do not have their targets.
 */
export const applyOverrides = (document: Document, options: { readonly wire?: boolean } = {}): Document => {
  for (const override of overrides) override.apply(document as Mutable<Document>)
  if (options.wire !== false) {
    for (const override of wireOverrides) override.apply(document as Mutable<Document>)
    applyRateLimits(document)
  }
  check(document)
  return document
}

/** Defects of a kind the generator cannot guess a fix for: required properties nobody defined. */
const check = (document: Document) => {
  const problems: Array<string> = []
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${path}/${i}`))
    if (node === null || typeof node !== "object") return
    const object = node as SchemaObject
    if (Array.isArray(object.required) && object.properties && !object.allOf) {
      for (const name of object.required) {
        if (!(name in object.properties)) problems.push(`${path}: requires undefined property ${name}`)
      }
    }
    for (const [key, value] of Object.entries(node)) walk(value, `${path}/${key}`)
  }
  walk(document, "#")
  if (problems.length > 0) {
    throw new Error(`spec defects without an override (add one to overrides.ts):\n${problems.join("\n")}`)
  }
}
