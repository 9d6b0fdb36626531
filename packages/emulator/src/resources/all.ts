/**
 * The registry of emulated resources. Adding a resource: write `src/resources/<Name>.ts` exporting a
 * `resource`, then add it to {@link all}.
 *
 * @since 0.1.0
 */
import type * as Resource from "../Resource.js"
import * as ActorTokens from "./ActorTokens.js"
import * as AllowListBlockList from "./AllowListBlockList.js"
import * as APIKeys from "./APIKeys.js"
import * as Clients from "./Clients.js"
import * as Domains from "./Domains.js"
import * as EmailAddresses from "./EmailAddresses.js"
import * as Invitations from "./Invitations.js"
import * as JWKS from "./JWKS.js"
import * as JWTTemplates from "./JWTTemplates.js"
import * as M2MTokens from "./M2MTokens.js"
import * as Machines from "./Machines.js"
import * as OAuthAccessTokens from "./OAuthAccessTokens.js"
import * as OrganizationDomains from "./OrganizationDomains.js"
import * as Organizations from "./Organizations.js"
import * as PhoneNumbers from "./PhoneNumbers.js"
import * as RedirectURLs from "./RedirectURLs.js"
import * as Sessions from "./Sessions.js"
import * as SignInTokens from "./SignInTokens.js"
import * as TestingTokens from "./TestingTokens.js"
import * as Users from "./Users.js"
import * as WaitlistEntries from "./WaitlistEntries.js"

/**
 * Every resource the emulator serves by default.
 *
 * @since 0.1.0
 * @category resources
 */
export const all: ReadonlyArray<Resource.Resource> = [
  Users.resource,
  ActorTokens.resource,
  Sessions.resource,
  Organizations.resource,
  Invitations.resource,
  AllowListBlockList.resource,
  JWKS.resource,
  JWTTemplates.resource,
  SignInTokens.resource,
  TestingTokens.resource,
  EmailAddresses.resource,
  PhoneNumbers.resource,
  RedirectURLs.resource,
  Clients.resource,
  WaitlistEntries.resource,
  Domains.resource,
  OrganizationDomains.resource,
  Machines.resource,
  APIKeys.resource,
  M2MTokens.resource,
  OAuthAccessTokens.resource
]
