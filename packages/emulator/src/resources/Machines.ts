/**
 * Emulated machines, the parties of machine-to-machine authentication: create, get, list, update,
 * delete, their secret key (get, rotate) and their scopes (which machines each may reach).
 *
 * - A machine has a Machine Secret Key (`ak_…`, the prefix of Clerk's, as its fixtures show:
 *   clerk/javascript packages/backend/src/api/__tests__/MachineApi.test.ts), returned once by
 *   `create` and by `secret_key`; it authenticates the machine to `M2MTokens.*` (see
 *   `Resource.RouteOptions`). `rotate` makes a new one and keeps the previous one valid for
 *   `previous_token_ttl` seconds (0: not at all).
 * - `default_token_ttl` (default 3600, spec `CreateMachine`) is the lifetime of its M2M tokens when a
 *   token asks for none.
 * - Scopes: `scoped_machines` at creation, `POST …/scopes` and `DELETE …/scopes/{other}`. An unknown
 *   machine is a 404 (a 422 `form_param_value_invalid` in `scoped_machines`), a machine scoped to
 *   itself a 422, a scope that exists already a 409 `duplicate_record`.
 * - Deleting a machine removes the scopes that name it; its tokens no longer verify.
 * - `list`: `query` ("exact match for machine ID and partial match for name", spec `ListMachines`),
 *   `order_by` `name` or `created_at` (default `-created_at`), `limit`/`offset`.
 *
 * @since 0.2.0
 */
import * as BackendMachines from "@effect-clerk/backend/Machines"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import { stableId } from "../internal/ids.js"
import * as Order from "../internal/order.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"

/**
 * A stored machine.
 *
 * @since 0.2.0
 * @category models
 */
export interface MachineRecord {
  readonly sequence: number
  readonly id: string
  name: string
  defaultTokenTtl: number
  readonly createdAt: number
  updatedAt: number
  secretKey: string
  /** Keys replaced by a rotation, each valid until `validUntil` (ms). */
  previousKeys: Array<{ readonly secret: string; readonly validUntil: number }>
  /** The machines this one may reach, in the order they were added. */
  scopes: Array<{ readonly toMachineId: string; readonly createdAt: number }>
}

/**
 * The machines table.
 *
 * @since 0.2.0
 * @category tables
 */
export const machines: Store.Table<MachineRecord> = Store.table<MachineRecord>("machines")

/**
 * The instance's id (`ins_…`), the same for every run with the same `frontendApiUrl`.
 *
 * @since 0.2.0
 * @category json
 */
export const instanceId = (emulator: Resource.EmulatorContext): string => stableId("ins_", emulator.frontendApiUrl)

const baseJson = (
  emulator: Resource.EmulatorContext,
  m: MachineRecord
): BackendMachines.MachineWithoutScopedMachines => ({
  object: "machine",
  id: m.id,
  name: m.name,
  instance_id: instanceId(emulator),
  created_at: m.createdAt,
  updated_at: m.updatedAt,
  default_token_ttl: m.defaultTokenTtl
})

/**
 * The JSON of a machine (spec `Machine`), its scoped machines embedded.
 *
 * @since 0.2.0
 * @category json
 */
export const machineJson = (emulator: Resource.EmulatorContext, m: MachineRecord): BackendMachines.Machine => ({
  ...baseJson(emulator, m),
  scoped_machines: m.scopes.flatMap(({ toMachineId }) => {
    const other = emulator.store.get(machines).get(toMachineId)
    return other === undefined ? [] : [baseJson(emulator, other)]
  })
})

/**
 * The machine with this id, else a 404.
 *
 * @since 0.2.0
 * @category operations
 */
export const get = (
  emulator: Resource.EmulatorContext,
  id: string
): Effect.Effect<MachineRecord, ApiError.ApiError> => {
  const m = emulator.store.get(machines).get(id)
  return m === undefined ? Effect.fail(ApiError.notFound(`No machine was found with id ${id}.`)) : Effect.succeed(m)
}

/**
 * The machine a Machine Secret Key belongs to (its current key, or a rotated one still within its
 * grace period); else a 401 `machine_secret_key_invalid`, with the message of Clerk's fixture
 * (clerk/javascript packages/backend/src/api/__tests__/M2MTokenApi.test.ts).
 *
 * @since 0.2.0
 * @category operations
 */
export const authenticate = (
  emulator: Resource.EmulatorContext,
  secret: string
): Effect.Effect<MachineRecord, ApiError.ApiError> => {
  const now = emulator.now()
  for (const m of emulator.store.get(machines).values()) {
    if (m.secretKey === secret || m.previousKeys.some((k) => k.secret === secret && now < k.validUntil)) {
      return Effect.succeed(m)
    }
  }
  return Effect.fail(
    ApiError.make(401, {
      message: "The provided Machine Secret Key is invalid. Make sure that your Machine Secret Key is correct.",
      long_message: "The provided Machine Secret Key is invalid. Make sure that your Machine Secret Key is correct.",
      code: "machine_secret_key_invalid"
    })
  )
}

const newSecret = (emulator: Resource.EmulatorContext) => `ak_${emulator.generateToken()}`

const addScope = (
  emulator: Resource.EmulatorContext,
  m: MachineRecord,
  toMachineId: string,
  unknown: (id: string) => ApiError.ApiError
): Effect.Effect<BackendMachines.MachineScope, ApiError.ApiError> => {
  if (!emulator.store.get(machines).has(toMachineId)) return Effect.fail(unknown(toMachineId))
  if (toMachineId === m.id) {
    return Effect.fail(
      ApiError.unprocessable({
        message: "is invalid",
        long_message: "A machine cannot be scoped to itself.",
        code: "form_param_value_invalid",
        meta: { param_name: "to_machine_id" }
      })
    )
  }
  if (m.scopes.some((s) => s.toMachineId === toMachineId)) {
    return Effect.fail(
      ApiError.make(409, {
        message: "duplicate",
        long_message: `Machine ${m.id} is already scoped to ${toMachineId}.`,
        code: "duplicate_record"
      })
    )
  }
  const createdAt = emulator.now()
  m.scopes.push({ toMachineId, createdAt })
  return Effect.succeed({
    object: "machine_scope",
    from_machine_id: m.id,
    to_machine_id: toMachineId,
    created_at: createdAt
  })
}

/**
 * Creates a machine (same rules as `POST /machines`); the answer carries its secret key.
 *
 * @since 0.2.0
 * @category operations
 */
export const create = (
  emulator: Resource.EmulatorContext,
  body: BackendMachines.CreateBody
): Effect.Effect<BackendMachines.CreateResponse, ApiError.ApiError> =>
  Effect.gen(function* () {
    const now = emulator.now()
    const m: MachineRecord = {
      sequence: emulator.store.nextSequence(),
      id: emulator.generateId("mch_"),
      name: body.name,
      defaultTokenTtl: body.default_token_ttl ?? 3600,
      createdAt: now,
      updatedAt: now,
      secretKey: newSecret(emulator),
      previousKeys: [],
      scopes: []
    }
    for (const other of new Set(body.scoped_machines ?? [])) {
      yield* addScope(emulator, m, other, (id) =>
        ApiError.unprocessable({
          message: "is invalid",
          long_message: `No machine was found with id ${id}.`,
          code: "form_param_value_invalid",
          meta: { param_name: "scoped_machines" }
        })
      )
    }
    emulator.store.get(machines).set(m.id, m)
    return { ...machineJson(emulator, m), secret_key: m.secretKey }
  })

const scopeNotFound = (id: string) => ApiError.notFound(`No machine was found with id ${id}.`)

// spec `ListMachines` `order_by`: `name` or `created_at`, `+` or `-` (`+` implied); default `-created_at`
const ORDER = Resource.orderBy<MachineRecord>("-created_at", {
  name: (m) => m.name,
  created_at: (m) => m.createdAt
})

/**
 * The Machines resource.
 *
 * @since 0.2.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("machines", [
  Resource.route(
    BackendMachines.operations.list,
    ({ emulator, query }) =>
      Effect.gen(function* () {
        const needle = query.query?.toLowerCase()
        const found = ORDER.sort(emulator.store.get(machines).values(), query.order_by)
          .filter((m) => needle === undefined || m.id === query.query || m.name.toLowerCase().includes(needle))
          .map((m) => machineJson(emulator, m))
        return Order.page(found, query)
      }),
    { orderBy: ORDER }
  ),
  Resource.route(BackendMachines.operations.create, ({ emulator, body }) => create(emulator, body)),
  Resource.route(BackendMachines.operations.get, ({ emulator, path }) =>
    Effect.map(get(emulator, path.machine_id), (m) => machineJson(emulator, m))
  ),
  Resource.route(BackendMachines.operations.update, ({ emulator, path, body }) =>
    Effect.map(get(emulator, path.machine_id), (m) => {
      if (body?.name !== undefined) m.name = body.name
      if (body?.default_token_ttl !== undefined) m.defaultTokenTtl = body.default_token_ttl
      m.updatedAt = emulator.now()
      return machineJson(emulator, m)
    })
  ),
  Resource.route(BackendMachines.operations.delete, ({ emulator, path }) =>
    Effect.map(get(emulator, path.machine_id), (m) => {
      const table = emulator.store.get(machines)
      table.delete(m.id)
      for (const other of table.values()) other.scopes = other.scopes.filter((s) => s.toMachineId !== m.id)
      return { object: "machine", id: m.id, deleted: true }
    })
  ),
  Resource.route(BackendMachines.operations.getSecretKey, ({ emulator, path }) =>
    Effect.map(get(emulator, path.machine_id), (m) => ({ object: "machine_secret_key", secret: m.secretKey }))
  ),
  Resource.route(BackendMachines.operations.rotateSecretKey, ({ emulator, path, body }) =>
    Effect.map(get(emulator, path.machine_id), (m) => {
      const now = emulator.now()
      m.previousKeys = [
        ...m.previousKeys.filter((k) => now < k.validUntil),
        { secret: m.secretKey, validUntil: now + body.previous_token_ttl * 1000 }
      ]
      m.secretKey = newSecret(emulator)
      m.updatedAt = now
      return { object: "machine_secret_key", secret: m.secretKey }
    })
  ),
  Resource.route(BackendMachines.operations.createScope, ({ emulator, path, body }) =>
    Effect.flatMap(get(emulator, path.machine_id), (m) => addScope(emulator, m, body.to_machine_id, scopeNotFound))
  ),
  Resource.route(BackendMachines.operations.deleteScope, ({ emulator, path }) =>
    Effect.flatMap(get(emulator, path.machine_id), (m) => {
      if (!m.scopes.some((s) => s.toMachineId === path.other_machine_id)) {
        return Effect.fail(ApiError.notFound(`Machine ${m.id} is not scoped to ${path.other_machine_id}.`))
      }
      m.scopes = m.scopes.filter((s) => s.toMachineId !== path.other_machine_id)
      return Effect.succeed({
        object: "machine_scope",
        from_machine_id: m.id,
        to_machine_id: path.other_machine_id,
        deleted: true
      })
    })
  )
])
