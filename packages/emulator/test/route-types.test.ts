/**
 * `Resource.route` is typed by the operation's entry in the backend's tables. The `@ts-expect-error`
 * lines are checked by `pnpm check` (tsc -b): each must be an error, or the build fails. The runtime
 * part serves a hand-written resource through the router.
 */
import { Sessions, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as ApiError from "../src/ApiError.js"
import * as Emulator from "../src/Emulator.js"
import * as Resource from "../src/Resource.js"
import * as Store from "../src/Store.js"
import { call } from "./helpers.js"

const people = Store.table<Users.User>("people")

const getUser = Resource.route(Users.operations.get, ({ path, query, body, emulator }) => {
  const id: string = path.user_id
  // @ts-expect-error Users.get has no organization_id in its path
  void path.organization_id
  const none: undefined = query
  const nothing: undefined = body
  void [none, nothing]
  const user = emulator.store.get(people).get(id)
  return user === undefined ? Effect.fail(ApiError.notFound()) : Effect.succeed(user)
})

const listUsers = Resource.route(Users.operations.list, ({ query }) => {
  const limit: number | undefined = query.limit
  // @ts-expect-error the query of Users.list has no `paginated`
  void query.paginated
  return Effect.succeed(Array.from({ length: limit ?? 0 }, () => someUser))
})

const createUser = Resource.route(Users.operations.create, ({ body, emulator }) => {
  const emails: ReadonlyArray<string> | undefined = body.email_address
  const user = { ...someUser, id: emulator.generateId("user_"), email_addresses: [], username: emails?.[0] ?? null }
  emulator.store.get(people).set(user.id, user)
  return Effect.succeed(user)
})

// @ts-expect-error the answer of Users.get must be a Users.User
Resource.route(Users.operations.get, () => Effect.succeed({ id: "user_1" }))

// a list that takes `paginated` answers its page, not the bare list
Resource.route(Sessions.operations.list, () => Effect.succeed({ data: [], total_count: 0 }))
// @ts-expect-error the answer of Sessions.list is its page
Resource.route(Sessions.operations.list, () => Effect.succeed([]))

const someUser: Users.User = {
  id: "user_1",
  object: "user",
  external_id: null,
  primary_email_address_id: null,
  primary_phone_number_id: null,
  primary_web3_wallet_id: null,
  username: null,
  first_name: null,
  last_name: null,
  has_image: false,
  public_metadata: {},
  email_addresses: [],
  phone_numbers: [],
  web3_wallets: [],
  passkeys: [],
  password_enabled: false,
  two_factor_enabled: false,
  totp_enabled: false,
  backup_code_enabled: false,
  mfa_enabled_at: null,
  mfa_disabled_at: null,
  external_accounts: [],
  saml_accounts: [],
  enterprise_accounts: [],
  last_sign_in_at: null,
  banned: false,
  locked: false,
  lockout_expires_in_seconds: null,
  verification_attempts_remaining: null,
  updated_at: 0,
  created_at: 0,
  delete_self_enabled: true,
  create_organization_enabled: true,
  last_active_at: null,
  legal_accepted_at: null
}

describe("Resource.route", () => {
  it("serves a hand-written resource: decoded path, query and body, the handler's answer", async () => {
    const emulator = Emulator.make({ resources: [Resource.make("people", [getUser, listUsers, createUser])] })
    const created = await call(emulator, "POST", "/users", { body: { email_address: ["ada@example.com"] } })
    expect(created.status).toBe(200)
    expect(created.body.username).toBe("ada@example.com")
    expect((await call(emulator, "GET", `/users/${created.body.id}`)).body.id).toBe(created.body.id)
    expect((await call(emulator, "GET", "/users?limit=2")).body).toEqual([someUser, someUser])
    // the query is decoded with the generated schema before the handler runs
    expect((await call(emulator, "GET", "/users?limit=nope")).status).toBe(422)
    expect(Emulator.emulatedOperations([Resource.make("people", [getUser, listUsers, createUser])])).toEqual([
      Users.operations.list,
      Users.operations.create,
      Users.operations.get
    ])
  })
})
