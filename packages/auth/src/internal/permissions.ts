/**
 * Organization permissions and `has()`, ported from clerk/javascript:
 * packages/shared/src/jwtPayloadParser.ts (`o.per` + `o.fpm` + `fea` -> `org:feature:permission`)
 * and packages/shared/src/authorization.ts (`has`: fail closed, `org:` prefixes, `o:` / `u:` scopes).
 */

/** `fea` split by scope: `o:x` organization, `u:x` user, `ou:x` / `uo:x` both; malformed: undefined. */
export const splitByScope = (
  claim: string | null | undefined
): { readonly org: ReadonlyArray<string>; readonly user: ReadonlyArray<string> } | undefined => {
  const org: Array<string> = []
  const user: Array<string> = []
  if (!claim) return { org, user }
  for (const raw of claim.split(",")) {
    const part = raw.trim()
    const colon = part.indexOf(":")
    if (colon === -1) return undefined
    const scope = part.slice(0, colon)
    const value = part.slice(colon + 1)
    if (scope === "o") org.push(value)
    else if (scope === "u") user.push(value)
    else if (scope === "ou" || scope === "uo") {
      org.push(value)
      user.push(value)
    }
  }
  return { org, user }
}

/** For each organization feature, `fpm` is a decimal bitmask over `per`: bit i set = permission i. */
export const orgPermissions = (
  fea: string | undefined,
  per: string | undefined,
  fpm: string | undefined
): ReadonlyArray<string> => {
  if (!per || !fpm) return []
  const features = splitByScope(fea)?.org ?? []
  const permissions = per.split(",").map((p) => p.trim())
  const masks = fpm.split(",").map((m) => m.trim())
  const result: Array<string> = []
  features.forEach((feature, i) => {
    const mask = masks[i]
    if (mask === undefined || !/^\d+$/.test(mask)) return
    let bits = BigInt(mask)
    for (let p = 0; p < permissions.length && bits > BigInt(0); p++, bits >>= BigInt(1)) {
      if ((bits & BigInt(1)) === BigInt(1)) result.push(`org:${feature}:${permissions[p]}`)
    }
  })
  return result
}

const withOrgPrefix = (value: string) => value.replace(/^(org:)*/, "org:")
const ORG_SCOPES = new Set(["o", "org", "organization"])
const USER_SCOPES = new Set(["u", "user"])

const hasFeatureOrPlan = (claim: string | null, wanted: string): boolean => {
  if (!claim) return false
  const split = splitByScope(claim)
  if (split === undefined) return false
  const colon = wanted.indexOf(":")
  if (colon === -1) return split.org.includes(wanted) || split.user.includes(wanted)
  const scope = wanted.slice(0, colon)
  const id = wanted.slice(colon + 1)
  if (ORG_SCOPES.has(scope)) return split.org.includes(id)
  if (USER_SCOPES.has(scope)) return split.user.includes(id)
  return false
}

export interface Subject {
  readonly orgId: string | null
  readonly orgRole: string | null
  readonly orgPermissions: ReadonlyArray<string>
  readonly features: string | null
  readonly plans: string | null
}

export const has = (
  check: {
    readonly role?: string | undefined
    readonly permission?: string | undefined
    readonly feature?: string | undefined
    readonly plan?: string | undefined
  },
  subject: Subject
): boolean => {
  const asked = [check.role, check.permission, check.feature, check.plan].filter((v) => v !== undefined)
  if (asked.length === 0 || asked.some((v) => typeof v !== "string")) return false
  if (check.role !== undefined || check.permission !== undefined) {
    if (!subject.orgId) return false
    if (
      check.role !== undefined &&
      (!subject.orgRole || withOrgPrefix(subject.orgRole) !== withOrgPrefix(check.role))
    ) {
      return false
    }
    if (check.permission !== undefined && !subject.orgPermissions.includes(withOrgPrefix(check.permission))) {
      return false
    }
  }
  if (check.feature !== undefined && !hasFeatureOrPlan(subject.features, check.feature)) return false
  if (check.plan !== undefined && !hasFeatureOrPlan(subject.plans, check.plan)) return false
  return true
}
