/**
 * Fast validated decoding of response bodies.
 *
 * Response schemas carry no transformations (wire names, no renames, no dates), so a body that
 * is valid is its own decoded value. `decoder(schema)` compiles the schema's AST once into a plain
 * predicate and returns the parsed JSON itself when the predicate holds: no copy, no issue objects,
 * no per-key lookups in an "expected keys" union. Only when the predicate fails does it run the
 * Effect Schema decoder (with the runtime's options), which either finds the body valid after all
 * (the predicate is allowed to be conservative, never lenient) or builds today's detailed error
 * (path and expectation).
 *
 * The predicate follows what `ParseResult` does under `{ errors: "all", onExcessProperty:
 * "preserve" }`, node for node:
 * - a struct (`TypeLiteral`) needs a non-array object; each property's schema is applied to
 *   `input[name]` (an optional one only when the key is present); unknown keys are kept as they
 *   are, since the object is returned itself; index signatures check every own key's value;
 * - a union holds when one member holds; members that pin a property to literals (discriminated
 *   unions such as verifications) are looked up by that property's value instead of tried in turn;
 * - refinements run their own filter after their base; `Suspend` is compiled lazily (recursion);
 * - anything else (a transformation, a declaration, a template literal, a tuple with elements)
 *   is left to the Schema decoder: a transformation always, the rest through `ParseResult.is`.
 *
 * The property tests in test/decode.test.ts check that the predicate and the Schema decoder accept
 * and reject the same values (Schema's `Arbitrary` and mutations of the contract fixtures).
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/** A compiled check: `true` only when the Schema decoder would accept the value unchanged. */
export type Predicate = (input: unknown) => boolean

/** How responses are decoded when the fast path does not hold: all errors, unknown fields kept. */
export const decodeOptions: AST.ParseOptions = { errors: "all", onExcessProperty: "preserve" }

const compiled = new WeakMap<AST.AST, Predicate>()

const never: Predicate = () => false
const always: Predicate = () => true

const isRecord = (input: unknown): input is Record<string, unknown> =>
  typeof input === "object" && input !== null && !Array.isArray(input)

const hasOwn = Object.prototype.hasOwnProperty

/**
 * The predicate of a schema's AST (memoized per node, so shared component schemas compile once).
 *
 * @internal
 */
export const predicate = (ast: AST.AST): Predicate => {
  const found = compiled.get(ast)
  if (found) return found
  // A placeholder first, so that a recursive schema refers to the finished predicate.
  let target: Predicate | undefined
  compiled.set(ast, (input) => target!(input))
  target = compile(ast)
  compiled.set(ast, target)
  return target
}

const compile = (ast: AST.AST): Predicate => {
  switch (ast._tag) {
    case "StringKeyword":
      return (input) => typeof input === "string"
    case "NumberKeyword":
      return (input) => typeof input === "number"
    case "BooleanKeyword":
      return (input) => typeof input === "boolean"
    case "UnknownKeyword":
    case "AnyKeyword":
      return always
    case "UndefinedKeyword":
    case "VoidKeyword":
      return (input) => input === undefined
    case "NeverKeyword":
      return never
    case "Literal": {
      const literal = ast.literal
      return (input) => input === literal
    }
    case "TypeLiteral":
      return typeLiteral(ast)
    case "Union":
      return union(ast)
    case "TupleType":
      return ast.elements.length === 0 && ast.rest.length === 1 ? array(predicate(ast.rest[0]!.type)) : byParser(ast)
    case "Refinement": {
      const from = predicate(ast.from)
      const filter = ast.filter
      return (input) => from(input) && Option.isNone(filter(input, decodeOptions, ast))
    }
    case "Suspend": {
      let inner: Predicate | undefined
      return (input) => (inner ??= predicate(ast.f()))(input)
    }
    case "Transformation":
      // A transformation changes the value: the parsed JSON is not the decoded one.
      return never
    default:
      return byParser(ast)
  }
}

/** Nodes the compiler does not specialize: Schema's own validator (type side, no transformation). */
const byParser = (ast: AST.AST): Predicate => {
  const is = ParseResult.is(Schema.make(ast))
  return (input) => is(input)
}

const array =
  (item: Predicate): Predicate =>
  (input) => {
    if (!Array.isArray(input)) return false
    for (let i = 0; i < input.length; i++) if (!item(input[i])) return false
    return true
  }

const typeLiteral = (ast: AST.TypeLiteral): Predicate => {
  // `{}` accepts anything but null and undefined, as ParseResult does.
  if (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) {
    return (input) => input !== null && input !== undefined
  }
  if (ast.propertySignatures.some((ps) => typeof ps.name !== "string")) return byParser(ast)
  const names = ast.propertySignatures.map((ps) => ps.name as string)
  const checks = ast.propertySignatures.map((ps) => predicate(ps.type))
  const optional = ast.propertySignatures.map((ps) => ps.isOptional)
  // A name Object.prototype also has (`constructor`) must be looked up as an own property.
  const inherited = names.map((name) => name in Object.prototype)
  const indexChecks: Array<Predicate> = []
  for (const is of ast.indexSignatures) {
    if (is.parameter._tag !== "StringKeyword") return byParser(ast)
    const check = predicate(is.type)
    if (check !== always) indexChecks.push(check)
  }
  const count = names.length
  return (input) => {
    if (!isRecord(input)) return false
    for (let i = 0; i < count; i++) {
      const name = names[i]!
      const value = input[name]
      if (optional[i]) {
        if (value === undefined || (inherited[i] && !hasOwn.call(input, name))) continue
      }
      if (!checks[i]!(value)) return false
    }
    if (indexChecks.length > 0) {
      for (const key of Object.keys(input)) {
        const value = input[key]
        for (const check of indexChecks) if (!check(value)) return false
      }
    }
    return true
  }
}

/**
 * The string literals a member pins `key` to, when it is a struct whose property `key` is literals;
 * `optional` when the member also holds without the key.
 */
const pinned = (
  member: AST.AST,
  key: string
): { readonly values: ReadonlyArray<string>; readonly optional: boolean } | undefined => {
  if (!AST.isTypeLiteral(member)) return undefined
  const ps = member.propertySignatures.find((p) => p.name === key)
  if (!ps) return undefined
  const values: Array<string> = []
  for (const literal of AST.isUnion(ps.type) ? ps.type.types : [ps.type]) {
    if (AST.isLiteral(literal) && typeof literal.literal === "string") values.push(literal.literal)
    // `Schema.optional` adds `undefined` to the property's type.
    else if (!(ps.isOptional && literal._tag === "UndefinedKeyword")) return undefined
  }
  return { values, optional: ps.isOptional }
}

interface Dispatch<M> {
  readonly key: string
  /** Members by the value of `key`. */
  readonly table: Map<string, Array<M>>
  /** Members that also hold when `key` is absent. */
  readonly absent: Array<M>
  /** Members that do not pin `key`: always tried. */
  readonly rest: Array<M>
}

/**
 * A property that pins at least two members of a union to literals (a discriminator), with the
 * members per value. A member can only hold when the value is one of its literals (or, if the
 * property is optional, absent), so the others need not be tried.
 */
const discriminator = (ast: AST.Union): Dispatch<AST.AST> | undefined => {
  const candidates = new Set<string>()
  for (const member of ast.types) {
    if (AST.isTypeLiteral(member)) for (const ps of member.propertySignatures) candidates.add(String(ps.name))
  }
  let best: Dispatch<AST.AST> | undefined
  for (const key of candidates) {
    const dispatch: Dispatch<AST.AST> = { key, table: new Map(), absent: [], rest: [] }
    let keyed = 0
    for (const member of ast.types) {
      const pin = pinned(member, key)
      if (!pin) {
        dispatch.rest.push(member)
        continue
      }
      keyed++
      if (pin.optional) dispatch.absent.push(member)
      for (const value of pin.values) {
        const list = dispatch.table.get(value) ?? []
        list.push(member)
        dispatch.table.set(value, list)
      }
    }
    if (keyed >= 2 && (!best || dispatch.rest.length < best.rest.length)) best = dispatch
  }
  return best
}

const union = (ast: AST.Union): Predicate => {
  const dispatch = discriminator(ast)
  if (dispatch) {
    const key = dispatch.key
    const table = new Map([...dispatch.table].map(([value, members]) => [value, members.map(predicate)]))
    const absent = dispatch.absent.map(predicate)
    const rest = dispatch.rest.map(predicate)
    return (input) => {
      if (isRecord(input)) {
        const value = input[key]
        const keyed = value === undefined ? absent : typeof value === "string" ? table.get(value) : undefined
        if (keyed) for (const member of keyed) if (member(input)) return true
      }
      for (const member of rest) if (member(input)) return true
      return false
    }
  }
  const members = ast.types.map(predicate)
  return (input) => {
    for (const member of members) if (member(input)) return true
    return false
  }
}

// -----------------------------------------------------------------------------------------------
// generated code
// -----------------------------------------------------------------------------------------------

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

/** Whether this runtime allows `new Function` (a CSP may forbid it). */
const canGenerate = (() => {
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
    found = generate(ast)
    generated.set(ast, found)
  }
  return found
}

/**
 * A decoder of parsed JSON for a response schema: the value itself when the fast path holds,
 * else the Schema decoder's result (its detailed `ParseIssue` on a real mismatch). Both are
 * compiled on first use, so building a layer of 249 operations compiles nothing.
 *
 * @internal
 */
export const decoder = <A, I>(
  schema: Schema.Schema<A, I>
): ((input: unknown) => Either.Either<A, ParseResult.ParseIssue>) => {
  let fast: Predicate | undefined
  let slow: ((input: unknown) => Either.Either<A, ParseResult.ParseIssue>) | undefined
  return (input) => {
    fast ??= fastPredicate(schema.ast)
    if (fast(input)) return Either.right(input as A)
    slow ??= ParseResult.decodeUnknownEither(schema, decodeOptions)
    return slow(input)
  }
}
