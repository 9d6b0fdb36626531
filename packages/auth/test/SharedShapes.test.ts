/**
 * The shapes the webhook events share with the Backend API (User, Organization, EmailAddress, ...)
 * are generated twice: from the webhooks spec (WebhookEvents.ts) and from the API spec
 * (@effect-clerk/backend's schemas). Both specs define them alike; what differs is what each side
 * fixes: the API's wire overrides (packages/codegen/src/overrides.ts, from Clerk's own SDK) and the
 * webhooks' relaxations to their own examples (webhookOverrides.ts, listed in WebhookEvents.ts).
 *
 * This test pins each difference, property by property (`tsc -b`, run by `pnpm check`, fails on
 * any other), and checks at run time that every shape both sides declare is listed here, so a new
 * difference, or a new shared shape, is seen and named.
 */
import { ClerkError } from "@effect-clerk/backend/schemas/ClerkError"
import { DeletedObject } from "@effect-clerk/backend/schemas/DeletedObject"
import { EmailAddress } from "@effect-clerk/backend/schemas/EmailAddress"
import { EnterpriseAccount } from "@effect-clerk/backend/schemas/EnterpriseAccount"
import { EnterpriseAccountConnection } from "@effect-clerk/backend/schemas/EnterpriseAccountConnection"
import { ExternalAccountWithVerification } from "@effect-clerk/backend/schemas/ExternalAccountWithVerification"
import { IdentificationLink } from "@effect-clerk/backend/schemas/IdentificationLink"
import { Invitation } from "@effect-clerk/backend/schemas/Invitation"
import { Organization } from "@effect-clerk/backend/schemas/Organization"
import { OrganizationDomain } from "@effect-clerk/backend/schemas/OrganizationDomain"
import { OrganizationDomainVerification } from "@effect-clerk/backend/schemas/OrganizationDomainVerification"
import { OrganizationInvitationPublicOrganizationData } from "@effect-clerk/backend/schemas/OrganizationInvitationPublicOrganizationData"
import { OrganizationInvitationPublicUserData } from "@effect-clerk/backend/schemas/OrganizationInvitationPublicUserData"
import { OrganizationMembership } from "@effect-clerk/backend/schemas/OrganizationMembership"
import { OrganizationMembershipPublicUserData } from "@effect-clerk/backend/schemas/OrganizationMembershipPublicUserData"
import { Passkey } from "@effect-clerk/backend/schemas/Passkey"
import { Permission } from "@effect-clerk/backend/schemas/Permission"
import { PhoneNumber } from "@effect-clerk/backend/schemas/PhoneNumber"
import { Role } from "@effect-clerk/backend/schemas/Role"
import { SAMLAccount } from "@effect-clerk/backend/schemas/SAMLAccount"
import { SAMLAccountConnection } from "@effect-clerk/backend/schemas/SAMLAccountConnection"
import { SCIMUserMetadata } from "@effect-clerk/backend/schemas/SCIMUserMetadata"
import { SessionActivityResponse } from "@effect-clerk/backend/schemas/SessionActivityResponse"
import { User } from "@effect-clerk/backend/schemas/User"
import { VerificationAdmin } from "@effect-clerk/backend/schemas/VerificationAdmin"
import { VerificationEmailLink } from "@effect-clerk/backend/schemas/VerificationEmailLink"
import { VerificationFromOauth } from "@effect-clerk/backend/schemas/VerificationFromOauth"
import { VerificationGoogleOneTap } from "@effect-clerk/backend/schemas/VerificationGoogleOneTap"
import { VerificationOauth } from "@effect-clerk/backend/schemas/VerificationOauth"
import { VerificationOtp } from "@effect-clerk/backend/schemas/VerificationOtp"
import { VerificationPasskey } from "@effect-clerk/backend/schemas/VerificationPasskey"
import { VerificationSaml } from "@effect-clerk/backend/schemas/VerificationSaml"
import { VerificationScim } from "@effect-clerk/backend/schemas/VerificationScim"
import { VerificationTicket } from "@effect-clerk/backend/schemas/VerificationTicket"
import { VerificationWeb3 } from "@effect-clerk/backend/schemas/VerificationWeb3"
import { WaitlistEntry } from "@effect-clerk/backend/schemas/WaitlistEntry"
import { Web3Wallet } from "@effect-clerk/backend/schemas/Web3Wallet"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import { existsSync } from "node:fs"
import * as WebhookEvents from "../src/generated/WebhookEvents.js"

/** The Backend API's schema of each shape the webhook events also declare. */
const backend = {
  ClerkError,
  DeletedObject,
  EmailAddress,
  EnterpriseAccount,
  EnterpriseAccountConnection,
  ExternalAccountWithVerification,
  IdentificationLink,
  Invitation,
  Organization,
  OrganizationDomain,
  OrganizationDomainVerification,
  OrganizationInvitationPublicOrganizationData,
  OrganizationInvitationPublicUserData,
  OrganizationMembership,
  OrganizationMembershipPublicUserData,
  Passkey,
  Permission,
  PhoneNumber,
  Role,
  SAMLAccount,
  SAMLAccountConnection,
  SCIMUserMetadata,
  SessionActivityResponse,
  User,
  VerificationAdmin,
  VerificationEmailLink,
  VerificationFromOauth,
  VerificationGoogleOneTap,
  VerificationOauth,
  VerificationOtp,
  VerificationPasskey,
  VerificationSaml,
  VerificationScim,
  VerificationTicket,
  VerificationWeb3,
  WaitlistEntry,
  Web3Wallet
}

/**
 * How the webhook events' shape differs from the API's, property by property: `~name` when both
 * have the property with another type (or another optionality), `+name` when only the webhook
 * events have it, `-name` when only the API has it; `never` when they agree.
 */
interface Differences {
  ClerkError: never
  /** webhooks: the examples send `slug: null` (relaxed to nullable) */
  DeletedObject: "~slug"
  EmailAddress: never
  EnterpriseAccount: never
  EnterpriseAccountConnection: never
  ExternalAccountWithVerification: never
  IdentificationLink: never
  /** webhooks: the examples leave `public_metadata` out (relaxed to optional) */
  Invitation: "~public_metadata"
  /** API: `public_metadata` may be null (wire override organization-public-metadata-null) */
  Organization: "~public_metadata"
  /**
   * webhooks: the examples leave both verifications out (relaxed to optional); `verification` is an
   * OrganizationDomainVerification, which differs (below)
   */
  OrganizationDomain: "~affiliation_verification" | "~ownership_verification" | "~verification"
  /** webhooks: the examples leave `verified_at` out (relaxed to optional) */
  OrganizationDomainVerification: "~verified_at"
  OrganizationInvitationPublicOrganizationData: never
  OrganizationInvitationPublicUserData: never
  /** `organization` is an Organization, which differs (above) */
  OrganizationMembership: "~organization"
  OrganizationMembershipPublicUserData: never
  Passkey: never
  /** API: `type` may be absent (wire override permission-type-absent) */
  Permission: "~type"
  PhoneNumber: never
  /**
   * webhooks: the examples leave `is_creator_eligible` out (relaxed to optional); `permissions`
   * holds Permissions, which differ (above)
   */
  Role: "~is_creator_eligible" | "~permissions"
  SAMLAccount: never
  SAMLAccountConnection: never
  SCIMUserMetadata: never
  SessionActivityResponse: never
  /** `organization_memberships` holds OrganizationMemberships, which differ (above) */
  User: "~organization_memberships"
  VerificationAdmin: never
  VerificationEmailLink: never
  VerificationFromOauth: never
  VerificationGoogleOneTap: never
  VerificationOauth: never
  VerificationOtp: never
  VerificationPasskey: never
  VerificationSaml: never
  VerificationScim: never
  VerificationTicket: never
  VerificationWeb3: never
  /** `invitation` is an Invitation, which differs (above) */
  WaitlistEntry: "~invitation"
  Web3Wallet: never
}

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

/** The properties of `W` and `B` that differ, as in `Differences`. */
type Diff<W, B> = {
  [K in keyof W | keyof B]-?: K extends keyof W
    ? K extends keyof B
      ? Equals<Pick<W, K>, Pick<B, K>> extends true
        ? never
        : `~${K & string}`
      : `+${K & string}`
    : `-${K & string}`
}[keyof W | keyof B]

type Shared = keyof typeof backend
type Webhook<K extends Shared> = Schema.Schema.Type<(typeof WebhookEvents)[K]>
type Api<K extends Shared> = Schema.Schema.Type<(typeof backend)[K]>

/** The shapes whose differences are not the ones listed: `never` when every one is as listed. */
type Unlisted = {
  [K in Shared]: Equals<Diff<Webhook<K>, Api<K>>, Differences[K]> extends true ? never : K
}[Shared]

describe("the shapes the webhook events share with the Backend API", () => {
  it("differ only where listed, property by property", () => {
    // a shape whose differences are not the listed ones is named by tsc's error here
    const unlisted: { readonly [K in Unlisted]: "differs other than its entry in Differences" } = {}
    expect(Object.keys(unlisted)).toEqual([])
    expectTypeOf<Unlisted>().toEqualTypeOf<never>()
    expectTypeOf<keyof Differences>().toEqualTypeOf<Shared>()
    // the comparison sees a property's type, its optionality, and a property on one side only
    expectTypeOf<Diff<{ a: string; b?: number; c: 1 }, { a: number; b: number; d: 1 }>>().toEqualTypeOf<
      "~a" | "~b" | "+c" | "-d"
    >()
    expectTypeOf<Diff<WebhookEvents.Role, Api<"Role">>>().toEqualTypeOf<Differences["Role"]>()
  })

  it("are all listed: every shape both sides declare", () => {
    const schemas = new URL("../../backend/src/generated/schemas/", import.meta.url)
    const both = Object.entries(WebhookEvents)
      .filter(([name, value]) => Schema.isSchema(value) && existsSync(new URL(`${name}.ts`, schemas)))
      .map(([name]) => name)
      .sort()
    expect(both).toEqual(Object.keys(backend).sort())
    expect(both.length).toBeGreaterThan(30)
  })
})
