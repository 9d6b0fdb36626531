/**
 * The predicate of predicate.ts as straight-line code, built with `new Function` from the AST.
 *
 * @internal
 */
import * as Option from "effect/Option"
import type * as AST from "effect/SchemaAST"
import { decodeOptions, discriminator, type Predicate, predicate } from "./predicate.js"

const hasOwn = Object.prototype.hasOwnProperty

/**
 * The same predicate as straight-line code, built with `new Function` from the AST: property reads
 * with constant keys (`u["id"]`) and inline type tests instead of a closure call per property.
 * V8 runs it several times faster on large bodies. The code holds no value from a response (only
 * property names, as JSON string literals, and literals of the schema); where `new Function` is not
 * allowed (a Content Security Policy without `unsafe-eval`), `fastPredicate` is `predicate`.
 */
const generate = (root: AST.AST): Predicate => {
  const helpers: Array<(input: unknown) => boolean> = []
  const functions: Array<string> = []
  const ids = new Map<AST.AST, number>()
  const helper = (f: (input: unknown) => boolean) => `h[${helpers.push(f) - 1}]`

  const fn = (ast: AST.AST, body: () => string): string => {
    let id = ids.get(ast)
    if (id === undefined) {
      id = ids.size
      ids.set(ast, id)
      functions.push(`function f${id}(u) {\n${body()}\n}`)
    }
    return `f${id}`
  }

  /** A boolean expression testing the variable `v` (an identifier) against `ast`. */
  const test = (ast: AST.AST, v: string): string => {
    switch (ast._tag) {
      case "StringKeyword":
        return `typeof ${v} === "string"`
      case "NumberKeyword":
        return `typeof ${v} === "number"`
      case "BooleanKeyword":
        return `typeof ${v} === "boolean"`
      case "UnknownKeyword":
      case "AnyKeyword":
        return "true"
      case "UndefinedKeyword":
      case "VoidKeyword":
        return `${v} === undefined`
      case "NeverKeyword":
        return "false"
      case "Literal":
        // JSON.stringify writes no bigint, and NaN or Infinity as null: those go through the closure.
        return typeof ast.literal === "bigint" || (typeof ast.literal === "number" && !Number.isFinite(ast.literal))
          ? `${helper(predicate(ast))}(${v})`
          : `${v} === ${JSON.stringify(ast.literal)}`
      case "TypeLiteral":
        if (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) {
          return `(${v} !== null && ${v} !== undefined)`
        }
        if (
          ast.propertySignatures.some((ps) => typeof ps.name !== "string") ||
          ast.indexSignatures.some((is) => is.parameter._tag !== "StringKeyword")
        ) {
          return `${helper(predicate(ast))}(${v})`
        }
        return `${fn(ast, () => typeLiteralBody(ast))}(${v})`
      case "Union":
        // Small unions without a discriminator (`NullOr`, `optional`) test inline, without a call.
        return ast.types.length <= 3 && !discriminator(ast)
          ? `(${ast.types.map((member) => test(member, v)).join(" || ")})`
          : `${fn(ast, () => unionBody(ast))}(${v})`
      case "TupleType":
        if (ast.elements.length === 0 && ast.rest.length === 1) {
          const item = ast.rest[0]!.type
          const body = () =>
            `if (!Array.isArray(u)) return false\nfor (let i = 0; i < u.length; i++) { const v = u[i]; if (!(${test(item, "v")})) return false }\nreturn true`
          return `${fn(ast, body)}(${v})`
        }
        return `${helper(predicate(ast))}(${v})`
      case "Refinement":
        return `(${test(ast.from, v)} && ${helper((input) => Option.isNone(ast.filter(input, decodeOptions, ast)))}(${v}))`
      case "Transformation":
        return "false"
      default:
        // Suspend (recursion) and rarer nodes: the closure predicate.
        return `${helper(predicate(ast))}(${v})`
    }
  }

  const typeLiteralBody = (ast: AST.TypeLiteral): string => {
    const lines = [`if (typeof u !== "object" || u === null || Array.isArray(u)) return false`, "let v"]
    for (const ps of ast.propertySignatures) {
      const key = JSON.stringify(ps.name as string)
      lines.push(`v = u[${key}]`)
      if (ps.isOptional) {
        const absent =
          (ps.name as string) in Object.prototype ? `v === undefined || !hasOwn.call(u, ${key})` : "v === undefined"
        lines.push(`if (!(${absent}) && !(${test(ps.type, "v")})) return false`)
      } else {
        lines.push(`if (!(${test(ps.type, "v")})) return false`)
      }
    }
    const indexTests = ast.indexSignatures.map((is) => test(is.type, "v")).filter((t) => t !== "true")
    if (indexTests.length > 0) {
      lines.push(`for (const k of Object.keys(u)) { v = u[k]; if (!(${indexTests.join(" && ")})) return false }`)
    }
    lines.push("return true")
    return lines.join("\n")
  }

  const unionBody = (ast: AST.Union): string => {
    const lines: Array<string> = []
    const dispatch = discriminator(ast)
    if (dispatch) {
      lines.push(
        `if (typeof u === "object" && u !== null && !Array.isArray(u)) switch (u[${JSON.stringify(dispatch.key)}]) {`
      )
      const cases: Array<[string, Array<AST.AST>]> = [...dispatch.table].map(([value, keyed]) => [
        JSON.stringify(value),
        keyed
      ])
      if (dispatch.absent.length > 0) cases.push(["undefined", dispatch.absent])
      for (const [value, keyed] of cases) {
        lines.push(`case ${value}: if (${keyed.map((m) => test(m, "u")).join(" || ")}) return true; break`)
      }
      lines.push("}")
    }
    for (const member of dispatch ? dispatch.rest : ast.types) lines.push(`if (${test(member, "u")}) return true`)
    lines.push("return false")
    return lines.join("\n")
  }

  const entry = test(root, "u")
  const source = `"use strict"\n${functions.join("\n")}\nreturn function (u) { return ${entry} }`
  return new Function("h", "hasOwn", source)(helpers, hasOwn) as Predicate
}

/**
 * Whether this runtime allows `new Function` (a CSP may forbid it). Learnt again at the first
 * failure: workerd allows code generation while a Worker starts and refuses it inside a request
 * ("Code generation from strings disallowed for this context"), so a probe at load time says yes
 * and the first decode in a request is where we learn no.
 */
let canGenerate = (() => {
  try {
    return new Function("return true")() === true
  } catch {
    return false
  }
})()

const generated = new WeakMap<AST.AST, Predicate>()

/**
 * The fastest predicate this runtime allows: generated code, or the closures of `predicate`.
 *
 * @internal
 */
export const fastPredicate = (ast: AST.AST): Predicate => {
  if (!canGenerate) return predicate(ast)
  let found = generated.get(ast)
  if (!found) {
    try {
      found = generate(ast)
    } catch (error) {
      if (!(error instanceof EvalError)) throw error // a defect of the generator, not the runtime's refusal
      canGenerate = false
      return predicate(ast)
    }
    generated.set(ast, found)
  }
  return found
}
