/**
 * Emulated Organizations: create (its creator becomes the first admin), get by id or slug, list,
 * update (slugs unique per instance), delete, metadata merge and replace, and the logo.
 *
 * A logo is uploaded as a multipart form's `file`: an image (`image/jpeg`, `image/png`,
 * `image/gif`, `image/webp`) of at most 10 MB (spec `UploadOrganizationLogo`), else a 400
 * `image_invalid`, or a 413 `image_too_large` for a bigger one (the spec documents a 413 here). An
 * `uploader_user_id` must name a user (a 400 `form_param_value_invalid`: the spec documents no 422
 * here). The emulator keeps no bytes: the organization gets `has_image: true` and an `image_url` on
 * the emulated Frontend API; deleting the logo puts the default image back.
 *
 * @since 0.1.0
 */
import * as BackendOrganizations from "@effect-clerk/backend/Organizations"
import * as Effect from "effect/Effect"
import * as ApiError from "../../ApiError.js"
import * as Image from "../../internal/image.js"
import * as Metadata from "../../internal/metadata.js"
import * as Order from "../../internal/order.js"
import * as Params from "../../internal/params.js"
import * as Resource from "../../Resource.js"
import * as Users from "../users/records.js"
import { addMember, userMissing } from "./memberships.js"
import * as Records from "./records.js"

type Changes = { -readonly [K in keyof BackendOrganizations.Organization]?: BackendOrganizations.Organization[K] }

// spec `CreateOrganization`: "the organization slug can contain only lowercase alphanumeric
// characters (letters and digits) and the dash"; "Organization slugs must be unique for the instance".
const SLUG = /^[a-z0-9-]+$/

const DEFAULT_IMAGE = "/images/default-organization.png"

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
  for (const o of emulator.store.get(Records.organizations).values()) {
    if (o.json.slug === slug && o.json.id !== self) {
      return Effect.fail(ApiError.identifierExists("slug", "This slug is already in use by another organization."))
    }
  }
  return Effect.succeed(slug)
}

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
): Effect.Effect<BackendOrganizations.Organization, ApiError.ApiError> =>
  Effect.gen(function* () {
    if (body.name.trim() === "") return yield* ApiError.paramFormatInvalid("name", "name must not be blank.")
    let slug = body.slug ?? undefined
    if (slug === undefined) {
      // a generated slug never fails: a taken one gets a numeric suffix
      const base = slugify(body.name)
      slug = base
      const taken = new Set(Array.from(emulator.store.get(Records.organizations).values(), (o) => o.json.slug))
      for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`
    }
    yield* checkSlug(emulator, slug)
    const createdBy = body.created_by ?? undefined
    if (createdBy !== undefined && Users.find(emulator, createdBy) === undefined) {
      return yield* userMissing(createdBy, "created_by")
    }
    const now = emulator.now()
    const createdAt = (yield* Params.timestamp("created_at", body.created_at)) ?? now
    const id = emulator.generateId("org_")
    const record: Records.OrganizationRecord = {
      sequence: emulator.store.nextSequence(),
      json: {
        object: "organization",
        id,
        name: body.name,
        slug,
        image_url: emulator.frontendApiUrl + DEFAULT_IMAGE,
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
    emulator.store.get(Records.organizations).set(id, record)
    emulator.emit("organization.created", Records.organizationJson(emulator, record))
    if (createdBy !== undefined) yield* addMember(emulator, record, { user_id: createdBy, role: "org:admin" })
    return Records.organizationJson(emulator, record)
  })

const touch = (emulator: Resource.EmulatorContext, record: Records.OrganizationRecord, changes: Changes) => {
  record.json = { ...record.json, ...changes, updated_at: emulator.now() }
  const json = Records.organizationJson(emulator, record)
  emulator.emit("organization.updated", json)
  return json
}

const update = (
  emulator: Resource.EmulatorContext,
  o: Records.OrganizationRecord,
  body: BackendOrganizations.UpdateBody
): Effect.Effect<BackendOrganizations.Organization, ApiError.ApiError> =>
  Effect.gen(function* () {
    const changes: Changes = {}
    if (body.name !== undefined && body.name !== null) changes.name = body.name
    if (body.slug !== undefined && body.slug !== null) changes.slug = yield* checkSlug(emulator, body.slug, o.json.id)
    if (body.max_allowed_memberships !== undefined && body.max_allowed_memberships !== null) {
      changes.max_allowed_memberships = body.max_allowed_memberships
    }
    if (body.admin_delete_enabled !== undefined && body.admin_delete_enabled !== null) {
      changes.admin_delete_enabled = body.admin_delete_enabled
    }
    if (body.role_set_key !== undefined) changes.role_set_key = body.role_set_key
    const createdAt = yield* Params.timestamp("created_at", body.created_at)
    if (createdAt !== undefined) changes.created_at = createdAt
    return touch(emulator, o, changes)
  })

const METADATA = ["public_metadata", "private_metadata"] as const

const uploadLogo = (
  emulator: Resource.EmulatorContext,
  o: Records.OrganizationRecord,
  body: BackendOrganizations.UploadLogoBody
) =>
  Effect.gen(function* () {
    const uploader = body.uploader_user_id
    if (uploader !== undefined && Users.find(emulator, uploader) === undefined) {
      return yield* ApiError.make(400, {
        message: "is invalid",
        long_message: `No user was found with id ${uploader}.`,
        code: "form_param_value_invalid",
        meta: { param_name: "uploader_user_id" }
      })
    }
    yield* Image.check(body.file, 413)
    const url = Image.url(emulator)
    return { ...touch(emulator, o, { has_image: true, image_url: url }), has_image: true, image_url: url }
  })

// spec `ListOrganizations` `order_by`: "either by their `name`, `created_at` or `members_count`...
// If you don't use `+` or `-`, then `+` is implied. Defaults to `-created_at`"
const ORDER = Resource.orderBy<{ readonly record: Records.OrganizationRecord; readonly members_count: number }>(
  "-created_at",
  {
    name: ({ record }) => record.json.name,
    created_at: ({ record }) => record.json.created_at,
    members_count: ({ members_count }) => members_count
  }
)

/**
 * The routes of organizations.
 *
 * @since 0.1.0
 * @category resources
 */
export const routes: ReadonlyArray<Resource.Route> = [
  Resource.route(
    BackendOrganizations.operations.list,
    ({ emulator, query }) =>
      Effect.sync(() => {
        const needle = query.query?.toLowerCase()
        const users = Params.includeExclude(query.user_id)
        const ids = Params.includeExclude(query.organization_id)
        const counts = new Map<string, number>()
        for (const m of emulator.store.get(Records.memberships).values()) {
          counts.set(m.organizationId, (counts.get(m.organizationId) ?? 0) + 1)
        }
        const found = Array.from(emulator.store.get(Records.organizations).values())
          .filter(
            (o) =>
              // "exact match for organization ID and partial match for name and slug" (spec)
              (needle === undefined ||
                o.json.id === query.query ||
                o.json.name.toLowerCase().includes(needle) ||
                o.json.slug.includes(needle)) &&
              ids(o.json.id) &&
              ((query.user_id ?? []).length === 0 ||
                Records.membersOf(emulator, o.json.id).some((m) => users(m.userId)))
          )
          .map((record) => ({ record, members_count: counts.get(record.json.id) ?? 0 }))
        return Order.page(
          ORDER.sort(found, query.order_by).map(({ record }) =>
            Records.organizationJson(emulator, record, query.include_members_count === true)
          ),
          query
        )
      }),
    { orderBy: ORDER }
  ),
  Resource.route(BackendOrganizations.operations.create, ({ emulator, body }) => create(emulator, body)),
  Resource.route(BackendOrganizations.operations.get, ({ emulator, path, query }) =>
    Effect.map(Records.get(emulator, path.organization_id), (o) =>
      Records.organizationJson(emulator, o, query.include_members_count === true)
    )
  ),
  Resource.route(BackendOrganizations.operations.update, ({ emulator, path, body }) =>
    Effect.flatMap(Records.get(emulator, path.organization_id), (o) => update(emulator, o, body))
  ),
  Resource.route(BackendOrganizations.operations.delete, ({ emulator, path }) =>
    Effect.map(Records.get(emulator, path.organization_id), (o) => {
      for (const m of Records.membersOf(emulator, o.json.id)) emulator.store.get(Records.memberships).delete(m.id)
      emulator.store.get(Records.organizations).delete(o.json.id)
      const deleted = { object: "organization", id: o.json.id, slug: o.json.slug, deleted: true }
      emulator.emit("organization.deleted", deleted)
      return deleted
    })
  ),
  Resource.route(BackendOrganizations.operations.mergeMetadata, ({ emulator, path, body }) =>
    Effect.flatMap(Records.get(emulator, path.organization_id), (o) =>
      Effect.map(Metadata.changes(METADATA, "merge", o.json, body), (c) => touch(emulator, o, c))
    )
  ),
  Resource.route(BackendOrganizations.operations.replaceMetadata, ({ emulator, path, body }) =>
    Effect.flatMap(Records.get(emulator, path.organization_id), (o) =>
      Effect.map(Metadata.changes(METADATA, "replace", o.json, body), (c) => touch(emulator, o, c))
    )
  ),
  Resource.route(BackendOrganizations.operations.uploadLogo, ({ emulator, path, body }) =>
    Effect.flatMap(Records.get(emulator, path.organization_id), (o) => uploadLogo(emulator, o, body))
  ),
  Resource.route(BackendOrganizations.operations.deleteLogo, ({ emulator, path }) =>
    Effect.map(Records.get(emulator, path.organization_id), (o) =>
      touch(emulator, o, { has_image: false, image_url: emulator.frontendApiUrl + DEFAULT_IMAGE })
    )
  )
]
