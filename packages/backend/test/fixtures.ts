/**
 * The generated contract fixtures (test/generated/fixtures.json), typed, and the helpers to call
 * an operation from them. Shared by contract.test.ts, prism.test.ts and hand-written tests.
 */
import * as Backend from "@effect-clerk/backend"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import { readFileSync } from "node:fs"

export interface Fixture {
  readonly operationId: string
  readonly service: string
  readonly method: string
  /** The spec's path template (`/users/{user_id}`): path parameters are the first `args`, in its order. */
  readonly route: string
  readonly args: ReadonlyArray<unknown>
  readonly request: {
    readonly method: string
    readonly path: string
    readonly query: ReadonlyArray<readonly [string, string]>
    readonly body?: unknown
    readonly form?: Record<string, unknown>
  }
  readonly response: { readonly status: number; readonly body?: unknown }
  readonly errors: Record<string, string>
}

export const fixtures: ReadonlyArray<Fixture> = JSON.parse(
  readFileSync(new URL("./generated/fixtures.json", import.meta.url), "utf8")
)

export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** Fixture values -> call arguments: `{ $file }` markers become Blobs. */
export const materialize = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(materialize)
  if (value !== null && typeof value === "object") {
    if ("$file" in value) return new Blob([PNG], { type: "image/png" })
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, materialize(v)]))
  }
  return value
}

export type AnyService = Record<
  string,
  (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown, { readonly _tag: string }>
>

export const groupOf = (fixture: Fixture) => {
  const module = (Backend as unknown as Record<string, Record<string, unknown>>)[fixture.service]!
  return {
    tag: module[fixture.service] as Context.Tag<unknown, AnyService>,
    layer: module["layer"] as Layer.Layer<unknown, never, Backend.ClerkClient.ClerkClient>
  }
}

/** The fixture's operation, called through its service (which the caller provides). */
export const callOperation = (fixture: Fixture) =>
  Effect.flatMap(groupOf(fixture).tag, (service) => service[fixture.method]!(...fixture.args.map(materialize)))
