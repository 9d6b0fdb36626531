/**
 * Clerk's rate limits as data of the model. The spec says nothing of them but the instance's limit
 * (in `CreateUser`'s description); Clerk's docs, "Rate limits", say the rest: which operation the
 * instance's limit does not count, and which have a limit of their own. Each fact is an override
 * that names its evidence, like the wire overrides (overrides.ts); it records the operation's
 * `x-rate-limit`, which the model reads and the generator prints as the entry's `rateLimit`
 * (`ClerkOperation.RateLimit`). Each one fails the generation when its target is gone.
 */
import type * as ClerkOperation from "@effect-clerk/backend/ClerkOperation"
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
}

/** The operation's rate limit as the overrides recorded it, if any. */
export const rateLimitOf = (op: Operation): ClerkOperation.RateLimit | undefined => (op as WithRateLimit)[EXTENSION]
