/**
 * Rate limits on request (`Emulator.make({ rateLimit })`, `--rate-limit`): off by default. When on,
 * the Backend API counts requests per secret key, as Clerk does, and answers one over a limit with
 * `429 too_many_requests` and `Retry-After` (seconds until the block expires).
 *
 * The numbers are Clerk's, from its docs, "Rate limits"
 * (https://clerk.com/docs/guides/how-clerk-works/system-limits, clerk/clerk-docs
 * docs/guides/how-clerk-works/system-limits.mdx): "Backend API requests are rate-limited per
 * application instance which is identified by the Secret Key... Production instances: 1000
 * requests per 10 seconds; Development instances: 100 requests per 10 seconds; Get the JWKS of the
 * instance, `GET /v1/jwks`: No rate limit", then the lower limits of a few endpoints
 * ({@link endpoints}). The spec says the same of the instance limits in `CreateUser`'s description.
 *
 * - `"dev"` / `"prod"`: the instance limit of a development / production instance, plus
 *   {@link endpoints};
 * - `{ limit, window }` (`--rate-limit 5/1s`): that one limit for every request, nothing else; for a
 *   test that wants to reach a limit quickly.
 *
 * `GET /v1/jwks`, the keyless `/.well-known/jwks.json` and the control API are never limited. Time
 * is the emulator's clock (`Options.now`), so a test with a fixed clock moves past a window by
 * moving its clock; `emulator.reset()` (and the control API's reset) empties the counters.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"

/**
 * One limit: at most `limit` requests per `window`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Limit {
  readonly limit: number
  readonly window: Duration.DurationInput
}

/**
 * What `rateLimit` takes: a preset (`"dev"`, `"prod"`) or one limit for every request.
 *
 * @since 0.1.0
 * @category models
 */
export type RateLimit = "dev" | "prod" | Limit

/**
 * An endpoint's own limit, counted apart from the instance's: per secret key, and per value of a
 * path parameter when `per` names one; operations that share a `bucket` share one count.
 *
 * @since 0.1.0
 * @category models
 */
export interface EndpointLimit extends Limit {
  readonly bucket: string
  readonly per?: string
}

/**
 * The instance limit of each preset (Clerk docs, "Rate limits": "Production instances: 1000
 * requests per 10 seconds; Development instances: 100 requests per 10 seconds").
 *
 * @since 0.1.0
 * @category data
 */
export const instance: { readonly dev: Limit; readonly prod: Limit } = {
  dev: { limit: 100, window: "10 seconds" },
  prod: { limit: 1000, window: "10 seconds" }
}

const userUpdate: EndpointLimit = { bucket: "user-update", limit: 10, window: "10 seconds", per: "user_id" }

/**
 * The endpoints with a lower limit of their own, by the spec's operation id, applied with either
 * preset (Clerk docs, "Rate limits", which gives them without distinguishing the instance kind).
 * A request counts against its endpoint's limit and the instance's.
 *
 * @since 0.1.0
 * @category data
 */
export const endpoints: Readonly<Record<string, EndpointLimit>> = {
  // "POST /v1/invitations: 100 requests per hour"
  CreateInvitation: { bucket: "CreateInvitation", limit: 100, window: "1 hour" },
  // "POST /v1/invitations/bulk: 25 requests per hour"
  CreateBulkInvitations: { bucket: "CreateBulkInvitations", limit: 25, window: "1 hour" },
  // "POST /v1/organizations/{organization_id}/invitations: 250 requests per hour"
  CreateOrganizationInvitation: { bucket: "CreateOrganizationInvitation", limit: 250, window: "1 hour" },
  // "POST /v1/organizations/{organization_id}/invitations/bulk: 50 requests per hour"
  CreateOrganizationInvitationBulk: { bucket: "CreateOrganizationInvitationBulk", limit: 50, window: "1 hour" },
  // "PATCH /v1/users/{user_id}, PATCH /v1/users/{user_id}/metadata, and PUT
  // /v1/users/{user_id}/metadata: 10 requests per 10 seconds per user"
  UpdateUser: userUpdate,
  UpdateUserMetadata: userUpdate,
  ReplaceUserMetadata: userUpdate
}

/**
 * The operations never limited, by operation id ("Get the JWKS of the instance, GET /v1/jwks: No
 * rate limit").
 *
 * @since 0.1.0
 * @category data
 */
export const unlimited: ReadonlyArray<string> = ["GetJWKS"]

const UNITS: Record<string, Duration.Unit> = { ms: "millis", s: "seconds", m: "minutes", h: "hours" }

const invalid = (given: string, why: string) =>
  new RangeError(
    `invalid rate limit ${JSON.stringify(given)}: ${why}; expected dev, prod or <requests>/<window> such as 5/1s, 100/10s, 25/1h (units ms, s, m, h)`
  )

/**
 * The limits a `rateLimit` stands for, checked: the instance's (a positive whole number of requests
 * per a positive window) and the endpoints'. Throws a `RangeError` for a bad one.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (
  rateLimit: RateLimit
): { readonly instance: Limit; readonly endpoints: Readonly<Record<string, EndpointLimit>> } => {
  if (rateLimit === "dev" || rateLimit === "prod") return { instance: instance[rateLimit], endpoints }
  const given = `${rateLimit.limit}/${String(rateLimit.window)}`
  if (!Number.isSafeInteger(rateLimit.limit) || rateLimit.limit < 1) {
    throw invalid(given, "the requests must be a whole number, at least 1")
  }
  const window = Duration.decodeUnknown(rateLimit.window)
  if (window._tag === "None" || !Duration.isFinite(window.value) || Duration.toMillis(window.value) < 1) {
    throw invalid(given, "the window must be a finite duration of at least 1 ms")
  }
  return { instance: { limit: rateLimit.limit, window: window.value }, endpoints: {} }
}

/**
 * Reads the command line's form: `dev`, `prod` or `<requests>/<window>` (`5/1s`, `100/10s`,
 * `25/1h`; units `ms`, `s`, `m`, `h`; `5/s` is `5/1s`). Throws a `RangeError` saying what is
 * expected.
 *
 * @example
 * ```ts
 * import { RateLimits } from "@effect-clerk/emulator"
 *
 * RateLimits.parse("dev") // "dev"
 * RateLimits.parse("5/1s") // { limit: 5, window: "1 seconds" }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const parse = (text: string): RateLimit => {
  const trimmed = text.trim()
  if (trimmed === "dev" || trimmed === "prod") return trimmed
  const match = /^(\d+)\/(\d*)(ms|s|m|h)$/.exec(trimmed)
  if (match === null) throw invalid(text, "not a preset nor <requests>/<window>")
  const limit: Limit = {
    limit: Number(match[1]),
    window: `${match[2] === "" ? 1 : Number(match[2])} ${UNITS[match[3]!]}`
  }
  resolve(limit)
  return limit
}
