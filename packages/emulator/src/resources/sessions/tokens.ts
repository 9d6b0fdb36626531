/**
 * A session's tokens: `POST /sessions/{session_id}/tokens` (the session token),
 * `POST /sessions/{session_id}/tokens/{template_name}` (a JWT template's token) and
 * `POST /sessions/{session_id}/refresh`.
 *
 * - An unknown session, one that is no longer active, or an unknown template is a 404
 *   `resource_not_found` (the only error status the spec documents for both token operations).
 * - Refresh: the emulator has no Frontend API and so no `__refresh` cookie to compare with: it
 *   accepts any non-empty `refresh_token` and checks the `expired_token` instead, which must be a
 *   session token of this session signed by the instance key (its expiry is not checked: that is
 *   the point of a refresh). A token that is not is a 401 `authentication_invalid` ("A 401 is
 *   returned when there are validation errors, which signals the SDKs to fall back to the handshake
 *   flow", spec `RefreshSession`); a session that is not active is a 400 `session_not_active`. The
 *   answer is `{ object: "token", jwt }`, or with `format: "cookie"` the `__session` cookie
 *   directive (`{ object: "cookies", cookies }`).
 *
 * @since 0.2.0
 */
import * as BackendSessions from "@effect-clerk/backend/Sessions"
import * as Effect from "effect/Effect"
import { compactVerify } from "jose"
import { createPublicKey } from "node:crypto"
import * as ApiError from "../../ApiError.js"
import * as SessionToken from "../../internal/sessionToken.js"
import * as Resource from "../../Resource.js"
import * as JWTTemplates from "../JWTTemplates.js"
import * as Organizations from "../organizations/records.js"
import * as Users from "../users/records.js"
import * as Records from "./records.js"

const activeSession = (
  emulator: Resource.EmulatorContext,
  sessionId: string
): Effect.Effect<Records.SessionJson, ApiError.ApiError> => {
  const record = Records.find(emulator, sessionId)
  return record === undefined || record.json.status !== "active"
    ? Effect.fail(ApiError.notFound(`No active session was found with id ${sessionId}.`))
    : Effect.succeed(record.json)
}

/**
 * A session token for an active session, its `o` claim from the session's active organization.
 *
 * @since 0.2.0
 * @category operations
 */
export const sessionToken = (
  emulator: Resource.EmulatorContext,
  session: Records.SessionJson,
  expiresInSeconds?: number | undefined
): Effect.Effect<string, ApiError.ApiError> =>
  Effect.gen(function* () {
    const organizationId = session.last_active_organization_id ?? null
    const o =
      organizationId === null
        ? undefined
        : yield* SessionToken.orgClaim(emulator, organizationId, session.user_id).pipe(
            Effect.orElseSucceed(() => undefined)
          )
    return yield* SessionToken.sign(emulator, {
      userId: session.user_id,
      sessionId: session.id,
      o,
      actor: session.actor,
      expiresInSeconds
    })
  })

const templateContext = (emulator: Resource.EmulatorContext, session: Records.SessionJson) =>
  Effect.gen(function* () {
    const user = yield* Users.get(emulator, session.user_id)
    const organization = Organizations.find(emulator, session.last_active_organization_id ?? "")
    const membership =
      organization === undefined
        ? undefined
        : Organizations.findMembership(emulator, organization.json.id, user.json.id)
    return {
      user: user.json,
      session: { id: session.id, actor: session.actor ?? null },
      organization:
        organization === undefined || membership === undefined
          ? undefined
          : {
              record: organization,
              membership,
              permissions: Organizations.rolePermissions(membership.role)
            }
    }
  })

// what `expired_token` must be: a token this instance signed for this session (the 401 names it)
const expiredTokenInvalid = (longMessage: string) =>
  ApiError.make(401, {
    message: "Invalid authentication",
    long_message: longMessage,
    code: "authentication_invalid",
    meta: { param_name: "expired_token" }
  })

const checkExpiredToken = (emulator: Resource.EmulatorContext, token: string, sessionId: string) =>
  Effect.tryPromise({
    // an expired token is what a refresh is for: only the signature and the session are checked
    try: async () => {
      const verified = await compactVerify(token, createPublicKey(emulator.signingKey().privateKey), {
        algorithms: ["RS256"]
      })
      return JSON.parse(new TextDecoder().decode(verified.payload)) as { readonly sid?: unknown }
    },
    catch: () => expiredTokenInvalid("expired_token is not a session token signed by this instance.")
  }).pipe(
    Effect.filterOrFail(
      (payload) => payload.sid === sessionId,
      () => expiredTokenInvalid("expired_token belongs to another session.")
    )
  )

/**
 * The routes of a session's tokens.
 *
 * @since 0.2.0
 * @category resources
 */
export const routes: ReadonlyArray<Resource.Route> = [
  Resource.route(BackendSessions.operations.createToken, ({ emulator, path, body }) =>
    Effect.gen(function* () {
      const session = yield* activeSession(emulator, path.session_id)
      return { object: "token", jwt: yield* sessionToken(emulator, session, body?.expires_in_seconds ?? undefined) }
    })
  ),
  Resource.route(BackendSessions.operations.createTokenFromTemplate, ({ emulator, path, body }) =>
    Effect.gen(function* () {
      const session = yield* activeSession(emulator, path.session_id)
      const template = JWTTemplates.findByName(emulator, path.template_name)
      if (template === undefined) {
        return yield* ApiError.notFound(`No JWT template was found with name ${path.template_name}.`)
      }
      const context = yield* templateContext(emulator, session)
      const jwt = yield* JWTTemplates.mint(emulator, template, context, {
        expiresInSeconds: body?.expires_in_seconds ?? undefined
      })
      return { object: "token", jwt }
    })
  ),
  Resource.route(
    BackendSessions.operations.refresh,
    ({ emulator, path, body }) =>
      Effect.gen(function* () {
        if (body.refresh_token === "") {
          return yield* ApiError.authenticationInvalid("refresh_token must not be empty.")
        }
        const record = Records.find(emulator, path.session_id)
        if (record === undefined) return yield* ApiError.authenticationInvalid("The session does not exist.")
        yield* checkExpiredToken(emulator, body.expired_token, record.json.id)
        if (record.json.status !== "active") return yield* Records.notActive(record.json)
        record.json = { ...record.json, last_active_at: emulator.now(), updated_at: emulator.now() }
        const jwt = yield* sessionToken(emulator, record.json)
        return body.format === "cookie"
          ? { object: "cookies", cookies: [`__session=${jwt}; Path=/; Secure; SameSite=Lax`] }
          : { object: "token", jwt }
      }),
    {
      ignores: {
        refresh_token:
          "the emulator has no Frontend API and so no `__refresh` cookie to compare it with: any non-empty one is accepted",
        request_origin: "the emulator checks the expired_token's signature and session, not the request's origin",
        request_headers: "the emulator checks the expired_token's signature and session, not the request's headers",
        request_originating_ip: "the emulator checks the expired_token's signature and session, not the request's IP"
      }
    }
  )
]
