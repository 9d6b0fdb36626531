/**
 * Emulated API keys: the credentials an app hands its users and organizations for its own API,
 * created, listed, read, updated, deleted, revealed, revoked and verified through the Backend API.
 *
 * - A key has an id `ak_` + 32 hex digits (spec pattern `^ak_[0-9A-Fa-f]{32}$`) and a secret `ak_…`
 *   (the prefix Clerk's SDKs read as an API key: clerk/javascript packages/backend/src/tokens/machine.ts),
 *   returned by `create` and `GET …/secret` only.
 * - Its `subject` must be a user, organization or machine the emulator holds (a `scim_` subject is
 *   taken as given: SCIM directories are not emulated), `created_by` a user; else a 400
 *   `form_param_value_invalid` (these operations document 400, not 422).
 * - `seconds_until_expiration` sets `expiration` (absent or `null`: never); `expired` is computed at
 *   the emulator's clock, so advancing it expires a key.
 * - `verify` answers every key it knows, with `revoked` and `expired` saying whether it still holds
 *   (the spec's answer carries both; `@effect-clerk/auth`'s `MachineToken.verify` refuses on either).
 *   A valid key's `last_used_at` becomes now. An unknown secret is a 404 `resource_not_found`.
 * - `list` needs `subject`; revoked and expired keys only with `include_invalid=true`; `type`
 *   (default `api_key`) and `query` (part of the name) filter; newest first.
 *
 * @since 0.2.0
 */
import * as BackendAPIKeys from "@effect-clerk/backend/APIKeys"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import { hexId } from "../internal/ids.js"
import * as Status from "../internal/machineTokens.js"
import * as Order from "../internal/order.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"
import * as Machines from "./Machines.js"
import * as Organizations from "./organizations/records.js"
import * as Users from "./users/records.js"

/**
 * A stored API key.
 *
 * @since 0.2.0
 * @category models
 */
export interface ApiKeyRecord extends Status.Status {
  readonly sequence: number
  readonly id: string
  readonly type: string
  readonly name: string
  readonly secret: string
  subject: string
  description: string | null
  claims: unknown
  scopes: ReadonlyArray<string>
  readonly createdBy: string | null
}

/**
 * The API keys table.
 *
 * @since 0.2.0
 * @category tables
 */
export const apiKeys: Store.Table<ApiKeyRecord> = Store.table<ApiKeyRecord>("api_keys")

/**
 * The JSON of an API key (spec `getApiKey`'s answer), without its secret; `expired` at the clock.
 *
 * @since 0.2.0
 * @category json
 */
export const apiKeyJson = (emulator: Resource.EmulatorContext, k: ApiKeyRecord): BackendAPIKeys.GetResponse => ({
  object: "api_key",
  id: k.id,
  type: k.type,
  subject: k.subject,
  name: k.name,
  description: k.description,
  claims: k.claims,
  scopes: k.scopes,
  created_by: k.createdBy,
  last_used_at: k.lastUsedAt,
  ...Status.statusJson(emulator.now(), k)
})

const get = (emulator: Resource.EmulatorContext, id: string): Effect.Effect<ApiKeyRecord, ApiError.ApiError> => {
  const k = emulator.store.get(apiKeys).get(id)
  return k === undefined ? Effect.fail(ApiError.notFound(`No API key was found with id ${id}.`)) : Effect.succeed(k)
}

/**
 * Whether the emulator holds the user, organization or machine an id names (`scim_…`: always, as
 * SCIM directories are not emulated).
 *
 * @since 0.2.0
 * @category operations
 */
export const subjectExists = (emulator: Resource.EmulatorContext, subject: string): boolean =>
  subject.startsWith("user_")
    ? Users.find(emulator, subject) !== undefined
    : subject.startsWith("org_")
      ? Organizations.find(emulator, subject) !== undefined
      : subject.startsWith("mch_")
        ? emulator.store.get(Machines.machines).has(subject)
        : subject.startsWith("scim_")

const checkSubject = (emulator: Resource.EmulatorContext, subject: string): Effect.Effect<void, ApiError.ApiError> =>
  subjectExists(emulator, subject)
    ? Effect.void
    : Effect.fail(Status.invalidParam("subject", `No user, organization or machine was found with id ${subject}.`))

/**
 * Creates an API key (same rules as `POST /api_keys`); the answer carries its secret.
 *
 * @since 0.2.0
 * @category operations
 */
export const create = (
  emulator: Resource.EmulatorContext,
  body: BackendAPIKeys.CreateBody
): Effect.Effect<BackendAPIKeys.CreateResponse, ApiError.ApiError> =>
  Effect.gen(function* () {
    yield* checkSubject(emulator, body.subject)
    const createdBy = body.created_by ?? null
    if (createdBy !== null && Users.find(emulator, createdBy) === undefined) {
      return yield* Status.invalidParam("created_by", `No user was found with id ${createdBy}.`)
    }
    const k: ApiKeyRecord = {
      sequence: emulator.store.nextSequence(),
      id: hexId(emulator.generateId, "ak_"),
      type: body.type ?? "api_key",
      name: body.name,
      secret: `ak_${emulator.generateToken()}`,
      subject: body.subject,
      description: body.description ?? null,
      claims: body.claims ?? null,
      scopes: body.scopes ?? [],
      createdBy,
      ...Status.fresh(emulator.now(), body.seconds_until_expiration ?? null)
    }
    emulator.store.get(apiKeys).set(k.id, k)
    return { ...apiKeyJson(emulator, k), secret: k.secret }
  })

/**
 * The API key a secret belongs to, if any.
 *
 * @since 0.2.0
 * @category operations
 */
export const findBySecret = (emulator: Resource.EmulatorContext, secret: string): ApiKeyRecord | undefined => {
  for (const k of emulator.store.get(apiKeys).values()) if (k.secret === secret) return k
  return undefined
}

/**
 * The APIKeys resource.
 *
 * @since 0.2.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("api_keys", [
  Resource.route(BackendAPIKeys.operations.list, ({ emulator, query }) =>
    Effect.sync(() => {
      const now = emulator.now()
      const type = query.type ?? "api_key"
      const needle = query.query?.toLowerCase()
      const found = Array.from(emulator.store.get(apiKeys).values())
        .filter(
          (k) =>
            k.subject === query.subject &&
            k.type === type &&
            (query.include_invalid === "true" || Status.isValid(now, k)) &&
            (needle === undefined || k.name.toLowerCase().includes(needle))
        )
        .sort(Order.compare({ field: "created_at", sign: -1 }, (k) => k.createdAt))
        .map((k) => apiKeyJson(emulator, k))
      return Order.page(found, query)
    })
  ),
  Resource.route(BackendAPIKeys.operations.create, ({ emulator, body }) => create(emulator, body)),
  Resource.route(BackendAPIKeys.operations.get, ({ emulator, path }) =>
    Effect.map(get(emulator, path.apiKeyID), (k) => apiKeyJson(emulator, k))
  ),
  Resource.route(BackendAPIKeys.operations.update, ({ emulator, path, body }) =>
    Effect.gen(function* () {
      const k = yield* get(emulator, path.apiKeyID)
      if (body.subject !== undefined) yield* checkSubject(emulator, body.subject)
      const now = emulator.now()
      if (body.subject !== undefined) k.subject = body.subject
      if (body.description !== undefined) k.description = body.description
      if (body.claims !== undefined) k.claims = body.claims
      if (body.scopes !== undefined) k.scopes = body.scopes
      if (body.seconds_until_expiration !== undefined) {
        k.expiration = Status.expiresAt(now, body.seconds_until_expiration)
      }
      k.updatedAt = now
      return apiKeyJson(emulator, k)
    })
  ),
  Resource.route(BackendAPIKeys.operations.delete, ({ emulator, path }) =>
    Effect.map(get(emulator, path.apiKeyID), (k) => {
      emulator.store.get(apiKeys).delete(k.id)
      return { object: "api_key", id: k.id, deleted: true }
    })
  ),
  Resource.route(BackendAPIKeys.operations.getSecret, ({ emulator, path }) =>
    Effect.map(get(emulator, path.apiKeyID), (k) => ({ secret: k.secret }))
  ),
  Resource.route(BackendAPIKeys.operations.revoke, ({ emulator, path, body }) =>
    Effect.map(get(emulator, path.apiKeyID), (k) => {
      Status.revoke(emulator.now(), k, body.revocation_reason)
      return apiKeyJson(emulator, k)
    })
  ),
  Resource.route(BackendAPIKeys.operations.verify, ({ emulator, body }) => {
    const k = findBySecret(emulator, body.secret)
    if (k === undefined) return Effect.fail(ApiError.notFound("API key not found"))
    Status.use(emulator.now(), k)
    return Effect.succeed(apiKeyJson(emulator, k))
  })
])
