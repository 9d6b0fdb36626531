/**
 * Emulated M2M tokens: what a machine presents to another machine. Created with the machine's own
 * Machine Secret Key (`ak_…`, see `Machines`), listed, revoked and verified with it or with the
 * instance's secret key, as the spec's descriptions say.
 *
 * - An opaque token is `mt_…`, its id `mt_` + 32 hex digits (spec pattern); it is stored, listed,
 *   revocable. A JWT-format token (`token_format: "jwt"`) is signed with the instance's key (verify
 *   it with `GET /v1/jwks`) and, as the spec says, stateless: never stored, listed nor revoked.
 * - Its `scopes` are the machines the creating machine may reach when the token is made; its
 *   lifetime `seconds_until_expiration`, else (absent or `null`) the machine's `default_token_ttl`.
 * - `min_remaining_ttl_seconds` (opaque only) returns a live token of the machine with the same
 *   `claims` and `scopes` and at least that many seconds left instead of making one; a value not
 *   below the lifetime is a 400, as the spec says.
 * - With a Machine Secret Key: `listTokens` sees the key's machine only (another `subject` is a 403
 *   `authorization_invalid`), `revokeToken` only its tokens, `verifyToken` only tokens granted
 *   access to it (its machine among their `scopes`); any other token is a 404, as an unknown one.
 * - `verifyToken` answers every token it knows with `revoked` and `expired` saying whether it still
 *   holds, and records `last_used_at` for a valid one. A token whose machine was deleted is unknown.
 * - `listTokens` leaves out revoked and expired tokens unless `revoked=true` / `expired=true`
 *   (@clerk/backend: "Whether to include revoked M2M tokens. Defaults to `false`."); newest first.
 *
 * @since 0.2.0
 */
import * as BackendM2MTokens from "@effect-clerk/backend/M2MTokens"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import { hexId } from "../internal/ids.js"
import * as Jwt from "../internal/jwt.js"
import * as Status from "../internal/machineTokens.js"
import * as Order from "../internal/order.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"
import * as Machines from "./Machines.js"

/**
 * A stored (opaque) M2M token.
 *
 * @since 0.2.0
 * @category models
 */
export interface M2MTokenRecord extends Status.Status {
  readonly sequence: number
  readonly id: string
  readonly token: string
  /** The machine that created it. */
  readonly subject: string
  readonly claims: unknown
  readonly scopes: ReadonlyArray<string>
}

/**
 * The M2M tokens table.
 *
 * @since 0.2.0
 * @category tables
 */
export const m2mTokens: Store.Table<M2MTokenRecord> = Store.table<M2MTokenRecord>("m2m_tokens")

/** The JWT header category of M2M tokens (clerk/javascript packages/backend/src/tokens/jwtCategories.ts). */
const M2M_CATEGORY = "cl_B7d4PD333AAA"

/**
 * The JSON of an M2M token (spec `verifyM2MToken`'s answer), without the token; `expired` at the clock.
 *
 * @since 0.2.0
 * @category json
 */
export const m2mTokenJson = (
  emulator: Resource.EmulatorContext,
  t: M2MTokenRecord
): BackendM2MTokens.VerifyTokenResponse => ({
  object: "machine_to_machine_token",
  id: t.id,
  subject: t.subject,
  claims: t.claims,
  scopes: t.scopes,
  last_used_at: t.lastUsedAt,
  ...Status.statusJson(emulator.now(), t)
})

const notFound = (what: string) => ApiError.notFound(`No M2M token was found with ${what}.`)

// the machine a Machine Secret Key belongs to; `undefined` for the instance's secret key
const callerMachine = (
  emulator: Resource.EmulatorContext,
  caller: Resource.Caller
): Effect.Effect<Machines.MachineRecord | undefined, ApiError.ApiError> =>
  caller._tag === "SecretKey" ? Effect.succeed(undefined) : Machines.authenticate(emulator, caller.secret)

// a stored token whose machine still exists
const find = (emulator: Resource.EmulatorContext, match: (t: M2MTokenRecord) => boolean) => {
  for (const t of emulator.store.get(m2mTokens).values()) {
    if (match(t) && emulator.store.get(Machines.machines).has(t.subject)) return t
  }
  return undefined
}

/**
 * Creates an M2M token for a machine (same rules as `POST /m2m_tokens` sent with its key).
 *
 * @since 0.2.0
 * @category operations
 */
export const create = (
  emulator: Resource.EmulatorContext,
  machine: Machines.MachineRecord,
  body: BackendM2MTokens.CreateTokenBody
): Effect.Effect<BackendM2MTokens.CreateTokenResponse, ApiError.ApiError> =>
  Effect.gen(function* () {
    const now = emulator.now()
    const lifetime = body.seconds_until_expiration ?? machine.defaultTokenTtl
    const claims = body.claims ?? null
    const scopes = machine.scopes.map((s) => s.toMachineId)
    const min = body.min_remaining_ttl_seconds
    if (min !== undefined && min >= lifetime) {
      return yield* Status.invalidParam(
        "min_remaining_ttl_seconds",
        `min_remaining_ttl_seconds must be less than the token's lifetime (${lifetime} seconds).`
      )
    }
    const id = hexId(emulator.generateId, "mt_")
    if (body.token_format === "jwt") {
      const iat = Math.floor(now / 1000)
      const exp = iat + Math.ceil(lifetime)
      // the claims of Clerk's M2M JWT fixture (clerk/javascript packages/backend/src/fixtures/index.ts
      // mockM2MJwtPayload): `aud` and space-separated `scopes` name the scoped machines
      const token = yield* Jwt.sign(
        emulator,
        {
          ...(typeof claims === "object" && claims !== null ? claims : {}),
          iss: emulator.frontendApiUrl,
          sub: machine.id,
          aud: scopes,
          scopes: scopes.join(" "),
          iat,
          nbf: iat - 5,
          exp,
          jti: id
        },
        { typ: "JWT", cat: M2M_CATEGORY },
        "M2M token"
      )
      const status = { ...Status.fresh(now, null), expiration: exp * 1000 }
      const json = { object: "machine_to_machine_token", id, subject: machine.id, claims, scopes, token }
      return { ...json, last_used_at: null, ...Status.statusJson(now, status) }
    }
    const reused =
      min === undefined
        ? undefined
        : find(
            emulator,
            (t) =>
              t.subject === machine.id &&
              !t.revoked &&
              (t.expiration === null || t.expiration - now >= min * 1000) &&
              JSON.stringify(t.claims) === JSON.stringify(claims) &&
              JSON.stringify(t.scopes) === JSON.stringify(scopes)
          )
    const t: M2MTokenRecord = reused ?? {
      sequence: emulator.store.nextSequence(),
      id,
      token: `mt_${emulator.generateToken()}`,
      subject: machine.id,
      claims,
      scopes,
      ...Status.fresh(now, lifetime)
    }
    emulator.store.get(m2mTokens).set(t.id, t)
    return { ...m2mTokenJson(emulator, t), token: t.token }
  })

/**
 * The M2MTokens resource.
 *
 * @since 0.2.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("m2m_tokens", [
  Resource.route(
    BackendM2MTokens.operations.listTokens,
    ({ emulator, caller, query }) =>
      Effect.gen(function* () {
        const machine = yield* callerMachine(emulator, caller)
        if (machine !== undefined && machine.id !== query.subject) {
          return yield* ApiError.make(403, {
            message: "Unauthorized request",
            long_message: "A Machine Secret Key lists the M2M tokens of its own machine only.",
            code: "authorization_invalid"
          })
        }
        yield* Machines.get(emulator, query.subject)
        const now = emulator.now()
        const found = Array.from(emulator.store.get(m2mTokens).values())
          .filter(
            (t) =>
              t.subject === query.subject &&
              (query.revoked === true || !t.revoked) &&
              (query.expired === true || !Status.isExpired(now, t))
          )
          .sort(Order.compare({ field: "created_at", sign: -1 }, (t) => t.createdAt))
          .map((t) => m2mTokenJson(emulator, t))
        const page = Order.page(found, query)
        return { m2m_tokens: page.data, total_count: page.total_count }
      }),
    { credentials: "secret-key-or-machine" }
  ),
  Resource.route(
    BackendM2MTokens.operations.createToken,
    ({ emulator, caller, body }) =>
      Effect.flatMap(callerMachine(emulator, caller), (machine) =>
        // the router lets only a Machine Secret Key through (`credentials: "machine"`)
        machine === undefined
          ? Effect.fail(ApiError.authenticationInvalid("A Machine Secret Key is required."))
          : create(emulator, machine, body)
      ),
    { credentials: "machine" }
  ),
  Resource.route(
    BackendM2MTokens.operations.revokeToken,
    ({ emulator, caller, path, body }) =>
      Effect.gen(function* () {
        const machine = yield* callerMachine(emulator, caller)
        const t = find(
          emulator,
          (t) => t.id === path.m2m_token_id && (machine === undefined || t.subject === machine.id)
        )
        if (t === undefined) return yield* notFound(`id ${path.m2m_token_id}`)
        Status.revoke(emulator.now(), t, body.revocation_reason)
        return m2mTokenJson(emulator, t)
      }),
    { credentials: "secret-key-or-machine" }
  ),
  Resource.route(
    BackendM2MTokens.operations.verifyToken,
    ({ emulator, caller, body }) =>
      Effect.gen(function* () {
        const machine = yield* callerMachine(emulator, caller)
        const t = find(
          emulator,
          (t) => t.token === body.token && (machine === undefined || t.scopes.includes(machine.id))
        )
        if (t === undefined) return yield* notFound("this token")
        Status.use(emulator.now(), t)
        return m2mTokenJson(emulator, t)
      }),
    { credentials: "secret-key-or-machine" }
  )
])
