/**
 * The claims of a JWT template rendered for one session: Clerk's shortcodes (Clerk docs, "JWT
 * templates", https://clerk.com/docs/backend-requests/making/jwt-templates) replaced by the user's,
 * the active organization's and the session's values.
 *
 * What is supported:
 * - a claim whose whole value is one shortcode (`"{{user.public_metadata}}"`) takes the value with
 *   its JSON type (object, boolean, number, null);
 * - a string with shortcodes among text (`"{{user.first_name}} {{user.last_name}}"`) is
 *   interpolated (a missing value is the empty string);
 * - `||` picks the first value that is neither null nor `""`: `"{{user.username || 'anonymous'}}"`
 *   (a quoted string is a literal);
 * - arrays and objects are rendered recursively; other static values are kept as they are;
 * - the shortcodes: `user.` `id`, `external_id`, `first_name`, `last_name`, `full_name`, `username`,
 *   `image_url`, `profile_image_url`, `has_image`, `primary_email_address`, `primary_phone_number`,
 *   `primary_web3_wallet`, `email_verified`, `phone_number_verified`, `two_factor_enabled`,
 *   `created_at`, `updated_at`, `last_sign_in_at`, `public_metadata`, `unsafe_metadata` (and a path
 *   into either, `user.public_metadata.plan`); `org.` `id`, `name`, `slug`, `image_url`, `role`,
 *   `membership_permissions`, `public_metadata` (and paths); `org_membership.public_metadata`;
 *   `session.id`, `session.actor`. Any other shortcode renders as null.
 *
 * @since 0.2.0
 */
import type * as BackendUsers from "@effect-clerk/backend/Users"
import type * as Organizations from "../organizations/records.js"

/**
 * What the shortcodes of one token read.
 *
 * @since 0.2.0
 * @category models
 */
export interface Context {
  readonly user: BackendUsers.User
  readonly organization?:
    | {
        readonly record: Organizations.OrganizationRecord
        readonly membership: Organizations.MembershipRecord
        readonly permissions: ReadonlyArray<string>
      }
    | undefined
  readonly session: { readonly id: string; readonly actor: unknown }
}

type Json = unknown

const SHORTCODE = /\{\{\s*([^{}]*?)\s*\}\}/g
const WHOLE = /^\{\{\s*([^{}]*?)\s*\}\}$/

const path = (value: Json, keys: ReadonlyArray<string>): Json => {
  let current = value
  for (const key of keys) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return null
    current = (current as Record<string, Json>)[key]
  }
  return current === undefined ? null : current
}

const primary = <A extends { readonly id?: string | undefined }>(items: ReadonlyArray<A>, id: string | null) =>
  items.find((item) => item.id !== undefined && item.id === id)

const userValue = (user: BackendUsers.User, field: string, rest: ReadonlyArray<string>): Json => {
  switch (field) {
    case "full_name": {
      const name = [user.first_name, user.last_name].filter((n) => n !== null && n !== "").join(" ")
      return name === "" ? null : name
    }
    case "primary_email_address":
      return primary(user.email_addresses, user.primary_email_address_id)?.email_address ?? null
    case "primary_phone_number":
      return primary(user.phone_numbers, user.primary_phone_number_id)?.phone_number ?? null
    case "primary_web3_wallet":
      return primary(user.web3_wallets, user.primary_web3_wallet_id)?.web3_wallet ?? null
    case "email_verified":
      return primary(user.email_addresses, user.primary_email_address_id)?.verification?.status === "verified"
    case "phone_number_verified":
      return primary(user.phone_numbers, user.primary_phone_number_id)?.verification?.status === "verified"
    case "public_metadata":
    case "unsafe_metadata":
      return path(user[field] ?? {}, rest)
    case "id":
    case "external_id":
    case "first_name":
    case "last_name":
    case "username":
    case "image_url":
    case "profile_image_url":
    case "has_image":
    case "two_factor_enabled":
    case "created_at":
    case "updated_at":
    case "last_sign_in_at":
      return rest.length === 0 ? (user[field] ?? null) : null
    default:
      return null
  }
}

const orgValue = (organization: Context["organization"], field: string, rest: ReadonlyArray<string>): Json => {
  if (organization === undefined) return null
  const json = organization.record.json
  switch (field) {
    case "id":
    case "name":
    case "slug":
    case "image_url":
      return rest.length === 0 ? (json[field] ?? null) : null
    case "role":
      return organization.membership.role
    case "membership_permissions":
      return [...organization.permissions]
    case "public_metadata":
      return path(json.public_metadata, rest)
    default:
      return null
  }
}

const LITERAL = /^'([^']*)'$|^"([^"]*)"$/

const evaluate = (context: Context, expression: string): Json => {
  for (const alternative of expression.split("||").map((a) => a.trim())) {
    const literal = LITERAL.exec(alternative)
    const value = literal !== null ? (literal[1] ?? literal[2]) : lookup(context, alternative)
    if (value !== null && value !== undefined && value !== "") return value
  }
  return null
}

const lookup = (context: Context, reference: string): Json => {
  const [root, field = "", ...rest] = reference.split(".")
  switch (root) {
    case "user":
      return userValue(context.user, field, rest)
    case "org":
      return orgValue(context.organization, field, rest)
    case "org_membership":
      return field === "public_metadata" && context.organization !== undefined
        ? path(context.organization.membership.publicMetadata, rest)
        : null
    case "session":
      return field === "id" && rest.length === 0
        ? context.session.id
        : field === "actor" && rest.length === 0
          ? (context.session.actor ?? null)
          : null
    default:
      return null
  }
}

const text = (value: Json): string =>
  value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value)

/**
 * A template's claims with every shortcode replaced (see the module doc for what is supported).
 *
 * @since 0.2.0
 * @category rendering
 */
export const render = (claims: Json, context: Context): Json => {
  if (typeof claims === "string") {
    const whole = WHOLE.exec(claims)
    if (whole !== null) return structuredClone(evaluate(context, whole[1]!))
    return claims.replace(SHORTCODE, (_, expression: string) => text(evaluate(context, expression)))
  }
  if (Array.isArray(claims)) return claims.map((item) => render(item, context))
  if (typeof claims === "object" && claims !== null) {
    return Object.fromEntries(Object.entries(claims).map(([key, value]) => [key, render(value, context)]))
  }
  return claims
}
