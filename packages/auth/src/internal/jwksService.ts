/**
 * The backend's `JWKS` service, reached by its tag's key instead of an import of the JWKS group.
 *
 * A bundler keeps every export of a module that a barrel re-exports as a namespace
 * (`export * as Keys from "./Keys.js"`): importing `Keys` from `@effect-clerk/auth` keeps
 * `Keys.layerJwks` even where only `layerPem` is used. If that imported `JWKS` from
 * `@effect-clerk/backend/JWKS`, the group's module would come along with its `make` (a top-level
 * call a bundler cannot prove pure), and with it the backend's HTTP runtime, `@effect/platform`'s
 * HttpClient and effect's streams: 28 kB gzip that networkless verification never runs (measured
 * with esbuild's metafile; `pnpm figures` keeps the barrel's cost next to the subpaths').
 *
 * Effect finds a service in a context by its tag's key, so this tag reads the service that the JWKS
 * group's `layer` provides. The types still come from the backend (a type-only import, erased).
 */
import type * as JWKS from "@effect-clerk/backend/JWKS"
import * as Context from "effect/Context"

/** The key of `JWKS.JWKS` in packages/backend/src/generated/JWKS.ts. */
export const JWKSService: Context.Tag<JWKS.JWKS, JWKS.JWKS.Service> = /*#__PURE__*/ Context.GenericTag<
  JWKS.JWKS,
  JWKS.JWKS.Service
>("@effect-clerk/backend/JWKS")
