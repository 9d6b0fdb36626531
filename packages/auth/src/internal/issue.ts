/**
 * The first failing path of a decode and what was expected there, in one line: what an operator
 * needs to see why an event did not decode, rather than the tree of the 45 members of the union.
 * The value found there is left out: a webhook payload carries personal data.
 */
import type * as AST from "effect/SchemaAST"
import type * as ParseResult from "effect/ParseResult"

interface Found {
  readonly path: ReadonlyArray<PropertyKey>
  readonly text: string
}

const expected = (ast: AST.AST | AST.Type): string => {
  // a missing property's issue carries its signature (`readonly name: type`): show the type
  const shown: unknown = "name" in ast && "type" in ast ? ast.type : ast
  const text = String(shown)
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}

const first = (issue: ParseResult.ParseIssue, path: ReadonlyArray<PropertyKey>): Found => {
  switch (issue._tag) {
    case "Pointer":
      return first(issue.issue, [...path, ...(Array.isArray(issue.path) ? issue.path : [issue.path])])
    case "Composite": {
      const issues = Array.isArray(issue.issues) ? issue.issues : [issue.issues]
      return issues.length > 0 ? first(issues[0]!, path) : { path, text: `expected ${expected(issue.ast)}` }
    }
    case "Refinement":
      return issue.kind === "From" ? first(issue.issue, path) : { path, text: `expected ${expected(issue.ast)}` }
    case "Transformation":
      return first(issue.issue, path)
    case "Missing":
      return { path, text: `missing (expected ${expected(issue.ast)})` }
    case "Unexpected":
      return { path, text: "not expected here" }
    case "Forbidden":
      return { path, text: "forbidden" }
    case "Type":
      return { path, text: `expected ${expected(issue.ast)}` }
  }
}

/** `at data.has_image: missing (expected boolean)`; `at the event: ...` for the root. */
export const firstIssue = (issue: ParseResult.ParseIssue): string => {
  const found = first(issue, [])
  const at = found.path.length === 0 ? "the event" : found.path.map((key) => String(key)).join(".")
  return `at ${at}: ${found.text}`
}
