/**
 * The generated predicate (internal/predicateCode.ts) where a runtime refuses code generation after
 * it started: workerd allows `new Function` while a Worker loads and throws `EvalError` ("Code
 * generation from strings disallowed for this context") inside a request. Decoding must go on with
 * the closures, not die. Its own file: the fallback is remembered for the rest of the module's life.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import { afterEach, vi } from "vitest"
import { fastPredicate } from "../src/internal/predicateCode.js"

const User = Schema.Struct({
  id: Schema.String,
  age: Schema.NullOr(Schema.Number),
  tags: Schema.Array(Schema.Literal("a", "b"))
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe("fastPredicate when the runtime refuses code generation in a request", () => {
  it("a generator bug is not hidden: an error other than EvalError still throws", () => {
    vi.stubGlobal(
      "Function",
      class {
        constructor() {
          throw new TypeError("not the runtime's refusal")
        }
      }
    )
    expect(() => fastPredicate(Schema.Struct({ other: Schema.String }).ast)).toThrow(TypeError)
  })

  it("falls back to the closures, which decide as the generated code does", () => {
    vi.stubGlobal(
      "Function",
      class {
        constructor() {
          throw new EvalError("Code generation from strings disallowed for this context")
        }
      }
    )
    const valid = fastPredicate(User.ast)
    vi.unstubAllGlobals()
    expect(valid({ id: "user_1", age: null, tags: ["a"] })).toBe(true)
    expect(valid({ id: "user_1", age: "7", tags: [] })).toBe(false)
    expect(valid({ id: "user_1", age: 7, tags: ["c"] })).toBe(false)
    // Learnt once: later schemas go straight to the closures, without trying again.
    const spy = vi.fn()
    vi.stubGlobal(
      "Function",
      class {
        constructor() {
          spy()
          throw new EvalError("refused")
        }
      }
    )
    expect(fastPredicate(Schema.Struct({ n: Schema.Number }).ast)({ n: 1 })).toBe(true)
    expect(spy).not.toHaveBeenCalled()
  })
})
