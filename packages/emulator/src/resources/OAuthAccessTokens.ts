/**
 * Emulated OAuth access tokens: the tokens Clerk, as an OAuth provider, hands the OAuth
 * applications a user authorized. The Backend API only verifies them (`POST
 * /oauth_applications/access_tokens/verify`); they are made by the Frontend API's OAuth flow,
 * which the emulator does not run, so a test makes one with {@link issue} and ends one with
 * {@link revoke}.
 *
 * - An opaque token is `oat_…`, its id `oat_` + 32 hex digits (spec pattern). A JWT-format token
 *   (`format: "jwt"`) is signed with the instance's key, header `typ: "at+jwt"` (RFC 9068), with the
 *   claims of Clerk's fixture (clerk/javascript packages/backend/src/fixtures/machine.ts:
 *   `client_id`, `sub`, `jti`, `scope`, `iat`, `exp`).
 * - `verify` takes `access_token` (or the deprecated `secret`): every token it knows is answered
 *   with `revoked` and `expired` saying whether it still holds, except an expired JWT, which is the
 *   spec's `{ "active": false }`. An unknown token is a 404 `resource_not_found`, neither field a
 *   400 `form_param_missing`.
 *
 * @since 0.2.0
 */
import * as BackendOAuthAccessTokens from "@effect-clerk/backend/OAuthAccessTokens"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import { hexId, stableId } from "../internal/ids.js"
import * as Jwt from "../internal/jwt.js"
import * as Status from "../internal/machineTokens.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"
import * as Users from "./users/records.js"

/**
 * A stored OAuth access token.
 *
 * @since 0.2.0
 * @category models
 */
export interface OAuthAccessTokenRecord extends Status.Status {
  readonly id: string
  readonly token: string
  readonly format: "opaque" | "jwt"
  readonly clientId: string
  readonly subject: string
  readonly scopes: ReadonlyArray<string>
}

/**
 * The OAuth access tokens table.
 *
 * @since 0.2.0
 * @category tables
 */
export const oauthAccessTokens: Store.Table<OAuthAccessTokenRecord> =
  Store.table<OAuthAccessTokenRecord>("oauth_access_tokens")

/**
 * Options of {@link issue}.
 *
 * @since 0.2.0
 * @category models
 */
export interface IssueOptions {
  /** The user who authorized the application (the token's `subject`). */
  readonly userId: string
  /** The OAuth application's client id. Default: one per instance, `client_…`. */
  readonly clientId?: string | undefined
  /** Default none. */
  readonly scopes?: ReadonlyArray<string> | undefined
  /**
   * Lifetime; `null`: never expires (opaque only: a JWT always has an `exp`, so it takes the
   * default). Default 3600 (the emulator's choice, not a documented one).
   */
  readonly expiresInSeconds?: number | null | undefined
  /** Default `"opaque"`. */
  readonly format?: "opaque" | "jwt" | undefined
}

/**
 * An issued token: the `token` the application sends, and its `id`.
 *
 * @since 0.2.0
 * @category models
 */
export interface Issued {
  readonly id: string
  readonly token: string
}

/**
 * The client id of the instance's OAuth application when {@link IssueOptions} names none.
 *
 * @since 0.2.0
 * @category operations
 */
export const defaultClientId = (emulator: Resource.EmulatorContext): string =>
  stableId("client_", `${emulator.frontendApiUrl}#oauth`)

/**
 * Issues an OAuth access token for a user, as the Frontend API's OAuth flow would; fails with a 404
 * `resource_not_found` for an unknown user.
 *
 * @since 0.2.0
 * @category testing
 */
export const issue = (
  emulator: { readonly context: Resource.EmulatorContext },
  options: IssueOptions
): Effect.Effect<Issued, ApiError.ApiError> =>
  Effect.gen(function* () {
    const context = emulator.context
    if (Users.find(context, options.userId) === undefined) {
      return yield* ApiError.notFound(`No user was found with id ${options.userId}.`)
    }
    const now = context.now()
    const id = hexId(context.generateId, "oat_")
    const clientId = options.clientId ?? defaultClientId(context)
    const scopes = options.scopes ?? []
    const format = options.format ?? "opaque"
    const lifetime =
      options.expiresInSeconds === undefined || format === "jwt"
        ? (options.expiresInSeconds ?? 3600)
        : options.expiresInSeconds
    const status = Status.fresh(now, lifetime)
    const token =
      format === "opaque"
        ? `oat_${context.generateToken()}`
        : yield* Jwt.sign(
            context,
            {
              iss: context.frontendApiUrl,
              sub: options.userId,
              client_id: clientId,
              jti: id,
              scope: scopes.join(" "),
              iat: Math.floor(now / 1000),
              nbf: Math.floor(now / 1000) - 5,
              exp: Math.floor((status.expiration ?? now) / 1000)
            },
            { typ: "at+jwt" },
            "OAuth access token"
          )
    context.store
      .get(oauthAccessTokens)
      .set(id, { id, token, format, clientId, subject: options.userId, scopes, ...status })
    return { id, token }
  })

/**
 * Revokes an issued token, as the application or the user would through the Frontend API (a JWT
 * still verifies networkless until it expires: only `verify` sees the revocation); fails with a 404
 * `resource_not_found` for an unknown id.
 *
 * @since 0.2.0
 * @category testing
 */
export const revoke = (
  emulator: { readonly context: Resource.EmulatorContext },
  id: string,
  reason?: string
): Effect.Effect<void, ApiError.ApiError> => {
  const record = emulator.context.store.get(oauthAccessTokens).get(id)
  if (record === undefined) return Effect.fail(ApiError.notFound(`No OAuth access token was found with id ${id}.`))
  return Effect.sync(() => Status.revoke(emulator.context.now(), record, reason))
}

/**
 * The OAuthAccessTokens resource.
 *
 * @since 0.2.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("oauth_access_tokens", [
  Resource.route(BackendOAuthAccessTokens.operations.verify, ({ emulator, body }) => {
    const token = body.access_token ?? body.secret
    if (token === undefined) return Effect.fail(ApiError.make(400, ApiError.paramMissingItem("access_token")))
    let found: OAuthAccessTokenRecord | undefined
    for (const t of emulator.store.get(oauthAccessTokens).values()) if (t.token === token) found = t
    if (found === undefined) return Effect.fail(ApiError.notFound("OAuth token not found"))
    const now = emulator.now()
    if (found.format === "jwt" && Status.isExpired(now, found)) return Effect.succeed({ active: false })
    return Effect.succeed({
      object: "clerk_idp_oauth_access_token",
      id: found.id,
      client_id: found.clientId,
      subject: found.subject,
      scopes: found.scopes,
      ...Status.statusJson(now, found)
    })
  })
])
