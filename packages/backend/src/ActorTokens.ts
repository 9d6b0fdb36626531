/**
 * Actor Tokens: allow your users to sign in on behalf of other users (impersonation).
 *
 * Written by hand in the exact shape the generator emits for every group (issue B replaces this
 * file with generated output without changing its public API).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { ClerkClient } from "./ClerkClient.js"
import * as ClerkError from "./ClerkError.js"
import * as Operation from "./internal/operation.js"

// ---------------------------------------------------------------------------------------------
// schemas
// ---------------------------------------------------------------------------------------------

/**
 * `ActorToken`. `status` is open: a status Clerk adds later decodes as a string.
 *
 * @since 0.1.0
 * @category schemas
 */
export interface ActorToken {
  readonly object: "actor_token" | (string & {})
  readonly id: string
  readonly status: "pending" | "accepted" | "revoked" | (string & {})
  readonly user_id: string
  readonly actor: { readonly [key: string]: unknown }
  readonly token?: string | undefined
  readonly url?: string | undefined
  /** Unix timestamp of creation. */
  readonly created_at: number
  /** Unix timestamp of last update. */
  readonly updated_at: number
}

/**
 * @since 0.1.0
 * @category schemas
 */
export const ActorToken: Schema.Schema<ActorToken> = /*#__PURE__*/ Schema.Struct({
  object: Schema.String,
  id: Schema.String,
  status: Schema.String,
  user_id: Schema.String,
  actor: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  token: Schema.optional(Schema.String),
  url: Schema.optional(Schema.String),
  created_at: Schema.Number,
  updated_at: Schema.Number
})

/**
 * The body of `create`. No other keys are allowed.
 *
 * @since 0.1.0
 * @category schemas
 */
export interface CreateBody {
  /** The ID of the user being impersonated. */
  readonly user_id: string
  /**
   * The actor payload. It needs to include a sub property which should contain the ID of the actor.
   * This whole payload will be also included in the JWT session token.
   */
  readonly actor: { readonly sub: string; readonly [key: string]: unknown }
  /** The life duration of the actor token in seconds. Clerk's default: 3600 (1 hour). */
  readonly expires_in_seconds?: number | undefined
  /**
   * The maximum duration of the session the actor token creates, in seconds.
   * Clerk's default: 1800 (30 minutes).
   */
  readonly session_max_duration_in_seconds?: number | undefined
}

/**
 * @since 0.1.0
 * @category schemas
 */
export const CreateBody: Schema.Schema<CreateBody> = /*#__PURE__*/ Schema.Struct({
  user_id: Schema.String,
  actor: Schema.Struct({ sub: Schema.String }, Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  expires_in_seconds: Schema.optional(Schema.Int),
  session_max_duration_in_seconds: Schema.optional(Schema.Int)
})

// ---------------------------------------------------------------------------------------------
// errors
// ---------------------------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category errors
 */
export type CreateError =
  | ClerkError.BadRequest
  | ClerkError.PaymentRequired
  | ClerkError.UnprocessableEntity
  | ClerkError.InvalidInput
  | ClerkError.Always

/**
 * @since 0.1.0
 * @category errors
 */
export type RevokeError = ClerkError.BadRequest | ClerkError.NotFound | ClerkError.InvalidInput | ClerkError.Always

// ---------------------------------------------------------------------------------------------
// service
// ---------------------------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category tags
 */
export class ActorTokens extends Context.Tag("@effect-clerk/backend/ActorTokens")<ActorTokens, ActorTokens.Service>() {}

/**
 * @since 0.1.0
 */
export declare namespace ActorTokens {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /**
     * Create actor token
     *
     * `POST /actor_tokens` (`CreateActorToken`)
     *
     * Create an actor token that can be used to impersonate the given user.
     * The `actor` parameter needs to include at least a "sub" key whose value is the ID of the actor (impersonating) user.
     */
    readonly create: (body: CreateBody) => Effect.Effect<ActorToken, CreateError>
    /**
     * Revoke actor token
     *
     * `POST /actor_tokens/{actor_token_id}/revoke` (`RevokeActorToken`)
     *
     * Revokes a pending actor token.
     *
     * @param actorTokenId The ID of the actor token to be revoked.
     */
    readonly revoke: (actorTokenId: string) => Effect.Effect<ActorToken, RevokeError>
  }
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<ActorTokens.Service, never, ClerkClient> = Effect.map(ClerkClient, (client) => {
  const create = Operation.make(client, {
    name: "ActorTokens.create",
    operationId: "CreateActorToken",
    method: "POST",
    path: "/actor_tokens",
    body: CreateBody,
    success: ActorToken,
    errors: { 400: ClerkError.BadRequest, 402: ClerkError.PaymentRequired, 422: ClerkError.UnprocessableEntity }
  })
  const revoke = Operation.make(client, {
    name: "ActorTokens.revoke",
    operationId: "RevokeActorToken",
    method: "POST",
    path: "/actor_tokens/{actor_token_id}/revoke",
    pathParams: ["actor_token_id"],
    success: ActorToken,
    errors: { 400: ClerkError.BadRequest, 404: ClerkError.NotFound }
  })
  return ActorTokens.of({
    create: (body) => create({ body }),
    revoke: (actorTokenId) => revoke({ path: { actor_token_id: actorTokenId } })
  })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ActorTokens, never, ClerkClient> = /*#__PURE__*/ Layer.effect(ActorTokens, make)

// ---------------------------------------------------------------------------------------------
// accessors
// ---------------------------------------------------------------------------------------------

/**
 * `ActorTokens.create(body)`: the service method, with the service taken from the context.
 *
 * @since 0.1.0
 * @category accessors
 */
export const create = (body: CreateBody): Effect.Effect<ActorToken, CreateError, ActorTokens> =>
  Effect.flatMap(ActorTokens, (service) => service.create(body))

/**
 * @since 0.1.0
 * @category accessors
 */
export const revoke = (actorTokenId: string): Effect.Effect<ActorToken, RevokeError, ActorTokens> =>
  Effect.flatMap(ActorTokens, (service) => service.revoke(actorTokenId))
