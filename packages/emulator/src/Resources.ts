/**
 * The emulated resources, one namespace each, with their test helpers (`Resources.Users.seed`,
 * `Resources.Invitations.acceptOrganizationInvitation`, ...). They live under one `Resources`
 * namespace so that they never clash with `@effect-clerk/backend`'s services of the same name
 * (`Users`, `ActorTokens`) in a test file that imports both.
 *
 * @since 0.1.0
 */

/**
 * @since 0.2.0
 */
export * as APIKeys from "./resources/APIKeys.js"

/**
 * @since 0.1.0
 */
export * as ActorTokens from "./resources/ActorTokens.js"

/**
 * @since 0.1.0
 */
export * as AllowListBlockList from "./resources/AllowListBlockList.js"

/**
 * @since 0.2.0
 */
export * as Clients from "./resources/Clients.js"

/**
 * @since 0.2.0
 */
export * as EmailAddresses from "./resources/EmailAddresses.js"

/**
 * @since 0.2.0
 */
export * as Domains from "./resources/Domains.js"

/**
 * @since 0.1.0
 */
export * as Invitations from "./resources/Invitations.js"

/**
 * @since 0.1.0
 */
export * as JWKS from "./resources/JWKS.js"

/**
 * @since 0.2.0
 */
export * as JWTTemplates from "./resources/JWTTemplates.js"

/**
 * @since 0.2.0
 */
export * as M2MTokens from "./resources/M2MTokens.js"

/**
 * @since 0.2.0
 */
export * as Machines from "./resources/Machines.js"

/**
 * @since 0.2.0
 */
export * as OAuthAccessTokens from "./resources/OAuthAccessTokens.js"

/**
 * @since 0.2.0
 */
export * as OrganizationDomains from "./resources/OrganizationDomains.js"

/**
 * @since 0.1.0
 */
export * as Organizations from "./resources/Organizations.js"

/**
 * @since 0.2.0
 */
export * as PhoneNumbers from "./resources/PhoneNumbers.js"

/**
 * @since 0.2.0
 */
export * as RedirectURLs from "./resources/RedirectURLs.js"

/**
 * @since 0.1.0
 */
export * as Sessions from "./resources/Sessions.js"

/**
 * @since 0.2.0
 */
export * as SignInTokens from "./resources/SignInTokens.js"

/**
 * @since 0.2.0
 */
export * as TestingTokens from "./resources/TestingTokens.js"

/**
 * @since 0.1.0
 */
export * as Users from "./resources/Users.js"

/**
 * @since 0.2.0
 */
export * as WaitlistEntries from "./resources/WaitlistEntries.js"

export {
  /**
   * Every resource the emulator serves by default.
   *
   * @since 0.1.0
   */
  all
} from "./resources/all.js"
