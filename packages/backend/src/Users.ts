/**
 * Users: the four operations the examples need (create, get, list, delete), written by hand in the
 * generator's shape. Issue B generates the whole group (and its full `User` schema) in its place.
 * Fields of a response this module does not declare are still kept on the decoded value.
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

type Metadata = { readonly [key: string]: unknown }
const Metadata = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * `EmailAddress` (the properties this module declares; others are kept undeclared).
 *
 * @since 0.1.0
 * @category schemas
 */
export interface EmailAddress {
  readonly id?: string | undefined
  readonly object: "email_address" | (string & {})
  readonly email_address: string
  readonly reserved: boolean
  readonly verification: Metadata | null
  readonly linked_to: ReadonlyArray<Metadata>
  readonly created_at: number
  readonly updated_at: number
}

/**
 * @since 0.1.0
 * @category schemas
 */
export const EmailAddress: Schema.Schema<EmailAddress> = /*#__PURE__*/ Schema.Struct({
  id: Schema.optional(Schema.String),
  object: Schema.String,
  email_address: Schema.String,
  reserved: Schema.Boolean,
  verification: Schema.NullOr(Metadata),
  linked_to: Schema.Array(Metadata),
  created_at: Schema.Number,
  updated_at: Schema.Number
})

/**
 * `User` (the properties this module declares; others are kept undeclared).
 *
 * @since 0.1.0
 * @category schemas
 */
export interface User {
  readonly id: string
  readonly object: "user" | (string & {})
  readonly external_id: string | null
  readonly primary_email_address_id: string | null
  readonly primary_phone_number_id: string | null
  readonly username: string | null
  readonly first_name: string | null
  readonly last_name: string | null
  readonly image_url?: string | undefined
  readonly has_image: boolean
  readonly public_metadata: Metadata
  readonly private_metadata?: Metadata | null | undefined
  readonly unsafe_metadata?: Metadata | undefined
  readonly email_addresses: ReadonlyArray<EmailAddress>
  readonly password_enabled: boolean
  readonly two_factor_enabled: boolean
  readonly banned: boolean
  readonly locked: boolean
  readonly last_sign_in_at: number | null
  readonly created_at: number
  readonly updated_at: number
}

/**
 * @since 0.1.0
 * @category schemas
 */
export const User: Schema.Schema<User> = /*#__PURE__*/ Schema.Struct({
  id: Schema.String,
  object: Schema.String,
  external_id: Schema.NullOr(Schema.String),
  primary_email_address_id: Schema.NullOr(Schema.String),
  primary_phone_number_id: Schema.NullOr(Schema.String),
  username: Schema.NullOr(Schema.String),
  first_name: Schema.NullOr(Schema.String),
  last_name: Schema.NullOr(Schema.String),
  image_url: Schema.optional(Schema.String),
  has_image: Schema.Boolean,
  public_metadata: Metadata,
  private_metadata: Schema.optional(Schema.NullOr(Metadata)),
  unsafe_metadata: Schema.optional(Metadata),
  email_addresses: Schema.Array(EmailAddress),
  password_enabled: Schema.Boolean,
  two_factor_enabled: Schema.Boolean,
  banned: Schema.Boolean,
  locked: Schema.Boolean,
  last_sign_in_at: Schema.NullOr(Schema.Number),
  created_at: Schema.Number,
  updated_at: Schema.Number
})

/**
 * `DeletedObject`.
 *
 * @since 0.1.0
 * @category schemas
 */
export interface DeletedObject {
  readonly object: string
  readonly id?: string | undefined
  readonly slug?: string | undefined
  readonly deleted: boolean
  readonly external_id?: string | undefined
}

/**
 * @since 0.1.0
 * @category schemas
 */
export const DeletedObject: Schema.Schema<DeletedObject> = /*#__PURE__*/ Schema.Struct({
  object: Schema.String,
  id: Schema.optional(Schema.String),
  slug: Schema.optional(Schema.String),
  deleted: Schema.Boolean,
  external_id: Schema.optional(Schema.String)
})

/**
 * The body of `create` (the spec's `CreateUser` request body). No other keys are allowed.
 *
 * @since 0.1.0
 * @category schemas
 */
export interface CreateBody {
  readonly external_id?: string | null | undefined
  readonly first_name?: string | null | undefined
  readonly last_name?: string | null | undefined
  readonly locale?: string | null | undefined
  readonly email_address?: ReadonlyArray<string> | undefined
  readonly phone_number?: ReadonlyArray<string> | undefined
  readonly username?: string | null | undefined
  readonly password?: string | null | undefined
  readonly password_digest?: string | undefined
  readonly password_hasher?: string | undefined
  readonly skip_password_checks?: boolean | undefined
  readonly skip_password_requirement?: boolean | undefined
  readonly totp_secret?: string | undefined
  readonly backup_codes?: ReadonlyArray<string> | undefined
  readonly public_metadata?: Metadata | undefined
  readonly private_metadata?: Metadata | undefined
  readonly unsafe_metadata?: Metadata | undefined
  readonly delete_self_enabled?: boolean | null | undefined
  readonly legal_accepted_at?: string | null | undefined
  readonly skip_legal_checks?: boolean | null | undefined
  readonly skip_user_requirement?: boolean | undefined
  readonly create_organization_enabled?: boolean | null | undefined
  readonly create_organizations_limit?: number | null | undefined
  readonly created_at?: string | null | undefined
  readonly bypass_client_trust?: boolean | null | undefined
  readonly banned?: boolean | undefined
  readonly locked?: boolean | undefined
}

const NullableString = Schema.optional(Schema.NullOr(Schema.String))
const NullableBoolean = Schema.optional(Schema.NullOr(Schema.Boolean))

/**
 * @since 0.1.0
 * @category schemas
 */
export const CreateBody: Schema.Schema<CreateBody> = /*#__PURE__*/ Schema.Struct({
  external_id: NullableString,
  first_name: NullableString,
  last_name: NullableString,
  locale: NullableString,
  email_address: Schema.optional(Schema.Array(Schema.String)),
  phone_number: Schema.optional(Schema.Array(Schema.String)),
  username: NullableString,
  password: NullableString,
  password_digest: Schema.optional(Schema.String),
  password_hasher: Schema.optional(Schema.String),
  skip_password_checks: Schema.optional(Schema.Boolean),
  skip_password_requirement: Schema.optional(Schema.Boolean),
  totp_secret: Schema.optional(Schema.String),
  backup_codes: Schema.optional(Schema.Array(Schema.String)),
  public_metadata: Schema.optional(Metadata),
  private_metadata: Schema.optional(Metadata),
  unsafe_metadata: Schema.optional(Metadata),
  delete_self_enabled: NullableBoolean,
  legal_accepted_at: NullableString,
  skip_legal_checks: NullableBoolean,
  skip_user_requirement: Schema.optional(Schema.Boolean),
  create_organization_enabled: NullableBoolean,
  create_organizations_limit: Schema.optional(Schema.NullOr(Schema.Int)),
  created_at: NullableString,
  bypass_client_trust: NullableBoolean,
  banned: Schema.optional(Schema.Boolean),
  locked: Schema.optional(Schema.Boolean)
})

/**
 * The query of `list` (the subset this module declares: paging and the most used filters).
 *
 * @since 0.1.0
 * @category schemas
 */
export interface ListParams {
  readonly email_address?: ReadonlyArray<string> | undefined
  readonly user_id?: ReadonlyArray<string> | undefined
  readonly external_id?: ReadonlyArray<string> | undefined
  readonly query?: string | undefined
  readonly order_by?: string | undefined
  /** 1..500; Clerk's default: 10. */
  readonly limit?: number | undefined
  /** >= 0; Clerk's default: 0. */
  readonly offset?: number | undefined
}

/**
 * @since 0.1.0
 * @category schemas
 */
export const ListParams: Schema.Schema<ListParams> = /*#__PURE__*/ Schema.Struct({
  email_address: Schema.optional(Schema.Array(Schema.String)),
  user_id: Schema.optional(Schema.Array(Schema.String)),
  external_id: Schema.optional(Schema.Array(Schema.String)),
  query: Schema.optional(Schema.String),
  order_by: Schema.optional(Schema.String),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 500))),
  offset: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(0)))
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
  | ClerkError.Forbidden
  | ClerkError.UnprocessableEntity
  | ClerkError.InvalidInput
  | ClerkError.Always

/**
 * @since 0.1.0
 * @category errors
 */
export type GetError = ClerkError.BadRequest | ClerkError.NotFound | ClerkError.InvalidInput | ClerkError.Always

/**
 * @since 0.1.0
 * @category errors
 */
export type ListError =
  ClerkError.BadRequest | ClerkError.UnprocessableEntity | ClerkError.InvalidInput | ClerkError.Always

/**
 * @since 0.1.0
 * @category errors
 */
export type DeleteError = ClerkError.BadRequest | ClerkError.NotFound | ClerkError.InvalidInput | ClerkError.Always

// ---------------------------------------------------------------------------------------------
// service
// ---------------------------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category tags
 */
export class Users extends Context.Tag("@effect-clerk/backend/Users")<Users, Users.Service>() {}

/**
 * @since 0.1.0
 */
export declare namespace Users {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /**
     * Create a new user
     *
     * `POST /users` (`CreateUser`)
     */
    readonly create: (body: CreateBody) => Effect.Effect<User, CreateError>
    /**
     * Retrieve a user
     *
     * `GET /users/{user_id}` (`GetUser`)
     *
     * @param userId The ID of the user to retrieve
     */
    readonly get: (userId: string) => Effect.Effect<User, GetError>
    /**
     * List all users, newest first.
     *
     * `GET /users` (`GetUserList`)
     */
    readonly list: (params?: ListParams) => Effect.Effect<ReadonlyArray<User>, ListError>
    /**
     * Delete a user
     *
     * `DELETE /users/{user_id}` (`DeleteUser`)
     *
     * @param userId The ID of the user to delete
     */
    readonly delete: (userId: string) => Effect.Effect<DeletedObject, DeleteError>
  }
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Users.Service, never, ClerkClient> = Effect.map(ClerkClient, (client) => {
  const create = Operation.make(client, {
    name: "Users.create",
    operationId: "CreateUser",
    method: "POST",
    path: "/users",
    body: CreateBody,
    success: User,
    errors: {
      400: ClerkError.BadRequest,
      402: ClerkError.PaymentRequired,
      403: ClerkError.Forbidden,
      422: ClerkError.UnprocessableEntity
    }
  })
  const get = Operation.make(client, {
    name: "Users.get",
    operationId: "GetUser",
    method: "GET",
    path: "/users/{user_id}",
    pathParams: ["user_id"],
    success: User,
    errors: { 400: ClerkError.BadRequest, 404: ClerkError.NotFound }
  })
  const list = Operation.make(client, {
    name: "Users.list",
    operationId: "GetUserList",
    method: "GET",
    path: "/users",
    query: ListParams,
    success: Schema.Array(User),
    errors: { 400: ClerkError.BadRequest, 422: ClerkError.UnprocessableEntity }
  })
  const del = Operation.make(client, {
    name: "Users.delete",
    operationId: "DeleteUser",
    method: "DELETE",
    path: "/users/{user_id}",
    pathParams: ["user_id"],
    success: DeletedObject,
    errors: { 400: ClerkError.BadRequest, 404: ClerkError.NotFound }
  })
  return Users.of({
    create: (body) => create({ body }),
    get: (userId) => get({ path: { user_id: userId } }),
    list: (params) => list({ query: params }),
    delete: (userId) => del({ path: { user_id: userId } })
  })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Users, never, ClerkClient> = /*#__PURE__*/ Layer.effect(Users, make)

// ---------------------------------------------------------------------------------------------
// accessors
// ---------------------------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category accessors
 */
export const create = (body: CreateBody): Effect.Effect<User, CreateError, Users> =>
  Effect.flatMap(Users, (service) => service.create(body))

/**
 * @since 0.1.0
 * @category accessors
 */
export const get = (userId: string): Effect.Effect<User, GetError, Users> =>
  Effect.flatMap(Users, (service) => service.get(userId))

/**
 * @since 0.1.0
 * @category accessors
 */
export const list = (params?: ListParams): Effect.Effect<ReadonlyArray<User>, ListError, Users> =>
  Effect.flatMap(Users, (service) => service.list(params))

const del = (userId: string): Effect.Effect<DeletedObject, DeleteError, Users> =>
  Effect.flatMap(Users, (service) => service.delete(userId))

export {
  /**
   * `Users.delete(userId)` (`delete` is a reserved word, so the binding is named `del`).
   *
   * @since 0.1.0
   * @category accessors
   */
  del as delete
}
