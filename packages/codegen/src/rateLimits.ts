/**
 * Clerk's rate limits as data of the model. The spec says nothing of them but the instance's limit
 * (in `CreateUser`'s description); Clerk's docs, "Rate limits", say the rest: which operation the
 * instance's limit does not count, and which have a limit of their own. Each fact is an override
 * that names its evidence, like the wire overrides (overrides.ts); it records the operation's
 * `x-rate-limit`, which the model reads and the generator prints as the entry's `rateLimit`
 * (`ClerkOperation.RateLimit`). Each one fails the generation when its target is gone.
 *
 * The instance's limit itself (100 requests per 10 s on development instances, 1000 on production
 * ones) is `ClerkRateLimit.development` / `production` in @effect-clerk/backend; `checkInstanceLimit`
 * fails the generation when the spec's text no longer says what those presets hold.
 */
import * as ClerkRateLimit from "@effect-clerk/backend/ClerkRateLimit"
import type * as ClerkOperation from "@effect-clerk/backend/ClerkOperation"
import * as Duration from "effect/Duration"
import type { Document, Operation } from "./spec.js"

/** Clerk's docs, "Rate limits", the table "Backend API requests". */
const RATE_LIMITS = "https://clerk.com/docs/guides/how-clerk-works/system-limits#backend-api-requests"

/** The extension an override writes and the model reads. */
export const EXTENSION = "x-rate-limit"

export interface RateLimitOverride {
  readonly name: string
  readonly why: string
  readonly method: "get" | "post"
  readonly path: string
  /** The spec's `operationId` at that path: a renamed operation fails the generation. */
  readonly operationId: string
  readonly rateLimit: ClerkOperation.RateLimit
}

const HOUR = 3600

export const rateLimitOverrides: ReadonlyArray<RateLimitOverride> = [
  {
    name: "jwks-not-rate-limited",
    why: `Clerk's docs, "Rate limits" (${RATE_LIMITS}), list "Get the JWKS of the instance" (/v1/jwks) as not rate limited.`,
    method: "get",
    path: "/jwks",
    operationId: "GetJWKS",
    rateLimit: "exempt"
  },
  {
    name: "create-invitation-100-per-hour",
    why: `Clerk's docs, "Rate limits" (${RATE_LIMITS}): creating an invitation is limited to 100 requests per hour per instance.`,
    method: "post",
    path: "/invitations",
    operationId: "CreateInvitation",
    rateLimit: { limit: 100, windowSeconds: HOUR }
  },
  {
    name: "create-bulk-invitations-25-per-hour",
    why:
      `Clerk's docs, "Rate limits" (${RATE_LIMITS}), and createInvitationBulk()'s page ` +
      '(https://clerk.com/docs/reference/backend/invitations/create-invitation-bulk: "rate limited to 25 requests ' +
      'per hour per application instance").',
    method: "post",
    path: "/invitations/bulk",
    operationId: "CreateBulkInvitations",
    rateLimit: { limit: 25, windowSeconds: HOUR }
  },
  {
    name: "create-organization-invitation-250-per-hour",
    why: `Clerk's docs, "Rate limits" (${RATE_LIMITS}): creating an organization invitation is limited to 250 requests per hour per instance.`,
    method: "post",
    path: "/organizations/{organization_id}/invitations",
    operationId: "CreateOrganizationInvitation",
    rateLimit: { limit: 250, windowSeconds: HOUR }
  },
  {
    name: "create-organization-invitations-bulk-50-per-hour",
    why:
      `Clerk's docs, "Rate limits" (${RATE_LIMITS}), and createOrganizationInvitationBulk()'s page ` +
      "(https://clerk.com/docs/reference/backend/organization/create-organization-invitation-bulk: " +
      '"rate limited to 50 requests per hour per application instance").',
    method: "post",
    path: "/organizations/{organization_id}/invitations/bulk",
    operationId: "CreateOrganizationInvitationBulk",
    rateLimit: { limit: 50, windowSeconds: HOUR }
  }
]

type WithRateLimit = Operation & { [EXTENSION]?: ClerkOperation.RateLimit }

/** Records each override's `x-rate-limit` on its operation. */
export const applyRateLimits = (document: Document): void => {
  for (const override of rateLimitOverrides) {
    const op = document.paths[override.path]?.[override.method] as WithRateLimit | undefined
    if (!op) {
      throw new Error(`rate limit ${override.name}: ${override.method.toUpperCase()} ${override.path} is gone`)
    }
    if (op.operationId !== override.operationId) {
      throw new Error(`rate limit ${override.name}: the operation is now ${op.operationId}: review it`)
    }
    op[EXTENSION] = override.rateLimit
  }
  checkInstanceLimit(document)
}

/** The operation's rate limit as the overrides recorded it, if any. */
export const rateLimitOf = (op: Operation): ClerkOperation.RateLimit | undefined => (op as WithRateLimit)[EXTENSION]

/**
 * The instance's limit, as `CreateUser`'s description states it, against the presets of
 * `ClerkRateLimit`: the generation fails when they part.
 */
const checkInstanceLimit = (document: Document): void => {
  const description = (document.paths["/users"]?.["post"] as Operation | undefined)?.description ?? ""
  const stated =
    /(\d+) requests per (\d+) seconds for production instances and (\d+) requests per (\d+) seconds for development instances/.exec(
      description
    )
  if (!stated)
    throw new Error("CreateUser's description no longer states the instance's rate limit: review rateLimits.ts")
  const [, production, productionWindow, development, developmentWindow] = stated.map(Number)
  const presets = [
    ["production", ClerkRateLimit.production, production, productionWindow],
    ["development", ClerkRateLimit.development, development, developmentWindow]
  ] as const
  for (const [name, preset, limit, window] of presets) {
    if (preset.limit !== limit || Duration.toSeconds(preset.window) !== window) {
      throw new Error(
        `the spec states ${limit} requests per ${window} s for ${name} instances; ClerkRateLimit.${name} holds ` +
          `${preset.limit} per ${Duration.format(preset.window)}: update the preset`
      )
    }
  }
}
