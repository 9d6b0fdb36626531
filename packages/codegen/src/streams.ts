/**
 * Pagination streams: which operations page with `limit`/`offset`, what one of their pages holds,
 * and the printers of their `…Stream` accessors, their fixtures and their rows in the docs.
 * Kept apart from group.ts, which calls `streamSections` once per group module.
 */
import type { Model, Operation, Service } from "./model.js"
import { pascal, streamName } from "./names.js"
import { comment, since } from "./print.js"
import { refName, type SchemaObject } from "./spec.js"

/** A list operation's stream, as the printers need it. */
export interface ListStream {
  readonly op: Operation
  /** `listStream`: the list's method + `Stream` (names.ts). */
  readonly method: string
  /** `ListStreamParams`: the list's query without `limit`/`offset` (and `paginated`), plus `pageSize`. */
  readonly paramsType: string
  /** The spec's maximum `limit`: the default page size. */
  readonly maxPageSize: number
  /** The page's array: `undefined` for a bare array, else the envelope's key (`data`, `m2m_tokens`). */
  readonly field: string | undefined
  /** The item type, with `«Component»` markers. */
  readonly itemType: string
  /** The query keys the stream sets itself. */
  readonly omitted: ReadonlyArray<string>
  /** Whether the stream's params are required (the list has a required query parameter besides these). */
  readonly paramsRequired: boolean
  /** Whether each page is asked with `paginated: true` (then it is a `{ data, total_count }` envelope). */
  readonly paginated: boolean
}

/** Query parameters the stream owns (`paginated`: sent only where the answer is then an envelope). */
const OWN = ["limit", "offset", "paginated"]

/**
 * The stream of `op`, or `undefined` when it does not page with `limit`/`offset`. A list whose page
 * shape or page size cannot be read from the spec fails the generator.
 */
export const listStream = (model: Model, op: Operation): ListStream | undefined => {
  const parameters = op.query?.parameters ?? []
  const limit = parameters.find((p) => p.name === "limit")
  const offset = parameters.find((p) => p.name === "offset")
  if (!limit || !offset || op.httpMethod !== "GET") return undefined
  const where = `${op.service}.${op.method} (${op.operationId})`
  const maxPageSize = model.spec.deref(limit.schema).maximum
  if (maxPageSize === undefined || !Number.isSafeInteger(maxPageSize) || maxPageSize < 1) {
    throw new Error(`${where}: pages with limit/offset, but its limit has no maximum to use as the page size`)
  }
  if (!op.success) throw new Error(`${where}: pages with limit/offset, but answers with no content`)
  const successType = op.success.named ?? `«${refName(op.success.schema.$ref!)}»`
  const page = model.spec.deref(op.success.schema)
  let field: string | undefined
  let items: SchemaObject
  if (page.type === "array" && page.items) {
    items = page.items
  } else {
    const arrays = Object.entries(page.properties ?? {}).filter(([, s]) => model.spec.deref(s).type === "array")
    const data = arrays.find(([key]) => key === "data") ?? (arrays.length === 1 ? arrays[0] : undefined)
    if (!data || !page.required?.includes(data[0])) {
      throw new Error(`${where}: pages with limit/offset, but its page is neither an array nor { data, total_count }`)
    }
    field = data[0]
    items = model.spec.deref(data[1]).items ?? {}
  }
  const access = field === undefined ? "" : `[${JSON.stringify(field)}]`
  const itemType = items.$ref ? `«${refName(items.$ref)}»` : `${successType}${access}[number]`
  const omitted = OWN.filter((name) => parameters.some((p) => p.name === name))
  // A list that decodes an envelope anyway (Billing's) is asked to paginate, and so is a bare-array
  // one whose `paginated: true` answer is typed and decoded as the envelope (model.ts, the
  // paginated-envelope override); any other is paged as bare arrays.
  const paginated = omitted.includes("paginated") && (field !== undefined || op.paginated !== undefined)
  return {
    op,
    method: streamName(op.method),
    paramsType: `${pascal(streamName(op.method))}Params`,
    maxPageSize,
    field: paginated ? (field ?? "data") : field,
    itemType,
    omitted,
    paramsRequired: parameters.some((p) => p.required && !OWN.includes(p.name)),
    paginated
  }
}

/** Every stream of the model, in the order of its operations. */
export const listStreams = (model: Model): ReadonlyArray<ListStream> =>
  model.operations.flatMap((op) => listStream(model, op) ?? [])

const listed = (names: ReadonlyArray<string>) => {
  const quoted = names.map((name) => `\`${name}\``)
  return quoted.length < 2 ? quoted.join("") : `${quoted.slice(0, -1).join(", ")} and ${quoted.at(-1)}`
}

/** Names the generated modules import under; a stream may not shadow them. */
const IMPORTS = ["Stream", "Paginate"]

/** The params type of a stream: the list's query without what the stream sets, plus `pageSize`. */
const paramsDeclaration = ({ op, method, maxPageSize, omitted, paramsType }: ListStream): string =>
  comment(
    since(
      "schemas",
      `The params of \`${method}\`: those of \`${op.method}\` but ${listed(omitted)}, which the stream sets, and \`pageSize\` (items per request, 1 to ${maxPageSize}; default ${maxPageSize}).`
    )
  ) +
  `export type ${paramsType} = Omit<${op.query!.typeName}, ${omitted.map((name) => JSON.stringify(name)).join(" | ")}> & { readonly pageSize?: number | undefined }\n`

/** One page: a call of the list, its envelope's array under `data` as `Paginate.stream` reads it. */
const pageCall = ({ op, paginated, field }: ListStream): string => {
  const query = paginated ? "{ ...query, paginated: true }" : "query"
  const call = `${op.method}(${[...op.pathParams.map((p) => p.arg), query].join(", ")})`
  return field === undefined || field === "data"
    ? call
    : `Effect.map(${call}, (page) => ({ data: page.${field}, total_count: page.total_count }))`
}

const streamDoc = ({ op, maxPageSize, paginated, field }: ListStream): string =>
  comment([
    `Every item of \`${op.method}\` (\`${op.httpMethod} ${op.path}\`), as a Stream.`,
    "",
    `Each page is one \`${op.method}\` call with \`limit\` = \`pageSize\` (default ${maxPageSize}, the spec's maximum)${paginated ? ", `paginated: true`" : ""} and the next \`offset\`;`,
    "the next page is requested only when the consumer has pulled every item of the current one.",
    `The stream ends after a short page${field === undefined ? "" : " or once `total_count` items are read"}, and fails with \`${op.method}\`'s error.`,
    ...(op.pathParams.length > 0
      ? ["", ...op.pathParams.map((p) => `@param ${p.arg} ${p.description ?? `\`${p.name}\``}`)]
      : []),
    "",
    "@since 0.1.0",
    "@category streams"
  ])

/** The stream's accessor: its page size is the one of the list's entry in the `operations` table. */
const streamDeclaration = (service: Service, stream: ListStream): string => {
  const { op } = stream
  const signature = [
    ...op.pathParams.map((p) => `${p.arg}: ${p.emitted.ts}`),
    `params${stream.paramsRequired ? "" : "?"}: ${stream.paramsType}`
  ].join(", ")
  return `${streamDoc(stream)}export const ${stream.method} = (${signature}): Stream.Stream<${stream.itemType}, ${pascal(op.method)}Error, ${service.name}> =>
  Paginate.stream("${service.name}.${stream.method}", operations.${op.method}.maxPageSize, params, (query) => ${pageCall(stream)})
`
}

/**
 * The declarations and accessors of a service module's streams. `declared` holds every name the
 * module already declares (types, schemas, methods, accessors); any stream name that meets one of
 * them, or an import, fails the generator.
 */
export const streamSections = (
  model: Model,
  service: Service,
  declared: ReadonlySet<string>
): ReadonlyArray<string> => {
  const streams = service.operations.flatMap((op) => listStream(model, op) ?? [])
  const taken = new Set([...declared, ...IMPORTS])
  for (const stream of streams) {
    for (const name of [stream.method, stream.paramsType]) {
      if (taken.has(name)) {
        throw new Error(
          `${service.name}.${stream.op.method}: its stream's name ${name} is already taken in ${service.name} (names.ts)`
        )
      }
      taken.add(name)
    }
  }
  return streams.flatMap((stream) => [paramsDeclaration(stream), streamDeclaration(service, stream)])
}

/**
 * The streams' fixtures (test/generated/streams.json): which list each stream pages, its page
 * size and its page shape. The runner joins them with fixtures.json by `operationId`.
 */
export const streamsFile = (model: Model): string =>
  JSON.stringify(
    listStreams(model).map((stream) => ({
      operationId: stream.op.operationId,
      service: stream.op.service,
      list: stream.op.method,
      stream: stream.method,
      maxPageSize: stream.maxPageSize,
      field: stream.field ?? null,
      omitted: stream.omitted,
      paramsRequired: stream.paramsRequired,
      paginated: stream.paginated
    })),
    null,
    1
  )

/** The docs' section listing every stream. */
export const streamsDoc = (model: Model): ReadonlyArray<string> => {
  const streams = [...listStreams(model)].sort(
    (a, b) => a.op.service.localeCompare(b.op.service) || a.method.localeCompare(b.method)
  )
  return [
    "",
    "## Streams",
    "",
    `${streams.length} list operations page with \`limit\`/\`offset\`; each has a Stream of its items named after it with`,
    "`Stream` appended (`Users.list` -> `Users.listStream`). The page size defaults to the spec's maximum `limit`.",
    "",
    "| stream | list | page | default page size |",
    "| --- | --- | --- | --- |",
    ...streams.map((s) => {
      const page = `${s.field === undefined ? "array" : `\`{ ${s.field}, total_count }\``}${s.paginated ? " (`paginated=true`)" : ""}`
      return `| \`${s.op.service}.${s.method}\` | \`${s.op.service}.${s.op.method}\` | ${page} | ${s.maxPageSize} |`
    })
  ]
}
