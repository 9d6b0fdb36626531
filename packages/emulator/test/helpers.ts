import type * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import * as Emulator from "../src/Emulator.js"

export const SECRET_KEY = "sk_test_emulator"

export interface Reply {
  readonly status: number
  readonly contentType: string | null
  readonly body: any
}

/** Sends one request to an emulator (base `https://api.clerk.com/v1`) and parses the JSON reply. */
export const call = async (
  emulator: Emulator.ClerkEmulator,
  method: string,
  path: string,
  options: { readonly body?: unknown; readonly rawBody?: string; readonly authorization?: string | null } = {}
): Promise<Reply> => {
  const headers = new Headers()
  const authorization = options.authorization === undefined ? `Bearer ${SECRET_KEY}` : options.authorization
  if (authorization !== null) headers.set("authorization", authorization)
  const init: RequestInit = { method, headers }
  if (options.rawBody !== undefined) {
    init.body = options.rawBody
    headers.set("content-type", "application/json")
  } else if (options.body instanceof FormData) {
    init.body = options.body // multipart: the Request sets its content-type and boundary
  } else if (options.body !== undefined) {
    init.body = JSON.stringify(options.body)
    headers.set("content-type", "application/json")
  }
  const response = await emulator.handle(new Request(`https://api.clerk.com/v1${path}`, init))
  return { status: response.status, contentType: response.headers.get("content-type"), body: await response.json() }
}

/** A fresh emulator with a controllable clock and deterministic ids. */
export const setup = (options: Emulator.Options = {}) => {
  let clock = 1_700_000_000_000
  const emulator = Emulator.make({
    now: () => clock,
    generateId: Emulator.sequentialIds(),
    ...options
  })
  return {
    emulator,
    advance: (ms: number) => {
      clock += ms
    },
    now: () => clock
  }
}

const properties = (ast: AST.AST): ReadonlyArray<AST.PropertySignature> =>
  ast._tag === "TypeLiteral"
    ? ast.propertySignatures
    : ast._tag === "Refinement" || ast._tag === "Transformation"
      ? properties(ast.from)
      : ast._tag === "Suspend"
        ? properties(ast.f())
        : ast._tag === "TupleType" && ast.rest[0] !== undefined
          ? properties(ast.rest[0].type)
          : []

/** The property names of a struct schema (of each element, for an array of structs); none for `undefined`. */
export const propertyNames = (schema: Schema.Schema.Any | undefined): ReadonlyArray<string> =>
  schema === undefined ? [] : properties(schema.ast).map((p) => String(p.name))
