/**
 * Emulated Sign-in Tokens: `POST /sign_in_tokens` and `POST /sign_in_tokens/{sign_in_token_id}/revoke`.
 *
 * - An unknown user is a 404 `resource_not_found` ("No user was found with id ...", as in Clerk's
 *   API reference); an unknown `org_id` a 404, and one the user is not a member of a 422
 *   `form_param_value_invalid` (spec: "the user must be a member of the organization").
 * - A token expires after `expires_in_seconds`, 30 days by default (spec `CreateSignInToken`).
 * - Revoking a token that is not `pending` is a 400 `sign_in_token_cannot_be_revoked`.
 * - {@link accept} simulates the Frontend API using the token's ticket: the token becomes `accepted`
 *   and the user gets an active session (with the token's organization active).
 *
 * @since 0.2.0
 */
import * as BackendSignInTokens from "@effect-clerk/backend/SignInTokens"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import * as SessionToken from "../internal/sessionToken.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"
import * as Sessions from "./sessions/records.js"
import * as Users from "./users/records.js"

/**
 * A stored sign-in token: its JSON (the backend's generated `SignInTokens.SignInToken`), when it
 * expires and the organization to activate.
 *
 * @since 0.2.0
 * @category models
 */
export interface SignInTokenRecord {
  json: BackendSignInTokens.SignInToken
  readonly expiresAt: number
  readonly organizationId: string | null
}

/**
 * The sign-in tokens table.
 *
 * @since 0.2.0
 * @category tables
 */
export const signInTokens: Store.Table<SignInTokenRecord> = Store.table<SignInTokenRecord>("sign_in_tokens")

const THIRTY_DAYS = 30 * 24 * 3600

const create = (
  emulator: Resource.EmulatorContext,
  body: BackendSignInTokens.CreateBody
): Effect.Effect<BackendSignInTokens.SignInToken, ApiError.ApiError> =>
  Effect.gen(function* () {
    yield* Users.get(emulator, body.user_id)
    const organizationId = body.org_id ?? null
    if (
      organizationId !== null &&
      (yield* SessionToken.orgClaim(emulator, organizationId, body.user_id)) === undefined
    ) {
      return yield* ApiError.unprocessable({
        message: "is invalid",
        long_message: `User ${body.user_id} is not a member of organization ${organizationId}.`,
        code: "form_param_value_invalid",
        meta: { param_name: "org_id" }
      })
    }
    const now = emulator.now()
    const token = emulator.generateToken()
    const json: BackendSignInTokens.SignInToken = {
      object: "sign_in_token",
      id: emulator.generateId("sit_"),
      status: "pending",
      user_id: body.user_id,
      token,
      url: `${emulator.frontendApiUrl}/v1/tickets/accept?ticket=${encodeURIComponent(token)}`,
      created_at: now,
      updated_at: now
    }
    const expiresAt = now + (body.expires_in_seconds ?? THIRTY_DAYS) * 1000
    emulator.store.get(signInTokens).set(json.id, { json, expiresAt, organizationId })
    return json
  })

const transition = (
  emulator: Resource.EmulatorContext,
  id: string,
  to: "accepted" | "revoked"
): Effect.Effect<SignInTokenRecord, ApiError.ApiError> =>
  Effect.suspend(() => {
    const record = emulator.store.get(signInTokens).get(id)
    if (record === undefined) return Effect.fail(ApiError.notFound(`No sign-in token was found with id ${id}.`))
    const expired = to === "accepted" && emulator.now() >= record.expiresAt
    if (record.json.status !== "pending" || expired) {
      const state = expired ? "expired" : record.json.status
      return Effect.fail(
        ApiError.make(400, {
          message: `cannot be ${to}`,
          long_message: `This sign-in token is ${state}; only pending sign-in tokens can be ${to}.`,
          code: expired ? "sign_in_token_expired" : `sign_in_token_cannot_be_${to}`,
          meta: { param_name: "sign_in_token_id" }
        })
      )
    }
    record.json = { ...record.json, status: to, updated_at: emulator.now() }
    return Effect.succeed(record)
  })

/**
 * Testing helper: uses a pending sign-in token as the Frontend API would: the token becomes
 * `accepted` and the user gets an active session, which is returned. Throws the
 * {@link ApiError.ApiError} for an unknown, revoked, accepted or expired token.
 *
 * @since 0.2.0
 * @category testing
 */
export const accept = (
  emulator: { readonly context: Resource.EmulatorContext },
  signInTokenId: string
): Sessions.SessionJson =>
  Resource.runOrThrow(
    Effect.map(transition(emulator.context, signInTokenId, "accepted"), (record) =>
      Sessions.create(emulator.context, {
        userId: record.json.user_id,
        organizationId: record.organizationId ?? undefined
      })
    )
  )

/**
 * The Sign-in Tokens resource.
 *
 * @since 0.2.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("sign_in_tokens", [
  Resource.route(BackendSignInTokens.operations.create, ({ emulator, body }) => create(emulator, body)),
  Resource.route(BackendSignInTokens.operations.revoke, ({ emulator, path }) =>
    Effect.map(transition(emulator, path.sign_in_token_id, "revoked"), (r) => r.json)
  )
])
