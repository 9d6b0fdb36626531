/**
 * Emulated organization domains (Clerk's "Verified domains"): create, list (one organization's or
 * the instance's), update, delete, and the manual ownership override.
 *
 * - A domain is created verified unless `verified: false` ("By default the domain is verified",
 *   spec `CreateOrganizationDomain`); its `affiliation_verification` (and the deprecated alias
 *   `verification`) says so. `ownership_verification` is null until `verify_ownership`, which
 *   records strategy `manual_override` and is idempotent (spec `VerifyOrganizationDomainOwnership`).
 * - `enrollment_mode` is one of `manual_invitation` (the default), `automatic_invitation`,
 *   `automatic_suggestion`, `enterprise_sso`; another value is a 422 `form_param_value_invalid`.
 * - A name is a domain (`example.com`, no port, no scheme), lower-cased: a malformed one is a 422
 *   `form_param_format_invalid`, one the organization already has a 422 `form_identifier_exists`,
 *   a common email provider's (`gmail.com`, ...) a 422 `organization_domain_common` (the code
 *   Clerk's localizations name, clerk/javascript packages/localizations/src/en-US.ts).
 * - An unknown organization or domain is a 404. A domain of a deleted organization is gone with it.
 * - Lists: `verified` (`true`/`false`), `enrollment_mode` (a `-` prefix excludes), `limit`/`offset`;
 *   the instance's list also `organization_id`, `query` ("If the query starts with `org_`, it will
 *   search by exact organization ID match. Otherwise, it performs a case-insensitive partial match on
 *   the domain name", a blank one is a 422), `domains` (exact names) and `order_by` (`name`,
 *   `created_at`; default `-created_at`, also the order of one organization's list).
 *
 * Pending invitation and suggestion counts are always 0: the emulator sends neither.
 *
 * @since 0.2.0
 */
import * as BackendDomains from "@effect-clerk/backend/OrganizationDomains"
import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import * as Order from "../internal/order.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"
import * as Organizations from "./organizations/records.js"

/**
 * A stored organization domain; its JSON (`OrganizationDomains.OrganizationDomain`) embeds the
 * organization as it is when asked.
 *
 * @since 0.2.0
 * @category models
 */
export interface OrganizationDomainRecord {
  readonly sequence: number
  readonly id: string
  readonly organizationId: string
  readonly name: string
  enrollmentMode: string
  verified: boolean
  ownershipVerifiedAt: number | null
  readonly createdAt: number
  updatedAt: number
}

/**
 * The organization domains table.
 *
 * @since 0.2.0
 * @category tables
 */
export const organizationDomains: Store.Table<OrganizationDomainRecord> =
  Store.table<OrganizationDomainRecord>("organization_domains")

const ENROLLMENT_MODES = ["manual_invitation", "automatic_invitation", "automatic_suggestion", "enterprise_sso"]
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/
const COMMON = new Set([
  "gmail.com",
  "googlemail.com",
  "yahoo.com",
  "hotmail.com",
  "outlook.com",
  "live.com",
  "icloud.com",
  "me.com",
  "aol.com",
  "proton.me",
  "protonmail.com"
])

const verification = (
  record: OrganizationDomainRecord
): NonNullable<BackendDomains.OrganizationDomain["verification"]> =>
  record.verified
    ? { status: "verified", strategy: "admin", attempts: null, expire_at: null, verified_at: null }
    : { status: "unverified", strategy: "email_code", attempts: 0, expire_at: null, verified_at: null }

/**
 * The JSON of an organization domain (spec `OrganizationDomain`).
 *
 * @since 0.2.0
 * @category json
 */
export const domainJson = (
  organization: Organizations.OrganizationRecord,
  record: OrganizationDomainRecord
): BackendDomains.OrganizationDomain => ({
  object: "organization_domain",
  id: record.id,
  organization_id: record.organizationId,
  name: record.name,
  enrollment_mode: record.enrollmentMode,
  affiliation_email_address: null,
  affiliation_verification: verification(record),
  ownership_verification:
    record.ownershipVerifiedAt === null
      ? null
      : {
          status: "verified",
          strategy: "manual_override",
          attempts: null,
          expire_at: null,
          verified_at: record.ownershipVerifiedAt
        },
  verification: verification(record),
  total_pending_invitations: 0,
  total_pending_suggestions: 0,
  public_organization_data: {
    id: organization.json.id,
    name: organization.json.name,
    slug: organization.json.slug,
    image_url: organization.json.image_url ?? "",
    has_image: organization.json.has_image
  },
  created_at: record.createdAt,
  updated_at: record.updatedAt
})

// every domain whose organization still exists
const withOrganizations = (emulator: Resource.EmulatorContext) =>
  Array.from(emulator.store.get(organizationDomains).values()).flatMap((record) => {
    const organization = Organizations.find(emulator, record.organizationId)
    return organization === undefined ? [] : [{ record, organization }]
  })

const checkMode = (mode: string): Effect.Effect<string, ApiError.ApiError> =>
  ENROLLMENT_MODES.includes(mode)
    ? Effect.succeed(mode)
    : Effect.fail(
        ApiError.unprocessable({
          message: "is invalid",
          long_message: `enrollment_mode must be one of ${ENROLLMENT_MODES.join(", ")}.`,
          code: "form_param_value_invalid",
          meta: { param_name: "enrollment_mode" }
        })
      )

const checkName = (
  emulator: Resource.EmulatorContext,
  organizationId: string,
  raw: string | undefined
): Effect.Effect<string, ApiError.ApiError> => {
  if (raw === undefined) return Effect.fail(ApiError.unprocessable(ApiError.paramMissingItem("name")))
  const name = raw.trim().toLowerCase()
  if (!DOMAIN.test(name)) {
    return Effect.fail(ApiError.paramFormatInvalid("name", "name must be a domain such as example.com."))
  }
  if (COMMON.has(name)) {
    return Effect.fail(
      ApiError.unprocessable({
        message: "is a common email provider",
        long_message: `${name} is the domain of a common email provider and cannot be an organization domain.`,
        code: "organization_domain_common",
        meta: { param_name: "name" }
      })
    )
  }
  const taken = Array.from(emulator.store.get(organizationDomains).values()).some(
    (d) => d.organizationId === organizationId && d.name === name
  )
  return taken
    ? Effect.fail(ApiError.identifierExists("name", `The organization already has the domain ${name}.`))
    : Effect.succeed(name)
}

const found = (emulator: Resource.EmulatorContext, path: { organization_id: string; domain_id: string }) =>
  Effect.flatMap(Organizations.get(emulator, path.organization_id), (organization) => {
    const record = emulator.store.get(organizationDomains).get(path.domain_id)
    return record === undefined || record.organizationId !== organization.json.id
      ? Effect.fail(ApiError.notFound(`No domain ${path.domain_id} was found in organization ${path.organization_id}.`))
      : Effect.succeed({ organization, record })
  })

const touch = (
  emulator: Resource.EmulatorContext,
  { organization, record }: { organization: Organizations.OrganizationRecord; record: OrganizationDomainRecord }
) => {
  record.updatedAt = emulator.now()
  return domainJson(organization, record)
}

// `true` / `false` (anything else is a 422), `undefined` for no filter
const parseVerified = (value: string | undefined): Effect.Effect<boolean | undefined, ApiError.ApiError> =>
  value === undefined
    ? Effect.succeed(undefined)
    : value === "true" || value === "false"
      ? Effect.succeed(value === "true")
      : Effect.fail(ApiError.paramFormatInvalid("verified", "verified must be true or false."))

// Clerk's enrollment_mode filter: values to include, or to exclude with a `-` prefix (AND-ed)
const modeFilter = (values: ReadonlyArray<string>) => {
  const include = values.filter((v) => !v.startsWith("-"))
  const exclude = values.filter((v) => v.startsWith("-")).map((v) => v.slice(1))
  return (mode: string) => (include.length === 0 || include.includes(mode)) && !exclude.includes(mode)
}

// spec `ListAllOrganizationDomains` `order_by`: `name` or `created_at`, `+` or `-`; default
// `-created_at` (the per-organization list documents no order_by: it takes the default)
const ORDER = Resource.orderBy<OrganizationDomainRecord>("-created_at", {
  name: (d) => d.name,
  created_at: (d) => d.createdAt
})

const listed = (
  emulator: Resource.EmulatorContext,
  rows: ReturnType<typeof withOrganizations>,
  orderBy: string | undefined,
  query: { readonly limit?: number | undefined; readonly offset?: number | undefined }
) =>
  Order.page(
    ORDER.sort(
      rows.map(({ record }) => record),
      orderBy
    ).map((record) => domainJson(Organizations.find(emulator, record.organizationId)!, record)),
    query
  )

/**
 * The Organization Domains resource.
 *
 * @since 0.2.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("organization_domains", [
  Resource.route(BackendDomains.operations.create, ({ emulator, path, body }) =>
    Effect.gen(function* () {
      const organization = yield* Organizations.get(emulator, path.organization_id)
      const name = yield* checkName(emulator, organization.json.id, body.name)
      const enrollmentMode = yield* checkMode(body.enrollment_mode ?? "manual_invitation")
      const now = emulator.now()
      const record: OrganizationDomainRecord = {
        sequence: emulator.store.nextSequence(),
        id: emulator.generateId("orgdmn_"),
        organizationId: organization.json.id,
        name,
        enrollmentMode,
        verified: body.verified ?? true,
        ownershipVerifiedAt: null,
        createdAt: now,
        updatedAt: now
      }
      emulator.store.get(organizationDomains).set(record.id, record)
      return domainJson(organization, record)
    })
  ),
  Resource.route(BackendDomains.operations.list, ({ emulator, path, query }) =>
    Effect.gen(function* () {
      const organization = yield* Organizations.get(emulator, path.organization_id)
      const verified = yield* parseVerified(query.verified)
      const modes = modeFilter(query.enrollment_mode === undefined ? [] : [query.enrollment_mode])
      const rows = withOrganizations(emulator).filter(
        ({ record }) =>
          record.organizationId === organization.json.id &&
          (verified === undefined || record.verified === verified) &&
          modes(record.enrollmentMode)
      )
      return listed(emulator, rows, undefined, query)
    })
  ),
  Resource.route(
    BackendDomains.operations.listAll,
    ({ emulator, query }) =>
      Effect.gen(function* () {
        const needle = query.query
        if (needle !== undefined && needle.trim() === "") {
          return yield* ApiError.paramFormatInvalid("query", "query must not be blank.")
        }
        const modes = modeFilter(query.enrollment_mode ?? [])
        const names = query.domains ?? []
        const rows = withOrganizations(emulator).filter(
          ({ record }) =>
            (query.organization_id === undefined || record.organizationId === query.organization_id) &&
            (query.verified === undefined || record.verified === (query.verified === "true")) &&
            modes(record.enrollmentMode) &&
            (names.length === 0 || names.includes(record.name)) &&
            (needle === undefined ||
              (needle.startsWith("org_")
                ? record.organizationId === needle
                : record.name.includes(needle.trim().toLowerCase())))
        )
        return listed(emulator, rows, query.order_by, query)
      }),
    { orderBy: ORDER }
  ),
  Resource.route(BackendDomains.operations.update, ({ emulator, path, body }) =>
    Effect.gen(function* () {
      const target = yield* found(emulator, path)
      if (body.enrollment_mode !== undefined && body.enrollment_mode !== null) {
        target.record.enrollmentMode = yield* checkMode(body.enrollment_mode)
      }
      if (body.verified !== undefined && body.verified !== null) target.record.verified = body.verified
      return touch(emulator, target)
    })
  ),
  Resource.route(BackendDomains.operations.delete, ({ emulator, path }) =>
    Effect.map(found(emulator, path), ({ record }) => {
      emulator.store.get(organizationDomains).delete(record.id)
      return { object: "organization_domain", id: record.id, deleted: true }
    })
  ),
  Resource.route(BackendDomains.operations.verifyOwnership, ({ emulator, path }) =>
    Effect.map(found(emulator, path), (target) => {
      if (target.record.ownershipVerifiedAt !== null) return domainJson(target.organization, target.record)
      target.record.ownershipVerifiedAt = emulator.now()
      return touch(emulator, target)
    })
  )
])
