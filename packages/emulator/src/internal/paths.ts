import type * as ClerkOperation from "@effect-clerk/backend/ClerkOperation"

type Segment = { readonly _tag: "Literal"; readonly value: string } | { readonly _tag: "Param"; readonly name: string }

interface CompiledRoute {
  readonly operation: ClerkOperation.Any
  readonly segments: ReadonlyArray<Segment>
}

/** @internal */
export interface Match {
  readonly operation: ClerkOperation.Any
  readonly params: Readonly<Record<string, string>>
}

/** @internal */
export interface Paths {
  /** `undefined` when no operation matches the method and path. */
  readonly match: (method: string, pathname: string) => Match | undefined
}

const splitPath = (path: string): Array<string> => {
  const parts = path.split("/")
  if (parts[0] === "") parts.shift()
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop()
  return parts
}

const compile = (operation: ClerkOperation.Any): CompiledRoute => ({
  operation,
  segments: splitPath(operation.path).map((part): Segment =>
    part.startsWith("{") && part.endsWith("}")
      ? { _tag: "Param", name: part.slice(1, -1) }
      : { _tag: "Literal", value: part }
  )
})

// A literal segment wins over a parameter at the first position where two templates differ
// (`/users/count` before `/users/{user_id}`, `/invitations/pending` before `/invitations/{id}`).
const specificity = (a: CompiledRoute, b: CompiledRoute): number => {
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const x = a.segments[i]!._tag
    const y = b.segments[i]!._tag
    if (x !== y) return x === "Literal" ? -1 : 1
  }
  return a.segments.length - b.segments.length
}

/**
 * Builds a matcher over operation path templates (`/users/{user_id}`). Paths are matched with an
 * optional `/v1` prefix; segments are split on the raw (still URL-encoded) path and decoded
 * afterwards, so `%2F` never splits a segment.
 *
 * @internal
 */
export const make = (operations: ReadonlyArray<ClerkOperation.Any>): Paths => {
  const routes = operations.map(compile).sort(specificity)
  return {
    match: (method, pathname) => {
      let raw = splitPath(pathname)
      if (raw[0] === "v1") raw = raw.slice(1)
      let decoded: Array<string>
      try {
        decoded = raw.map((segment) => decodeURIComponent(segment))
      } catch {
        return undefined
      }
      for (const compiled of routes) {
        if (compiled.operation.method !== method || compiled.segments.length !== decoded.length) continue
        const params: Record<string, string> = {}
        let ok = true
        for (let i = 0; i < decoded.length && ok; i++) {
          const segment = compiled.segments[i]!
          const value = decoded[i]!
          if (segment._tag === "Literal") ok = segment.value === value
          else if (value === "") ok = false
          else params[segment.name] = value
        }
        if (ok) return { operation: compiled.operation, params }
      }
      return undefined
    }
  }
}
