/**
 * Emulated Users: create, get, update, delete; list and count with Clerk's filters and ordering;
 * metadata merge and replace; ban/unban (one or in bulk), lock/unlock; identifiers unique per
 * instance.
 *
 * Records and answers are the backend's generated `Users.User`. Email addresses and usernames are
 * lower-cased and unique across the instance (as are phone numbers and external ids): a taken one
 * is a 422 `form_identifier_exists`. `web3_wallet` is stored (primary, unique, searchable);
 * `password_hasher` and the `skip_*` flags are accepted without effect (the route's `ignores` say
 * why). Timestamps are Unix milliseconds, as Clerk's.
 *
 * The parts, one concept each: `users/records.ts` (the table, lookups, {@link patch}),
 * `users/create.ts`, `users/search.ts` (list, count), `users/profile.ts` (every change).
 *
 * @since 0.1.0
 */
import * as BackendUsers from "@effect-clerk/backend/Users"
import * as Effect from "effect/Effect"
import * as Resource from "../Resource.js"
import { create } from "./users/create.js"
import * as Credentials from "./users/credentials.js"
import * as Identities from "./users/identities.js"
import * as Profile from "./users/profile.js"
import * as Records from "./users/records.js"
import * as Search from "./users/search.js"

export {
  /**
   * @since 0.1.0
   */
  create
} from "./users/create.js"

export {
  /**
   * @since 0.1.0
   */
  find,
  /**
   * @since 0.1.0
   */
  identifiers,
  /**
   * @since 0.1.0
   */
  newestFirst,
  /**
   * @since 0.1.0
   */
  patch,
  /**
   * @since 0.1.0
   */
  users
} from "./users/records.js"

export type {
  /**
   * @since 0.1.0
   */
  UserRecord
} from "./users/records.js"

/**
 * The JSON of a user as returned by the API: the backend's generated `Users.User`.
 *
 * @since 0.1.0
 * @category models
 */
export type UserJson = BackendUsers.User

/**
 * The body of `POST /users`: the backend's generated `Users.CreateBody` (every request is validated
 * with the generated schemas before a handler runs).
 *
 * @since 0.1.0
 * @category models
 */
export type CreateUserParams = BackendUsers.CreateBody

/**
 * Seeds a user directly into an emulator's state (same validation and defaults as `POST /users`).
 * Throws the {@link ApiError.ApiError} on invalid params.
 *
 * @since 0.1.0
 * @category testing
 */
export const seed = (
  emulator: { readonly context: Resource.EmulatorContext },
  params: CreateUserParams = {}
): UserJson => Resource.runOrThrow(create(emulator.context, params))

/**
 * The Users resource.
 *
 * @since 0.1.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("users", [
  Resource.route(BackendUsers.operations.create, ({ emulator, body }) => create(emulator, body), {
    ignores: {
      skip_password_requirement: "the emulator requires no password",
      skip_legal_checks: "the emulator requires no legal acceptance",
      skip_user_requirement: "the emulator requires no identifier"
    }
  }),
  Resource.route(BackendUsers.operations.get, ({ emulator, path }) =>
    Effect.map(Records.get(emulator, path.user_id), (u) => structuredClone(u.json))
  ),
  ...Search.routes,
  ...Profile.routes,
  ...Credentials.routes,
  ...Identities.routes
])
