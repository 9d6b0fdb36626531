/**
 * The sessions table and what every part of the Sessions emulation shares: the record, lookups,
 * and the ways a session starts and ends.
 *
 * @since 0.1.0
 */
import type * as BackendSessions from "@effect-clerk/backend/Sessions"
import * as Effect from "effect/Effect"
import * as ApiError from "../../ApiError.js"
import type * as Resource from "../../Resource.js"
import * as Store from "../../Store.js"

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
    if (record.json.status !== "active" && record.json.status !== "pending") return Effect.fail(notActive(record.json))
    record.json = { ...record.json, status: "revoked", updated_at: emulator.now() }
    emulator.emit("session.revoked", record.json)
    return Effect.succeed(record.json)
  })

/**
 * A 400 `session_not_active` for a session that has ended (the code is the emulator's choice; the
 * spec documents a 400 for revoking and refreshing one).
 *
 * @since 0.2.0
 * @category errors
 */
export const notActive = (session: SessionJson): ApiError.ApiError =>
  ApiError.make(400, {
    message: "session is not active",
    long_message: `This session is ${session.status}.`,
    code: "session_not_active",
    meta: { param_name: "session_id" }
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
