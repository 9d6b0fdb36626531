/**
 * The predicate of a response schema: `true` only when the Schema decoder would accept the value
 * unchanged (decode.ts returns the value itself then). Compiled once per AST node into closures.
 *
 * It follows what `ParseResult` does under `{ errors: "all", onExcessProperty: "preserve" }`, node
 * for node:
 * - a struct (`TypeLiteral`) needs a non-array object; each property's schema is applied to
 *   `input[name]` (an optional one only when the key is present); unknown keys are kept as they
 *   are, since the object is returned itself; index signatures check every own key's value;
 * - a union holds when one member holds; members that pin a property to literals (discriminated
 *   unions such as verifications) are looked up by that property's value instead of tried in turn;
 * - refinements run their own filter after their base; `Suspend` is compiled lazily (recursion);
 * - anything else (a transformation, a declaration, a template literal, a tuple with elements)
 *   is left to the Schema decoder: a transformation always, the rest through `ParseResult.is`.
 *
 * @internal
 */
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

export interface Dispatch<M> {
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
export const discriminator = (ast: AST.Union): Dispatch<AST.AST> | undefined => {
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
