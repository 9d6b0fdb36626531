/**
 * Emulated Actor Tokens: `POST /actor_tokens` and `POST /actor_tokens/{actor_token_id}/revoke`.
 *
 * - Creating a token for a user that does not exist is a 422 `form_param_value_invalid`
 *   (`meta.param_name: "user_id"`); the spec documents 400 and 422 for this operation.
 * - Revoking a token that is not `pending` is a 400 `actor_token_cannot_be_revoked`.
 * - A token stays `pending` until revoked or accepted; use {@link accept} to simulate the Frontend API
 *   accepting its ticket.
 *
 * @since 0.1.0
 */
import * as BackendActorTokens from "@effect-clerk/backend/ActorTokens"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"
import * as Users from "./Users.js"

/**
 * The JSON of an actor token as returned by the API: the backend's generated `ActorTokens.ActorToken`.
 *
 * @since 0.1.0
 * @category models
 */
export type ActorTokenJson = BackendActorTokens.ActorToken

/**
 * A stored actor token.
 *
 * @since 0.1.0
 * @category models
 */
export interface ActorTokenRecord {
  json: ActorTokenJson
  readonly expiresAt: number
  readonly sessionMaxDurationInSeconds: number
}

/**
 * The actor tokens table.
 *
 * @since 0.1.0
 * @category tables
 */
export const actorTokens: Store.Table<ActorTokenRecord> = Store.table<ActorTokenRecord>("actor_tokens")

/**
 * The body of `POST /actor_tokens`: the backend's generated `ActorTokens.CreateBody`.
 *
 * @since 0.1.0
 * @category models
 */
export type CreateActorTokenParams = BackendActorTokens.CreateBody

/**
 * Creates a pending actor token (same validation as `POST /actor_tokens`).
 *
 * @since 0.1.0
 * @category operations
 */
export const create = (
  emulator: Resource.EmulatorContext,
  params: CreateActorTokenParams
): Effect.Effect<ActorTokenJson, ApiError.ApiError> =>
  Effect.gen(function* () {
    if (Users.find(emulator, params.user_id) === undefined) {
      return yield* ApiError.unprocessable({
        message: "is invalid",
        long_message: `No user was found with id ${params.user_id}.`,
        code: "form_param_value_invalid",
        meta: { param_name: "user_id" }
      })
    }
    for (const key of ["expires_in_seconds", "session_max_duration_in_seconds"] as const) {
      const value = params[key]
      if (value !== undefined && value <= 0) {
        return yield* ApiError.paramFormatInvalid(key, `${key} must be a positive number of seconds.`)
      }
    }
    const now = emulator.now()
    const token = emulator.generateToken()
    const json: ActorTokenJson = {
      object: "actor_token",
      id: emulator.generateId("act_"),
      status: "pending",
      user_id: params.user_id,
      actor: { ...params.actor },
      token,
      url: `${emulator.frontendApiUrl}/v1/tickets/accept?ticket=${encodeURIComponent(token)}`,
      created_at: now,
      updated_at: now
    }
    emulator.store.get(actorTokens).set(json.id, {
      json,
      // spec `CreateActorToken`: expires_in_seconds defaults to 3600, session_max_duration_in_seconds to 1800
      expiresAt: now + (params.expires_in_seconds ?? 3600) * 1000,
      sessionMaxDurationInSeconds: params.session_max_duration_in_seconds ?? 1800
    })
    return json
  })

const transition =
  (to: "accepted" | "revoked") =>
  (emulator: Resource.EmulatorContext, actorTokenId: string): Effect.Effect<ActorTokenJson, ApiError.ApiError> =>
    Effect.suspend(() => {
      const record = emulator.store.get(actorTokens).get(actorTokenId)
      if (record === undefined) return Effect.fail(ApiError.notFound())
      if (record.json.status !== "pending") {
        return Effect.fail(
          ApiError.make(400, {
            message: `cannot be ${to === "revoked" ? "revoked" : "accepted"}`,
            long_message: `This actor token is ${record.json.status}; only pending actor tokens can be ${to}.`,
            code: to === "revoked" ? "actor_token_cannot_be_revoked" : "actor_token_cannot_be_accepted",
            meta: { param_name: "actor_token_id" }
          })
        )
      }
      if (to === "accepted" && emulator.now() >= record.expiresAt) {
        return Effect.fail(
          ApiError.make(400, {
            message: "expired",
            long_message: "This actor token has expired; its ticket can no longer be used.",
            code: "actor_token_expired",
            meta: { param_name: "actor_token_id" }
          })
        )
      }
      record.json = { ...record.json, status: to, updated_at: emulator.now() }
      return Effect.succeed(record.json)
    })

/**
 * Revokes a pending actor token (same rules as `POST /actor_tokens/{id}/revoke`): unknown id is a 404,
 * a token that is not pending is a 400 `actor_token_cannot_be_revoked`.
 *
 * @since 0.1.0
 * @category operations
 */
export const revoke: (
  emulator: Resource.EmulatorContext,
  actorTokenId: string
) => Effect.Effect<ActorTokenJson, ApiError.ApiError> = transition("revoked")

/**
 * Testing helper: marks a pending actor token as `accepted`, as if its ticket had been used on the
 * Frontend API. Throws the {@link ApiError.ApiError} when the token is unknown or not pending.
 *
 * @since 0.1.0
 * @category testing
 */
export const accept = (
  emulator: { readonly context: Resource.EmulatorContext },
  actorTokenId: string
): ActorTokenJson => Resource.runOrThrow(transition("accepted")(emulator.context, actorTokenId))

/**
 * Testing helper: every stored actor token, oldest first.
 *
 * @since 0.1.0
 * @category testing
 */
export const all = (emulator: { readonly context: Resource.EmulatorContext }): Array<ActorTokenJson> =>
  Array.from(emulator.context.store.get(actorTokens).values(), (r) => r.json)

/**
 * The Actor Tokens resource.
 *
 * @since 0.1.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("actor_tokens", [
  Resource.route(BackendActorTokens.operations.create, ({ emulator, body }) => create(emulator, body)),
  Resource.route(BackendActorTokens.operations.revoke, ({ emulator, path }) => revoke(emulator, path.actor_token_id))
])
