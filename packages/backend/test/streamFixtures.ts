/**
 * The generated stream fixtures (test/generated/streams.json), typed, joined with the contract
 * fixtures of their lists, and the helper to open a stream from them. Shared by streams.test.ts and
 * prism/streams.shared.test.ts.
 */
import * as Backend from "@effect-clerk/backend"
import type * as Stream from "effect/Stream"
import { readFileSync } from "node:fs"
import { type Fixture, fixtures, materialize } from "./fixtures.js"

export interface StreamFixture {
  readonly operationId: string
  readonly service: string
  readonly list: string
  readonly stream: string
  readonly maxPageSize: number
  /** The envelope's array (`data`, `m2m_tokens`), or `null` for a bare array. */
  readonly field: string | null
  /** The query keys the stream sets itself. */
  readonly omitted: ReadonlyArray<string>
  readonly paramsRequired: boolean
  /** Whether each page is asked with `paginated=true` (then `field` is its envelope's array). */
  readonly paginated: boolean
}

export const streams: ReadonlyArray<StreamFixture> = JSON.parse(
  readFileSync(new URL("./generated/streams.json", import.meta.url), "utf8")
)

export type Item = { readonly n: number } & Record<string, unknown>
type AnyStream = (...args: ReadonlyArray<unknown>) => Stream.Stream<Item, { readonly _tag: string }, unknown>

/** The contract fixture of the stream's list. */
export const listOf = (s: StreamFixture): Fixture => fixtures.find((f) => f.operationId === s.operationId)!

/**
 * The stream, called with its list fixture's path arguments and params (without the keys the stream
 * sets), plus `extra` (e.g. `pageSize`). The caller provides the service.
 */
export const openStream = (s: StreamFixture, extra: Record<string, unknown> = {}) => {
  const list = listOf(s)
  const module = (Backend as unknown as Record<string, Record<string, unknown>>)[s.service]!
  const method = module[s.stream] as AnyStream
  const params = Object.fromEntries(
    Object.entries(list.args.at(-1) as Record<string, unknown>).filter(([key]) => !s.omitted.includes(key))
  )
  return method(...list.args.slice(0, -1).map(materialize), materialize({ ...params, ...extra }))
}
