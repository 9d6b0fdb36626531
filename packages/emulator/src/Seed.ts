/**
 * Seeding an emulator from plain data (`Emulator.make({ seed })`, `Emulator.layer({ seed })`, the
 * CLI's `--seed file.json`). Every entry is validated with the backend's generated request schema of
 * the operation that would create it and goes through the same rules (identifier uniqueness, roles,
 * slugs); an invalid seed throws when the emulator is made.
 *
 * @since 0.1.0
 */
import * as BackendInvitations from "@effect-clerk/backend/Invitations"
import * as BackendOrganizations from "@effect-clerk/backend/Organizations"
import * as BackendUsers from "@effect-clerk/backend/Users"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as ApiError from "./ApiError.js"
import type * as Resource from "./Resource.js"
import * as AllowListBlockList from "./resources/AllowListBlockList.js"
import * as Invitations from "./resources/Invitations.js"
import * as Organizations from "./resources/Organizations.js"
import * as Users from "./resources/Users.js"

/**
 * What an emulator can start with. Ids are optional; give one (`user_ada`) to refer to the object
 * from elsewhere in the seed (memberships) or from tests.
 *
 * @since 0.1.0
 * @category models
 */
export interface Seed {
  /** `POST /users` bodies, each with an optional `id`. */
  readonly users?: ReadonlyArray<BackendUsers.CreateBody & { readonly id?: string }>
  /** `POST /organizations` bodies, each with an optional `id` and its members. */
  readonly organizations?: ReadonlyArray<
    BackendOrganizations.CreateBody & {
      readonly id?: string
      readonly memberships?: ReadonlyArray<{ readonly user_id: string; readonly role: string }>
    }
  >
  /** `POST /invitations` bodies. */
  readonly invitations?: ReadonlyArray<BackendInvitations.CreateBody>
  /** Allow-list identifiers (`ada@example.com`, `*@example.com`, `+15555550100`). */
  readonly allowlist?: ReadonlyArray<string>
  /** Block-list identifiers. */
  readonly blocklist?: ReadonlyArray<string>
}

const SeedId = Schema.Struct({ id: Schema.optional(Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]+$/))) })
const Membership = Schema.Struct({ user_id: Schema.String, role: Schema.String })

/**
 * The schema of a {@link Seed} (what a seed file must hold): the generated request schemas plus
 * `id` (letters, digits, `_`, `-`) and `memberships`. Unknown keys are errors.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Seed: Schema.Schema<Seed, unknown> = Schema.Struct({
  users: Schema.optional(Schema.Array(Schema.extend(BackendUsers.CreateBody, SeedId))),
  organizations: Schema.optional(
    Schema.Array(
      Schema.extend(
        BackendOrganizations.CreateBody,
        Schema.Struct({ ...SeedId.fields, memberships: Schema.optional(Schema.Array(Membership)) })
      )
    )
  ),
  invitations: Schema.optional(Schema.Array(BackendInvitations.CreateBody)),
  allowlist: Schema.optional(Schema.Array(Schema.String)),
  blocklist: Schema.optional(Schema.Array(Schema.String))
}) as unknown as Schema.Schema<Seed, unknown>

/**
 * Decodes plain data (e.g. a parsed JSON file) as a {@link Seed}; throws a readable error.
 *
 * @since 0.1.0
 * @category validation
 */
export const decode = (input: unknown): Seed => {
  const result = Schema.decodeUnknownEither(Seed, { errors: "all", onExcessProperty: "error" })(input)
  if (result._tag === "Left") throw new Error(`invalid seed: ${ParseResult.TreeFormatter.formatErrorSync(result.left)}`)
  return result.right
}

const rekey = <A extends { json: { id: string } }>(
  table: Map<string, A>,
  from: string,
  to: string | undefined
): string => {
  if (to === undefined || to === from) return from
  if (table.has(to)) throw new Error(`invalid seed: the id ${to} is used twice`)
  const record = table.get(from)!
  table.delete(from)
  record.json = { ...record.json, id: to }
  table.set(to, record)
  return to
}

const run = <A>(effect: Effect.Effect<A, ApiError.ApiError>, what: string): A => {
  const exit = Effect.runSyncExit(effect)
  if (exit._tag === "Success") return exit.value
  const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  throw new Error(
    `invalid seed (${what}): ${failure?.errors.map((e) => `${e.code} ${e.long_message}`).join("; ") ?? "failed"}`
  )
}

/**
 * The ids of what {@link apply} created, in the seed's order (the given `id`s, or generated ones).
 *
 * @since 0.1.0
 * @category models
 */
export interface Seeded {
  readonly users: ReadonlyArray<string>
  readonly organizations: ReadonlyArray<string>
  readonly invitations: ReadonlyArray<string>
  readonly allowlist: ReadonlyArray<string>
  readonly blocklist: ReadonlyArray<string>
}

const idOf = (json: { readonly id: string }): string => json.id

/**
 * Writes a seed into an emulator's state: users, then organizations and their memberships, then
 * invitations and the lists. Throws on the first invalid entry (what was written before it stays:
 * `ClerkEmulator.seed` undoes it).
 *
 * @since 0.1.0
 * @category seeding
 */
export const apply = (emulator: Resource.EmulatorContext, input: Seed): Seeded => {
  const seed = decode(input)
  const users = (seed.users ?? []).map(({ id, ...body }, i) => {
    const user = run(Users.create(emulator, body), `users[${i}]`)
    return rekey(emulator.store.get(Users.users), user.id, id)
  })
  const organizations = (seed.organizations ?? []).map(({ id, memberships, ...body }, i) => {
    const created = run(Organizations.create(emulator, body), `organizations[${i}]`)
    const orgId = rekey(emulator.store.get(Organizations.organizations), String(created["id"]), id)
    if (orgId !== created["id"]) {
      for (const m of emulator.store.get(Organizations.memberships).values()) {
        if (m.organizationId === created["id"]) (m as { organizationId: string }).organizationId = orgId
      }
    }
    const record = Organizations.find(emulator, orgId)!
    memberships?.forEach((m, j) =>
      run(Organizations.addMember(emulator, record, m), `organizations[${i}].memberships[${j}]`)
    )
    return orgId
  })
  const invitations = (seed.invitations ?? []).map((body, i) =>
    idOf(run(Invitations.create(emulator, body), `invitations[${i}]`))
  )
  const allowlist = (seed.allowlist ?? []).map((identifier, i) =>
    idOf(
      run(
        AllowListBlockList.add(emulator, AllowListBlockList.allowlist, "allowlist_identifier", identifier),
        `allowlist[${i}]`
      )
    )
  )
  const blocklist = (seed.blocklist ?? []).map((identifier, i) =>
    idOf(
      run(
        AllowListBlockList.add(emulator, AllowListBlockList.blocklist, "blocklist_identifier", identifier),
        `blocklist[${i}]`
      )
    )
  )
  return { users, organizations, invitations, allowlist, blocklist }
}
