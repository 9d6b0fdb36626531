/**
 * What API keys, M2M tokens and OAuth access tokens share: a lifetime in seconds turned into an
 * expiration in milliseconds, the status fields of their JSON (`revoked`, `revocation_reason`,
 * `expired`, `expiration`, timestamps), revocation and use, and the 400s of their operations.
 *
 * @internal
 */
import * as ApiError from "../ApiError.js"

/**
 * The part of a stored machine credential that changes with revocation, time and use.
 *
 * @internal
 */
export interface Status {
  revoked: boolean
  revocationReason: string | null
  /** Milliseconds since the epoch, or `null`: never expires. */
  expiration: number | null
  lastUsedAt: number | null
  readonly createdAt: number
  updatedAt: number
}

/**
 * A fresh status: created now, expiring `seconds` from now (`null`: never).
 *
 * @internal
 */
export const fresh = (now: number, seconds: number | null): Status => ({
  revoked: false,
  revocationReason: null,
  expiration: expiresAt(now, seconds),
  lastUsedAt: null,
  createdAt: now,
  updatedAt: now
})

/**
 * The expiration `seconds` from `now`, in milliseconds (`null` or absent: never).
 *
 * @internal
 */
export const expiresAt = (now: number, seconds: number | null | undefined): number | null =>
  seconds === null || seconds === undefined ? null : now + Math.round(seconds * 1000)

/**
 * Whether the credential has expired at `now` (its expiration is the first instant it is invalid).
 *
 * @internal
 */
export const isExpired = (now: number, status: Status): boolean =>
  status.expiration !== null && now >= status.expiration

/**
 * Whether the credential authenticates at `now`: neither revoked nor expired.
 *
 * @internal
 */
export const isValid = (now: number, status: Status): boolean => !status.revoked && !isExpired(now, status)

/**
 * The status fields of the JSON, `expired` computed at `now`.
 *
 * @internal
 */
export const statusJson = (now: number, status: Status) => ({
  revoked: status.revoked,
  revocation_reason: status.revocationReason,
  expired: isExpired(now, status),
  expiration: status.expiration,
  created_at: status.createdAt,
  updated_at: status.updatedAt
})

/**
 * Revokes the credential with its reason; revoking it again changes nothing (the first reason stays).
 *
 * @internal
 */
export const revoke = (now: number, status: Status, reason: string | null | undefined): void => {
  if (status.revoked) return
  status.revoked = true
  status.revocationReason = reason ?? null
  status.updatedAt = now
}

/**
 * Records a successful verification (`last_used_at`) when the credential is valid; a revoked or
 * expired one is answered as it is, unchanged.
 *
 * @internal
 */
export const use = (now: number, status: Status): void => {
  if (isValid(now, status)) status.lastUsedAt = now
}

/**
 * A 400 `form_param_value_invalid` naming the parameter: these operations document 400 and not 422
 * (the spec's `APIKeys.*`, `M2MTokens.*`, `OAuthAccessTokens.verify`).
 *
 * @internal
 */
export const invalidParam = (paramName: string, longMessage: string): ApiError.ApiError =>
  ApiError.make(400, {
    message: "is invalid",
    long_message: longMessage,
    code: "form_param_value_invalid",
    meta: { param_name: paramName }
  })
