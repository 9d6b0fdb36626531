import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import type * as Resource from "../Resource.js"
import * as Jwt from "./jwt.js"
import * as Organizations from "../resources/organizations/records.js"

/** @internal */
export interface OrgClaim {
  readonly id: string
  readonly slg: string
  readonly rol: string
  readonly per: string
}

/**
 * The `o` claim of a member (Clerk docs, "Session tokens", version 2 claims: `o.rol` is the role
 * key without its `org:` prefix, `o.per` the comma-separated permission names without prefix);
 * `undefined` for a non-member; a 404 for an unknown organization.
 *
 * @internal
 */
export const orgClaim = (
  context: Resource.EmulatorContext,
  organizationId: string,
  userId: string
): Effect.Effect<OrgClaim | undefined, ApiError.ApiError> => {
  const organization = Organizations.find(context, organizationId)
  if (organization === undefined) {
    return Effect.fail(ApiError.notFound(`No organization was found with id ${organizationId}.`))
  }
  const membership = Organizations.findMembership(context, organization.json.id, userId)
  return Effect.succeed(
    membership === undefined
      ? undefined
      : {
          id: organization.json.id,
          slg: organization.json.slug,
          rol: membership.role.replace(/^org:/, ""),
          per: Organizations.rolePermissions(membership.role)
            .map((p) => p.replace(/^org:/, ""))
            .join(",")
        }
  )
}

/**
 * Signs a v2 session token with the instance's key (RS256, its `kid`).
 *
 * @internal
 */
export const sign = (
  context: Resource.EmulatorContext,
  options: {
    readonly userId: string
    readonly sessionId: string
    readonly o?: OrgClaim | undefined
    readonly actor?: Readonly<Record<string, unknown>> | null | undefined
    readonly authorizedParty?: string | undefined
    readonly expiresInSeconds?: number | undefined
    readonly claims?: Record<string, unknown> | undefined
  }
): Effect.Effect<string, ApiError.ApiError> => {
  const iat = Math.floor(context.now() / 1000)
  // Clerk docs, "Session tokens", default claims (v2): nbf is iat minus the allowed clock skew
  // (5 s by default); fva is [minutes since first factor, minutes since second factor or -1].
  const claims: Record<string, unknown> = {
    sub: options.userId,
    sid: options.sessionId,
    sts: "active",
    v: 2,
    iss: context.frontendApiUrl,
    iat,
    nbf: iat - 5,
    exp: iat + (options.expiresInSeconds ?? 60),
    fva: [0, -1],
    ...(options.authorizedParty === undefined ? {} : { azp: options.authorizedParty }),
    ...(options.o === undefined ? {} : { o: options.o }),
    ...(options.actor === undefined || options.actor === null ? {} : { act: { ...options.actor } }),
    ...options.claims
  }
  return Jwt.sign(context, claims, { typ: "JWT" }, "session token")
}
