import type * as Resource from "../Resource.js"

type Segment = { readonly _tag: "Literal"; readonly value: string } | { readonly _tag: "Param"; readonly name: string }

interface CompiledRoute {
  readonly route: Resource.Route
  readonly segments: ReadonlyArray<Segment>
  readonly literals: number
}

/** @internal */
export interface Match {
  readonly route: Resource.Route
  readonly params: Readonly<Record<string, string>>
}

/** @internal */
export interface Router {
  /** `undefined` when no route matches the method and path. */
  readonly match: (method: string, pathname: string) => Match | undefined
}

const splitPath = (path: string): Array<string> => {
  const parts = path.split("/")
  if (parts[0] === "") parts.shift()
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop()
  return parts
}

const compile = (route: Resource.Route): CompiledRoute => {
  const segments = splitPath(route.path).map((part): Segment =>
    part.startsWith(":") ? { _tag: "Param", name: part.slice(1) } : { _tag: "Literal", value: part }
  )
  return { route, segments, literals: segments.filter((s) => s._tag === "Literal").length }
}

/**
 * Builds a router over the routes of `resources`. Paths are matched with an optional `/v1` prefix;
 * segments are split on the raw (still URL-encoded) path and decoded afterwards, so `%2F` never
 * splits a segment. Routes with more literal segments win (`/users/count` before `/users/:user_id`).
 *
 * @internal
 */
export const make = (resources: ReadonlyArray<Resource.Resource>): Router => {
  const routes = resources.flatMap((resource) => resource.routes.map(compile)).sort((a, b) => b.literals - a.literals)
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
        if (compiled.route.method !== method || compiled.segments.length !== decoded.length) continue
        const params: Record<string, string> = {}
        let ok = true
        for (let i = 0; i < decoded.length && ok; i++) {
          const segment = compiled.segments[i]!
          const value = decoded[i]!
          if (segment._tag === "Literal") ok = segment.value === value
          else if (value === "") ok = false
          else params[segment.name] = value
        }
        if (ok) return { route: compiled.route, params }
      }
      return undefined
    }
  }
}
