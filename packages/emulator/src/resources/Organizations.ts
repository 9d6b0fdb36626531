/**
 * Emulated Organizations (CRUD, slug uniqueness, metadata merge/replace) and Organization
 * Memberships (roles `org:admin` / `org:member`, list, update, delete, metadata).
 *
 * Lists follow Clerk's documented order: organizations "ordered by descending creation date" (spec
 * `ListOrganizations`); memberships by `order_by` (`created_at`, `first_name`, `last_name`,
 * `username`, `email_address`, `phone_number`; default `-created_at`). Both answer
 * `{ data, total_count }`.
 *
 * @since 0.1.0
 */
import type * as BackendMemberships from "@effect-clerk/backend/OrganizationMemberships"
import type * as BackendOrganizations from "@effect-clerk/backend/Organizations"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import { deepMerge } from "../internal/metadata.js"
import * as Order from "../internal/order.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"

/**
 * A stored organization (its JSON follows the spec's `Organization`).
 *
 * @since 0.1.0
 * @category models
 */
export interface OrganizationRecord {
  readonly sequence: number
  json: Record<string, unknown> & {
    readonly object: "organization"
    readonly id: string
    readonly name: string
    readonly slug: string
    readonly created_at: number
    readonly updated_at: number
  }
}

/**
 * The roles every instance has (Clerk docs, "Roles and permissions": the default roles are
 * `org:admin` and `org:member`).
 *
 * @since 0.1.0
 * @category roles
 */
export const ROLES: ReadonlyArray<string> = ["org:admin", "org:member"]

/**
 * A stored organization membership: who, where, which role.
 *
 * @since 0.1.0
 * @category models
 */
export interface MembershipRecord {
  readonly sequence: number
  readonly id: string
  readonly organizationId: string
  readonly userId: string
  role: string
  publicMetadata: Record<string, unknown>
  privateMetadata: Record<string, unknown>
  readonly createdAt: number
  updatedAt: number
}

/**
 * The organizations table.
 *
 * @since 0.1.0
 * @category tables
 */
export const organizations: Store.Table<OrganizationRecord> = Store.table<OrganizationRecord>("organizations")

/**
 * The organization memberships table.
 *
 * @since 0.1.0
 * @category tables
 */
export const memberships: Store.Table<MembershipRecord> = Store.table<MembershipRecord>("organization_memberships")

/**
 * The permissions of Clerk's two default roles (Clerk docs, "Roles and permissions": `org:admin` has
 * every System Permission, `org:member` can read the organization and its members).
 *
 * @since 0.1.0
 * @category roles
 */
export const rolePermissions = (role: string): ReadonlyArray<string> =>
  role === "org:admin"
    ? [
        "org:sys_profile:manage",
        "org:sys_profile:delete",
        "org:sys_memberships:read",
        "org:sys_memberships:manage",
        "org:sys_domains:read",
        "org:sys_domains:manage"
      ]
    : role === "org:member"
      ? ["org:sys_memberships:read"]
      : []

/**
 * Looks up a stored organization by id.
 *
 * @since 0.1.0
 * @category operations
 */
export const find = (emulator: Resource.EmulatorContext, organizationId: string): OrganizationRecord | undefined =>
  emulator.store.get(organizations).get(organizationId)

/**
 * The membership of `userId` in `organizationId`, if any.
 *
 * @since 0.1.0
 * @category operations
 */
export const findMembership = (
  emulator: Resource.EmulatorContext,
  organizationId: string,
  userId: string
): MembershipRecord | undefined => {
  for (const m of emulator.store.get(memberships).values()) {
    if (m.organizationId === organizationId && m.userId === userId) return m
  }
  return undefined
}

/**
 * Removes every membership of a user (the user was deleted).
 *
 * @since 0.1.0
 * @category operations
 */
export const removeUser = (emulator: Resource.EmulatorContext, userId: string): void => {
  const table = emulator.store.get(memberships)
  for (const [id, m] of table) if (m.userId === userId) table.delete(id)
}

// -----------------------------------------------------------------------------------------------
// JSON
// -----------------------------------------------------------------------------------------------

type Json = Record<string, unknown>
const str = (u: unknown): string | null => (typeof u === "string" ? u : null)

// Users imports this module (memberships of a deleted user); this one reads the users table by its
// name instead of importing Users, which keeps the import graph acyclic.
const userFor = (emulator: Resource.EmulatorContext, userId: string): Json | undefined =>
  (emulator.store.get(Store.table<{ readonly json: Json }>("users")).get(userId)?.json as Json | undefined) ?? undefined

/**
 * The JSON of an organization (spec `Organization`), with `members_count` and
 * `pending_invitations_count` when asked for (`include_members_count`).
 *
 * @since 0.1.0
 * @category json
 */
export const organizationJson = (
  emulator: Resource.EmulatorContext,
  record: OrganizationRecord,
  includeCounts = false
): Json => {
  const json: Json = structuredClone(record.json)
  if (includeCounts) {
    json["members_count"] = membersOf(emulator, record.json.id).length
    json["pending_invitations_count"] = Array.from(
      emulator.store.get(Store.table<{ readonly json: Json }>("organization_invitations")).values()
    ).filter((i) => i.json["organization_id"] === record.json.id && i.json["status"] === "pending").length
  }
  return json
}

const identifierOf = (user: Json): string | null => {
  const emails = Array.isArray(user["email_addresses"]) ? (user["email_addresses"] as Array<Json>) : []
  const primary = emails.find((e) => e["id"] === user["primary_email_address_id"]) ?? emails[0]
  return str(primary?.["email_address"]) ?? str(user["username"])
}

/**
 * The JSON of a membership (spec `OrganizationMembership`): the organization and the member's
 * public user data embedded.
 *
 * @since 0.1.0
 * @category json
 */
export const membershipJson = (emulator: Resource.EmulatorContext, m: MembershipRecord): Json => {
  const organization = find(emulator, m.organizationId)
  const user = userFor(emulator, m.userId) ?? {}
  return {
    id: m.id,
    object: "organization_membership",
    role: m.role,
    role_name: m.role === "org:admin" ? "Admin" : m.role === "org:member" ? "Member" : m.role,
    permissions: [...rolePermissions(m.role)],
    public_metadata: structuredClone(m.publicMetadata),
    private_metadata: structuredClone(m.privateMetadata),
    organization: organization === undefined ? {} : organizationJson(emulator, organization),
    public_user_data: {
      user_id: m.userId,
      first_name: str(user["first_name"]),
      last_name: str(user["last_name"]),
      profile_image_url: str(user["profile_image_url"]),
      image_url: str(user["image_url"]) ?? "",
      has_image: user["has_image"] === true,
      identifier: identifierOf(user),
      username: str(user["username"])
    },
    created_at: m.createdAt,
    updated_at: m.updatedAt
  }
}

/**
 * The memberships of an organization, oldest first.
 *
 * @since 0.1.0
 * @category operations
 */
export const membersOf = (emulator: Resource.EmulatorContext, organizationId: string): Array<MembershipRecord> =>
  Array.from(emulator.store.get(memberships).values()).filter((m) => m.organizationId === organizationId)

// -----------------------------------------------------------------------------------------------
// operations
// -----------------------------------------------------------------------------------------------

const notFound = (organizationId: string) => ApiError.notFound(`No organization was found with id ${organizationId}.`)

/**
 * The organization with this id, or with this slug (Clerk's `GET /organizations/{organization_id}`
 * accepts either).
 *
 * @since 0.1.0
 * @category operations
 */
export const get = (
  emulator: Resource.EmulatorContext,
  idOrSlug: string
): Effect.Effect<OrganizationRecord, ApiError.ApiError> => {
  const byId = find(emulator, idOrSlug)
  if (byId !== undefined) return Effect.succeed(byId)
  for (const o of emulator.store.get(organizations).values()) if (o.json.slug === idOrSlug) return Effect.succeed(o)
  return Effect.fail(notFound(idOrSlug))
}

// spec `CreateOrganization`: "the organization slug can contain only lowercase alphanumeric
// characters (letters and digits) and the dash"; "Organization slugs must be unique for the instance".
const SLUG = /^[a-z0-9-]+$/

const slugify = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "") || "organization"

const checkSlug = (
  emulator: Resource.EmulatorContext,
  slug: string,
  self?: string
): Effect.Effect<string, ApiError.ApiError> => {
  if (!SLUG.test(slug)) {
    return Effect.fail(
      ApiError.paramFormatInvalid("slug", "The slug can contain only lowercase alphanumeric characters and the dash.")
    )
  }
  for (const o of emulator.store.get(organizations).values()) {
    if (o.json.slug === slug && o.json.id !== self) {
      return Effect.fail(ApiError.identifierExists("slug", "This slug is already in use by another organization."))
    }
  }
  return Effect.succeed(slug)
}

const date = (name: string, value: string | null | undefined): Effect.Effect<number | undefined, ApiError.ApiError> => {
  if (value === undefined || value === null || value === "") return Effect.succeed(undefined)
  const ms = Date.parse(value)
  return Number.isNaN(ms)
    ? Effect.fail(ApiError.paramFormatInvalid(name, `${name} must be an RFC3339 date-time.`))
    : Effect.succeed(ms)
}

const userMissing = (userId: string, param = "user_id") =>
  ApiError.unprocessable({
    message: "is invalid",
    long_message: `No user was found with id ${userId}.`,
    code: "form_param_value_invalid",
    meta: { param_name: param }
  })

/**
 * Creates an organization; with `created_by`, that user becomes its first `org:admin` ("The ID of
 * the user who will become the administrator for the new organization", spec `CreateOrganization`).
 *
 * @since 0.1.0
 * @category operations
 */
export const create = (
  emulator: Resource.EmulatorContext,
  body: BackendOrganizations.CreateBody
): Effect.Effect<Json, ApiError.ApiError> =>
  Effect.gen(function* () {
    if (body.name.trim() === "") return yield* ApiError.paramFormatInvalid("name", "name must not be blank.")
    let slug = body.slug ?? undefined
    if (slug === undefined) {
      // a generated slug never fails: a taken one gets a numeric suffix
      const base = slugify(body.name)
      slug = base
      const taken = new Set(Array.from(emulator.store.get(organizations).values(), (o) => o.json.slug))
      for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`
    }
    yield* checkSlug(emulator, slug)
    const createdBy = body.created_by ?? undefined
    if (createdBy !== undefined && userFor(emulator, createdBy) === undefined) {
      return yield* userMissing(createdBy, "created_by")
    }
    const now = emulator.now()
    const createdAt = (yield* date("created_at", body.created_at)) ?? now
    const id = emulator.generateId("org_")
    const record: OrganizationRecord = {
      sequence: emulator.store.nextSequence(),
      json: {
        object: "organization",
        id,
        name: body.name,
        slug,
        image_url: `${emulator.frontendApiUrl}/images/default-organization.png`,
        has_image: false,
        max_allowed_memberships: body.max_allowed_memberships ?? 0,
        admin_delete_enabled: true,
        public_metadata: body.public_metadata ?? {},
        private_metadata: body.private_metadata ?? {},
        ...(createdBy === undefined ? {} : { created_by: createdBy }),
        role_set_key: body.role_set_key ?? null,
        created_at: createdAt,
        updated_at: now
      }
    }
    emulator.store.get(organizations).set(id, record)
    emulator.emit("organization.created", organizationJson(emulator, record))
    if (createdBy !== undefined) yield* addMember(emulator, record, { user_id: createdBy, role: "org:admin" })
    return organizationJson(emulator, record)
  })

const touch = (emulator: Resource.EmulatorContext, record: OrganizationRecord, changes: Json): Json => {
  record.json = { ...record.json, ...changes, updated_at: emulator.now() }
  const json = organizationJson(emulator, record)
  emulator.emit("organization.updated", json)
  return json
}

/**
 * Adds a member. An unknown user is a 422 (`user_id`), a role other than the instance's roles a
 * 422 (`role`), a second membership of the same user a 422 `already_a_member_in_organization`, a
 * full organization (`max_allowed_memberships`, 0 = unlimited) a 403.
 *
 * @since 0.1.0
 * @category operations
 */
export const addMember = (
  emulator: Resource.EmulatorContext,
  organization: OrganizationRecord,
  body: BackendMemberships.CreateBody
): Effect.Effect<Json, ApiError.ApiError> =>
  Effect.gen(function* () {
    if (userFor(emulator, body.user_id) === undefined) return yield* userMissing(body.user_id)
    if (!ROLES.includes(body.role)) return yield* invalidRole(body.role)
    if (findMembership(emulator, organization.json.id, body.user_id) !== undefined) {
      return yield* ApiError.unprocessable({
        message: "already a member",
        long_message: "The user is already a member of the organization.",
        code: "already_a_member_in_organization",
        meta: { param_name: "user_id" }
      })
    }
    const max = organization.json["max_allowed_memberships"]
    if (typeof max === "number" && max > 0 && membersOf(emulator, organization.json.id).length >= max) {
      return yield* ApiError.make(403, {
        message: "membership quota exceeded",
        long_message: `This organization has reached its limit of ${max} memberships.`,
        code: "organization_membership_quota_exceeded"
      })
    }
    const now = emulator.now()
    const m: MembershipRecord = {
      sequence: emulator.store.nextSequence(),
      id: emulator.generateId("orgmem_"),
      organizationId: organization.json.id,
      userId: body.user_id,
      role: body.role,
      publicMetadata: body.public_metadata ?? {},
      privateMetadata: body.private_metadata ?? {},
      createdAt: now,
      updatedAt: now
    }
    emulator.store.get(memberships).set(m.id, m)
    const json = membershipJson(emulator, m)
    emulator.emit("organizationMembership.created", json)
    return json
  })

const invalidRole = (role: string) =>
  ApiError.unprocessable({
    message: "is invalid",
    long_message: `${role} is not a role of this instance (${ROLES.join(", ")}).`,
    code: "form_param_value_invalid",
    meta: { param_name: "role" }
  })

const membership = (
  emulator: Resource.EmulatorContext,
  organizationId: string,
  userId: string
): Effect.Effect<MembershipRecord, ApiError.ApiError> =>
  Effect.flatMap(get(emulator, organizationId), (o) => {
    const m = findMembership(emulator, o.json.id, userId)
    return m === undefined
      ? Effect.fail(ApiError.notFound(`User ${userId} is not a member of organization ${organizationId}.`))
      : Effect.succeed(m)
  })

const touchMembership = (emulator: Resource.EmulatorContext, m: MembershipRecord): Json => {
  m.updatedAt = emulator.now()
  const json = membershipJson(emulator, m)
  emulator.emit("organizationMembership.updated", json)
  return json
}

const MEMBERSHIP_ORDER = ["created_at", "first_name", "last_name", "username", "email_address", "phone_number"]

const memberValue = (emulator: Resource.EmulatorContext) => (m: MembershipRecord, field: string) => {
  if (field === "created_at") return m.createdAt
  const user = userFor(emulator, m.userId) ?? {}
  if (field === "email_address") return identifierOf(user)
  if (field === "phone_number") {
    const phones = Array.isArray(user["phone_numbers"]) ? (user["phone_numbers"] as Array<Json>) : []
    return str(phones[0]?.["phone_number"])
  }
  return str(user[field])
}

const includeExclude = (values: ReadonlyArray<string> | undefined) => {
  const list = values ?? []
  const include = list.filter((v) => !v.startsWith("-")).map((v) => v.replace(/^\+/, ""))
  const exclude = list.filter((v) => v.startsWith("-")).map((v) => v.slice(1))
  return (id: string) => (include.length === 0 || include.includes(id)) && !exclude.includes(id)
}

/**
 * The Organizations resource.
 *
 * @since 0.1.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("organizations", [
  Resource.operation<void, BackendOrganizations.ListParams>("Organizations.list", ({ emulator, query }) =>
    Effect.sync(() => {
      const needle = query.query?.toLowerCase()
      const users = includeExclude(query.user_id)
      const ids = includeExclude(query.organization_id)
      const items = Array.from(emulator.store.get(organizations).values())
        .filter(
          (o) =>
            // "exact match for organization ID and partial match for name and slug" (spec)
            (needle === undefined ||
              o.json.id === query.query ||
              o.json.name.toLowerCase().includes(needle) ||
              o.json.slug.includes(needle)) &&
            ids(o.json.id) &&
            ((query.user_id ?? []).length === 0 || membersOf(emulator, o.json.id).some((m) => users(m.userId)))
        )
        // "ordered by descending creation date. Most recent organizations will be returned first." (spec)
        .sort(Order.compare({ field: "created_at", sign: -1 }, (o) => o.json.created_at))
        .map((o) => organizationJson(emulator, o, query.include_members_count === true))
      return Order.page(items, query)
    })
  ),
  Resource.operation<BackendOrganizations.CreateBody>("Organizations.create", ({ emulator, body }) =>
    create(emulator, body)
  ),
  Resource.operation<void, BackendOrganizations.GetParams>("Organizations.get", ({ emulator, params, query }) =>
    Effect.map(get(emulator, params.organization_id!), (o) =>
      organizationJson(emulator, o, query.include_members_count === true)
    )
  ),
  Resource.operation<BackendOrganizations.UpdateBody>("Organizations.update", ({ emulator, params, body }) =>
    Effect.gen(function* () {
      const o = yield* get(emulator, params.organization_id!)
      const changes: Json = {}
      if (body.name !== undefined && body.name !== null) changes["name"] = body.name
      if (body.slug !== undefined && body.slug !== null)
        changes["slug"] = yield* checkSlug(emulator, body.slug, o.json.id)
      if (body.max_allowed_memberships !== undefined && body.max_allowed_memberships !== null) {
        changes["max_allowed_memberships"] = body.max_allowed_memberships
      }
      if (body.admin_delete_enabled !== undefined && body.admin_delete_enabled !== null) {
        changes["admin_delete_enabled"] = body.admin_delete_enabled
      }
      if (body.role_set_key !== undefined) changes["role_set_key"] = body.role_set_key
      const createdAt = yield* date("created_at", body.created_at)
      if (createdAt !== undefined) changes["created_at"] = createdAt
      return touch(emulator, o, changes)
    })
  ),
  Resource.operation("Organizations.delete", ({ emulator, params }) =>
    Effect.map(get(emulator, params.organization_id!), (o) => {
      for (const m of membersOf(emulator, o.json.id)) emulator.store.get(memberships).delete(m.id)
      emulator.store.get(organizations).delete(o.json.id)
      const deleted = { object: "organization", id: o.json.id, slug: o.json.slug, deleted: true }
      emulator.emit("organization.deleted", deleted)
      return deleted
    })
  ),
  Resource.operation<BackendOrganizations.MergeMetadataBody>(
    "Organizations.mergeMetadata",
    ({ emulator, params, body }) =>
      Effect.map(get(emulator, params.organization_id!), (o) => {
        const changes: Json = {}
        for (const key of ["public_metadata", "private_metadata"] as const) {
          const given = body[key]
          if (given !== undefined && given !== null) changes[key] = deepMerge(o.json[key] as Json, given)
        }
        return touch(emulator, o, changes)
      })
  ),
  Resource.operation<BackendOrganizations.ReplaceMetadataBody>(
    "Organizations.replaceMetadata",
    ({ emulator, params, body }) =>
      Effect.map(get(emulator, params.organization_id!), (o) => {
        const changes: Json = {}
        for (const key of ["public_metadata", "private_metadata"] as const) {
          const given = body[key]
          if (given !== undefined) changes[key] = given === null ? {} : structuredClone(given)
        }
        return touch(emulator, o, changes)
      })
  ),
  Resource.operation<void, BackendMemberships.ListParams>(
    "OrganizationMemberships.list",
    ({ emulator, params, query }) =>
      Effect.gen(function* () {
        const o = yield* get(emulator, params.organization_id!)
        const order = yield* Order.parse(query.order_by, "-created_at", MEMBERSHIP_ORDER)
        const users = includeExclude(query.user_id)
        const roles = query.role ?? []
        const needle = query.query?.toLowerCase()
        const items = membersOf(emulator, o.json.id)
          .filter((m) => {
            const user = userFor(emulator, m.userId) ?? {}
            const text = [
              m.userId,
              identifierOf(user),
              str(user["first_name"]),
              str(user["last_name"]),
              str(user["username"])
            ]
            return (
              users(m.userId) &&
              (roles.length === 0 || roles.includes(m.role)) &&
              (needle === undefined || text.some((t) => t !== null && t.toLowerCase().includes(needle)))
            )
          })
          .sort(Order.compare(order, memberValue(emulator)))
          .map((m) => membershipJson(emulator, m))
        return Order.page(items, query)
      })
  ),
  Resource.operation<void, BackendMemberships.ListInstanceParams>(
    "OrganizationMemberships.listInstance",
    ({ emulator, query }) =>
      Effect.gen(function* () {
        const order = yield* Order.parse(query.order_by, "-created_at", MEMBERSHIP_ORDER)
        const items = Array.from(emulator.store.get(memberships).values())
          .sort(Order.compare(order, memberValue(emulator)))
          .map((m) => membershipJson(emulator, m))
        return Order.page(items, query)
      })
  ),
  Resource.operation<BackendMemberships.CreateBody>("OrganizationMemberships.create", ({ emulator, params, body }) =>
    Effect.flatMap(get(emulator, params.organization_id!), (o) => addMember(emulator, o, body))
  ),
  Resource.operation<BackendMemberships.UpdateBody>("OrganizationMemberships.update", ({ emulator, params, body }) =>
    Effect.gen(function* () {
      const m = yield* membership(emulator, params.organization_id!, params.user_id!)
      if (!ROLES.includes(body.role)) return yield* invalidRole(body.role)
      m.role = body.role
      return touchMembership(emulator, m)
    })
  ),
  Resource.operation<BackendMemberships.UpdateMetadataBody>(
    "OrganizationMemberships.updateMetadata",
    ({ emulator, params, body }) =>
      Effect.map(membership(emulator, params.organization_id!, params.user_id!), (m) => {
        if (body.public_metadata) m.publicMetadata = deepMerge(m.publicMetadata, body.public_metadata)
        if (body.private_metadata) m.privateMetadata = deepMerge(m.privateMetadata, body.private_metadata)
        return touchMembership(emulator, m)
      })
  ),
  Resource.operation("OrganizationMemberships.delete", ({ emulator, params }) =>
    Effect.map(membership(emulator, params.organization_id!, params.user_id!), (m) => {
      const json = membershipJson(emulator, m)
      emulator.store.get(memberships).delete(m.id)
      emulator.emit("organizationMembership.deleted", json)
      return json
    })
  ),
  Resource.operation<void, { readonly limit?: number; readonly offset?: number }>(
    "Users.getOrganizationMemberships",
    ({ emulator, params, query }) =>
      Effect.sync(() =>
        Order.page(
          Array.from(emulator.store.get(memberships).values())
            .filter((m) => m.userId === params.user_id)
            .sort(Order.compare({ field: "created_at", sign: -1 }, (m) => m.createdAt))
            .map((m) => membershipJson(emulator, m)),
          query
        )
      )
  )
])
