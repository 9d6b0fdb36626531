/**
 * Emulated Sessions: `GET /sessions`, `GET /sessions/{session_id}`, `POST /sessions/{session_id}/revoke`,
 * `POST /sessions` (Clerk's testing endpoint: a session for a user), and a session's tokens
 * (`sessions/tokens.ts`: the session token, a JWT template's token, refresh).
 *
 * Sessions come into being through `POST /sessions` or when a test mints a session token
 * (`emulator.sessionTokens.mint`), the emulator's stand-ins for a user signing in on the Frontend API.
 *
 * @since 0.1.0
 */
import * as BackendSessions from "@effect-clerk/backend/Sessions"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import * as Order from "../internal/order.js"
import * as SessionToken from "../internal/sessionToken.js"
import * as Resource from "../Resource.js"
import * as Records from "./sessions/records.js"
import * as Tokens from "./sessions/tokens.js"
import * as Users from "./users/records.js"

export {
  /**
   * @since 0.1.0
   */
  create,
  /**
   * @since 0.1.0
   */
  find,
  /**
   * @since 0.1.0
   */
  revoke,
  /**
   * @since 0.1.0
   */
  revokeAllOf,
  /**
   * @since 0.1.0
   */
  sessions
} from "./sessions/records.js"

export type {
  /**
   * @since 0.1.0
   */
  SessionJson,
  /**
   * @since 0.1.0
   */
  SessionRecord
} from "./sessions/records.js"

/**
 * `POST /sessions` (Clerk's testing endpoint, "not available for production instances"): a new
 * active session for a user. An unknown user is a 404 `resource_not_found`; an unknown
 * `active_organization_id` a 404 too, and one the user is not a member of a 422
 * `form_param_value_invalid` (the spec documents 400, 404 and 422).
 *
 * @since 0.2.0
 * @category operations
 */
export const createForUser = (
  emulator: Resource.EmulatorContext,
  body: BackendSessions.CreateBody
): Effect.Effect<Records.SessionJson, ApiError.ApiError> =>
  Effect.gen(function* () {
    yield* Users.get(emulator, body.user_id)
    const organizationId = body.active_organization_id
    if (organizationId !== undefined) {
      const claim = yield* SessionToken.orgClaim(emulator, organizationId, body.user_id)
      if (claim === undefined) {
        return yield* ApiError.unprocessable({
          message: "is invalid",
          long_message: `User ${body.user_id} is not a member of organization ${organizationId}.`,
          code: "form_param_value_invalid",
          meta: { param_name: "active_organization_id" }
        })
      }
    }
    return Records.create(emulator, { userId: body.user_id, organizationId })
  })

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
      const items = Array.from(emulator.store.get(Records.sessions).values())
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
    const record = Records.find(emulator, path.session_id)
    return record === undefined ? Effect.fail(ApiError.notFound()) : Effect.succeed(record.json)
  }),
  Resource.route(BackendSessions.operations.revoke, ({ emulator, path }) => Records.revoke(emulator, path.session_id)),
  Resource.route(BackendSessions.operations.create, ({ emulator, body }) => createForUser(emulator, body)),
  ...Tokens.routes
])
