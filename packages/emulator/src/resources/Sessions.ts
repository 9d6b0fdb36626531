/**
 * Emulated Sessions: `GET /sessions`, `GET /sessions/{session_id}`, `POST /sessions/{session_id}/revoke`.
 *
 * Sessions come into being when a test mints a session token (`emulator.sessionTokens.mint`), the
 * emulator's stand-in for a user signing in on the Frontend API.
 *
 * @since 0.1.0
 */
import * as BackendSessions from "@effect-clerk/backend/Sessions"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import * as Order from "../internal/order.js"
import * as SessionToken from "../internal/sessionToken.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"

/**
 * The JSON of a session as returned by the API: the backend's generated `Sessions.Session`.
 *
 * @since 0.1.0
 * @category models
 */
export type SessionJson = BackendSessions.Session

/**
 * A stored session.
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionRecord {
  readonly sequence: number
  json: SessionJson
}

/**
 * The sessions table.
 *
 * @since 0.1.0
 * @category tables
 */
export const sessions: Store.Table<SessionRecord> = Store.table<SessionRecord>("sessions")

// Clerk's defaults (Clerk docs, "Session options"): a session expires after 7 days ("maximum
// lifetime") and is abandoned after 30 days of inactivity at most.
const SEVEN_DAYS = 7 * 24 * 3600 * 1000
const THIRTY_DAYS = 30 * 24 * 3600 * 1000

/**
 * Stores a new active session for `userId` (the caller checked that the user exists).
 *
 * @since 0.1.0
 * @category operations
 */
export const create = (
  emulator: Resource.EmulatorContext,
  options: {
    readonly userId: string
    readonly actor?: Readonly<Record<string, unknown>> | undefined
    readonly organizationId?: string | undefined
  }
): SessionJson => {
  const now = emulator.now()
  const json: SessionJson = {
    object: "session",
    id: emulator.generateId("sess_"),
    user_id: options.userId,
    client_id: emulator.generateId("client_"),
    actor: options.actor === undefined ? null : { ...options.actor },
    status: "active",
    last_active_organization_id: options.organizationId ?? null,
    last_active_at: now,
    expire_at: now + SEVEN_DAYS,
    abandon_at: now + THIRTY_DAYS,
    updated_at: now,
    created_at: now,
    tasks: []
  }
  emulator.store.get(sessions).set(json.id, { sequence: emulator.store.nextSequence(), json })
  emulator.emit("session.created", json)
  return json
}

/**
 * Looks up a stored session by id.
 *
 * @since 0.1.0
 * @category operations
 */
export const find = (emulator: Resource.EmulatorContext, sessionId: string): SessionRecord | undefined =>
  emulator.store.get(sessions).get(sessionId)

/**
 * Revokes a session ("Sets the status of a session as revoked", spec `RevokeSession`): an unknown
 * id is a 404 `resource_not_found`; a session that is no longer active is a 400 (the spec documents
 * 400 and 404 for this operation; the code `session_not_active` is the emulator's choice).
 *
 * @since 0.1.0
 * @category operations
 */
export const revoke = (
  emulator: Resource.EmulatorContext,
  sessionId: string
): Effect.Effect<SessionJson, ApiError.ApiError> =>
  Effect.suspend(() => {
    const record = find(emulator, sessionId)
    if (record === undefined) return Effect.fail(ApiError.notFound())
    if (record.json.status !== "active" && record.json.status !== "pending") {
      return Effect.fail(
        ApiError.make(400, {
          message: "session is not active",
          long_message: `This session is ${record.json.status} and cannot be revoked.`,
          code: "session_not_active",
          meta: { param_name: "session_id" }
        })
      )
    }
    record.json = { ...record.json, status: "revoked", updated_at: emulator.now() }
    emulator.emit("session.revoked", record.json)
    return Effect.succeed(record.json)
  })

/**
 * Ends every active session of a user: `revoked` (a ban) or `ended` (the user was deleted).
 *
 * @since 0.1.0
 * @category operations
 */
export const revokeAllOf = (
  emulator: Resource.EmulatorContext,
  userId: string,
  status: "revoked" | "ended" = "revoked"
): void => {
  for (const record of emulator.store.get(sessions).values()) {
    if (record.json.user_id !== userId || record.json.status !== "active") continue
    record.json = { ...record.json, status, updated_at: emulator.now() }
    emulator.emit(status === "revoked" ? "session.revoked" : "session.ended", record.json)
  }
}

/**
 * The Sessions resource.
 *
 * @since 0.1.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("sessions", [
  Resource.route(BackendSessions.operations.list, ({ emulator, query }) =>
    Effect.gen(function* () {
      const { user_id: userId, client_id: clientId, status } = query
      // Spec `GetSessionList` (deprecation notice 2024-01-01): "at least one of `client_id` or
      // `user_id` parameters should be provided"; the emulator enforces it with a 400.
      if (!userId && !clientId) {
        return yield* ApiError.make(400, {
          message: "missing query parameter",
          long_message: "Either client_id or user_id must be provided.",
          code: "form_param_missing",
          meta: { param_name: "user_id" }
        })
      }
      // "sorted by creation date, with the newest sessions appearing first" (spec `GetSessionList`).
      const items = Array.from(emulator.store.get(sessions).values())
        .filter(
          (s) =>
            (!userId || s.json.user_id === userId) &&
            (!clientId || s.json.client_id === clientId) &&
            (!status || s.json.status === status)
        )
        .sort((a, b) => b.json.created_at - a.json.created_at || b.sequence - a.sequence)
        .map((s) => s.json)
      return Order.page(items, query)
    })
  ),
  Resource.route(BackendSessions.operations.get, ({ emulator, path }) => {
    const record = find(emulator, path.session_id)
    return record === undefined ? Effect.fail(ApiError.notFound()) : Effect.succeed(record.json)
  }),
  // A session token for an existing session (spec `CreateSessionToken`): an unknown or no longer
  // active session is a 404 (the only error status the spec documents for it).
  Resource.route(BackendSessions.operations.createToken, ({ emulator, path, body }) =>
    Effect.gen(function* () {
      const record = find(emulator, path.session_id)
      if (record === undefined || record.json.status !== "active") {
        return yield* ApiError.notFound(`No active session was found with id ${path.session_id}.`)
      }
      const session = record.json
      const organizationId = session.last_active_organization_id ?? null
      const o =
        organizationId === null
          ? undefined
          : yield* SessionToken.orgClaim(emulator, organizationId, session.user_id).pipe(
              Effect.orElseSucceed(() => undefined)
            )
      const jwt = yield* SessionToken.sign(emulator, {
        userId: session.user_id,
        sessionId: session.id,
        o,
        actor: session.actor,
        expiresInSeconds: body?.expires_in_seconds ?? undefined
      })
      return { object: "token", jwt }
    })
  ),
  Resource.route(BackendSessions.operations.revoke, ({ emulator, path }) => revoke(emulator, path.session_id))
])
