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
 * The predicate (predicate.ts, node by node as `ParseResult` decides) runs as generated code where
 * the runtime allows `new Function` (predicateCode.ts), else as closures.
 *
 * The property tests in test/decode.test.ts check that the predicate and the Schema decoder accept
 * and reject the same values (Schema's `Arbitrary` and mutations of the contract fixtures).
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import { decodeOptions, type Predicate } from "./predicate.js"
import { fastPredicate } from "./predicateCode.js"

export { decodeOptions, type Predicate, predicate } from "./predicate.js"
export { fastPredicate } from "./predicateCode.js"

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
