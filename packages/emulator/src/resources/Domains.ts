/**
 * Emulated instance domains: the primary domain and satellite domains (list, add, update, delete).
 *
 * - The primary domain is always there: its name is the host of the emulator's `frontendApiUrl`,
 *   its id the same on every run with the same URL. It can be renamed, never deleted: deleting it
 *   is a 403 (spec `DeleteDomain`: "It is currently not possible to delete the instance's primary
 *   domain").
 * - `POST /domains` adds a satellite ("instances can have only one primary domain, so the
 *   `is_satellite` parameter must be set to `true`", spec `AddDomain`; `false` breaks the request
 *   schema: 422). A satellite's Frontend API is `https://clerk.<name>`, or its `proxy_url` when it has
 *   one; its `cname_targets` name `clerk.<name>` unless proxied; `accounts_portal_url` is null ("Null
 *   for satellite domains", spec `Domain`).
 * - A name is a host, optionally with a port ("can contain the port for development instances,
 *   like `localhost:3000`"; "Cannot contain protocol scheme", spec `UpdateDomain`), lower-cased and
 *   unique across the instance: a taken one is a 422 `form_identifier_exists`, a malformed one a 422
 *   `form_param_format_invalid`, as is a `proxy_url` that is not an `https://` URL.
 * - `is_secondary` is accepted; the emulator keeps a name as given (it never reduces it to its
 *   registrable domain), which is what `is_secondary: true` asks for.
 *
 * Not emulated: the 402 of a plan without satellite domains, the 400s of production-only settings.
 *
 * @since 0.2.0
 */
import * as BackendDomains from "@effect-clerk/backend/Domains"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import { stableId } from "../internal/ids.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"

/**
 * A stored domain: its JSON as the API returns it (the backend's generated `Domains.Domain`).
 *
 * @since 0.2.0
 * @category models
 */
export interface DomainRecord {
  readonly sequence: number
  json: BackendDomains.Domain
}

/**
 * The domains table: the satellites, and the primary domain once it has been changed.
 *
 * @since 0.2.0
 * @category tables
 */
export const domains: Store.Table<DomainRecord> = Store.table<DomainRecord>("domains")

const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/

/**
 * The instance's primary domain, as stored or as it starts.
 *
 * @since 0.2.0
 * @category operations
 */
export const primary = (emulator: Resource.EmulatorContext): DomainRecord => {
  const id = stableId("dmn_", emulator.frontendApiUrl)
  const stored = emulator.store.get(domains).get(id)
  if (stored !== undefined) return stored
  const name = new URL(emulator.frontendApiUrl).host
  return {
    sequence: 0,
    json: {
      object: "domain",
      id,
      name,
      is_satellite: false,
      frontend_api_url: emulator.frontendApiUrl,
      accounts_portal_url: `https://accounts.${name}`,
      proxy_url: null,
      development_origin: "",
      cname_targets: null
    }
  }
}

/**
 * Every domain, the primary first, then the satellites oldest first.
 *
 * @since 0.2.0
 * @category operations
 */
export const all = (emulator: Resource.EmulatorContext): Array<DomainRecord> => {
  const first = primary(emulator)
  const satellites = Array.from(emulator.store.get(domains).values()).filter((d) => d.json.id !== first.json.id)
  return [first, ...satellites.sort((a, b) => a.sequence - b.sequence)]
}

const find = (emulator: Resource.EmulatorContext, id: string): Effect.Effect<DomainRecord, ApiError.ApiError> => {
  const found = all(emulator).find((d) => d.json.id === id)
  return found === undefined
    ? Effect.fail(ApiError.notFound(`No domain was found with id ${id}.`))
    : Effect.succeed(found)
}

const checkName = (
  emulator: Resource.EmulatorContext,
  raw: string,
  self?: string
): Effect.Effect<string, ApiError.ApiError> => {
  const name = raw.trim().toLowerCase()
  if (!HOST.test(name)) {
    return Effect.fail(
      ApiError.paramFormatInvalid("name", "name must be a host name, optionally with a port, without a scheme.")
    )
  }
  return all(emulator).some((d) => d.json.name === name && d.json.id !== self)
    ? Effect.fail(ApiError.identifierExists("name", `The domain ${name} is already a domain of this instance.`))
    : Effect.succeed(name)
}

const checkProxyUrl = (value: string | null | undefined): Effect.Effect<string | null, ApiError.ApiError> => {
  if (value === undefined || value === null) return Effect.succeed(null)
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  return url?.protocol === "https:"
    ? Effect.succeed(value)
    : Effect.fail(ApiError.paramFormatInvalid("proxy_url", "proxy_url must be an https:// URL."))
}

const satelliteJson = (id: string, name: string, proxyUrl: string | null): BackendDomains.Domain => ({
  object: "domain",
  id,
  name,
  is_satellite: true,
  frontend_api_url: proxyUrl ?? `https://clerk.${name}`,
  accounts_portal_url: null,
  proxy_url: proxyUrl,
  development_origin: "",
  cname_targets:
    proxyUrl === null ? [{ host: `clerk.${name}`, value: "frontend-api.clerk.services", required: true }] : null
})

/**
 * Adds a satellite domain (same rules as `POST /domains`).
 *
 * @since 0.2.0
 * @category operations
 */
export const add = (
  emulator: Resource.EmulatorContext,
  body: BackendDomains.AddBody
): Effect.Effect<BackendDomains.Domain, ApiError.ApiError> =>
  Effect.gen(function* () {
    const name = yield* checkName(emulator, body.name)
    const proxyUrl = yield* checkProxyUrl(body.proxy_url)
    const record: DomainRecord = {
      sequence: emulator.store.nextSequence(),
      json: satelliteJson(emulator.generateId("dmn_"), name, proxyUrl)
    }
    emulator.store.get(domains).set(record.json.id, record)
    return structuredClone(record.json)
  })

const update = (
  emulator: Resource.EmulatorContext,
  record: DomainRecord,
  body: BackendDomains.UpdateBody
): Effect.Effect<BackendDomains.Domain, ApiError.ApiError> =>
  Effect.gen(function* () {
    const name =
      body.name === undefined || body.name === null
        ? record.json.name
        : yield* checkName(emulator, body.name, record.json.id)
    const proxyUrl =
      body.proxy_url === undefined ? (record.json.proxy_url ?? null) : yield* checkProxyUrl(body.proxy_url)
    const json: BackendDomains.Domain = record.json.is_satellite
      ? satelliteJson(record.json.id, name, proxyUrl)
      : { ...record.json, name, proxy_url: proxyUrl, accounts_portal_url: `https://accounts.${name}` }
    const stored: DomainRecord = { sequence: record.sequence, json }
    emulator.store.get(domains).set(json.id, stored)
    return structuredClone(json)
  })

/**
 * The Domains resource.
 *
 * @since 0.2.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("domains", [
  Resource.route(BackendDomains.operations.list, ({ emulator }) =>
    Effect.sync(() => {
      const data = all(emulator).map((d) => structuredClone(d.json))
      return { data, total_count: data.length }
    })
  ),
  Resource.route(BackendDomains.operations.add, ({ emulator, body }) => add(emulator, body), {
    ignores: { is_satellite: "the schema allows `true` only: a satellite is all `POST /domains` adds" }
  }),
  Resource.route(
    BackendDomains.operations.update,
    ({ emulator, path, body }) =>
      Effect.flatMap(find(emulator, path.domain_id), (record) => update(emulator, record, body)),
    {
      ignores: {
        is_secondary:
          "the emulator keeps every name as given, never reducing it to its registrable domain: what `true` asks for, and `false` changes nothing here"
      }
    }
  ),
  Resource.route(BackendDomains.operations.delete, ({ emulator, path }) =>
    Effect.flatMap(find(emulator, path.domain_id), (record) => {
      if (!record.json.is_satellite) {
        return Effect.fail(
          ApiError.make(403, {
            message: "not allowed",
            long_message: "The primary domain of an instance cannot be deleted.",
            code: "operation_not_allowed"
          })
        )
      }
      emulator.store.get(domains).delete(record.json.id)
      return Effect.succeed({ object: "domain", id: record.json.id, deleted: true })
    })
  )
])
