import * as AST from "effect/SchemaAST"

type Kind = "array" | "number" | "boolean" | "string"

/**
 * What a query or body value is, from its schema: an array, a number, a boolean, else a string.
 *
 * @internal
 */
export const kindOf = (ast: AST.AST): Kind => {
  switch (ast._tag) {
    case "TupleType":
      return "array"
    case "NumberKeyword":
      return "number"
    case "BooleanKeyword":
      return "boolean"
    case "Literal":
      return typeof ast.literal === "number" ? "number" : typeof ast.literal === "boolean" ? "boolean" : "string"
    case "Refinement":
      return kindOf(ast.from)
    case "Transformation":
      return kindOf(ast.from)
    case "Suspend":
      return kindOf(ast.f())
    case "Union": {
      const kinds = ast.types
        .filter((t) => t._tag !== "UndefinedKeyword" && !(t._tag === "Literal" && t.literal === null))
        .map(kindOf)
      return kinds.length > 0 && kinds.every((k) => k === kinds[0]) ? kinds[0]! : "string"
    }
    default:
      return "string"
  }
}

const propertiesOf = (ast: AST.AST): ReadonlyArray<AST.PropertySignature> => {
  switch (ast._tag) {
    case "TypeLiteral":
      return ast.propertySignatures
    case "Refinement":
    case "Transformation":
      return propertiesOf(ast.from)
    case "Suspend":
      return propertiesOf(ast.f())
    default:
      return []
  }
}

const NUMBER = /^-?\d+(\.\d+)?$/

/**
 * Turns a query string into the encoded form of a generated query schema: arrays from repeated
 * keys (or comma-separated for `explode: false` parameters), numbers and booleans from their text.
 * A value that is not a number or boolean stays a string, so that decoding reports it as invalid.
 * Keys the schema does not declare are dropped (the API ignores them).
 *
 * @internal
 */
export const fromSearchParams = (
  ast: AST.AST,
  params: URLSearchParams,
  csv: ReadonlySet<string>
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const property of propertiesOf(ast)) {
    const name = String(property.name)
    const values = params.getAll(name)
    if (values.length === 0) continue
    const kind = kindOf(property.type)
    if (kind === "array") {
      const items = csv.has(name) ? values.flatMap((v) => v.split(",")) : values
      const element =
        property.type._tag === "Union" ? property.type.types.find((t) => t._tag === "TupleType") : property.type
      const itemKind = element?._tag === "TupleType" ? kindOf(element.rest[0]?.type ?? AST.stringKeyword) : "string"
      out[name] = items.map((v) => coerce(itemKind, v))
    } else {
      // "if multiple `order_by` parameters are provided, we will only keep the first one" (spec `GetUserList`)
      out[name] = coerce(kind, values[0]!)
    }
  }
  return out
}

const coerce = (kind: Kind, value: string): unknown =>
  kind === "number" && NUMBER.test(value)
    ? Number(value)
    : kind === "boolean" && (value === "true" || value === "false")
      ? value === "true"
      : value
