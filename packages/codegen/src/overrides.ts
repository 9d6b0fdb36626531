/**
 * Named fixes for defects of Clerk's spec (bapi-2026-05-12.yml), applied to the parsed document
 * before anything is generated. Each one says what is wrong and what the fix assumes. The generated
 * output is never edited by hand; a defect is fixed here or not at all.
 *
 * `check` (run after the overrides) fails the generation when a new defect of a known kind shows
 * up, so a new spec version cannot slip one through silently.
 */
import type { Document, SchemaObject } from "./spec.js"

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

export const applyOverrides = (document: Document): Document => {
  for (const override of overrides) override.apply(document as Mutable<Document>)
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
