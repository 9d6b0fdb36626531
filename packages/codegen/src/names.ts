/**
 * Naming rules, in one place:
 *
 * - A service is named after its spec tag in PascalCase: the tag is split on every character that
 *   is not a letter or digit, each word's first letter is upper-cased and the rest kept as written
 *   ("Actor Tokens" -> ActorTokens, "Allow-list / Block-list" -> AllowListBlockList,
 *   "Email & SMS Templates" -> EmailSMSTemplates, "M2M Tokens" -> M2MTokens).
 * - An operation with several tags (the six billing operations of users and organizations) belongs
 *   to its first tag's service.
 * - A method is Clerk's own `x-speakeasy-name-override` when present and unique in its service,
 *   else the lowerCamel of its `operationId` (CreateActorToken -> createActorToken).
 * - A method does not repeat its service's noun (the service name, plural or singular, matched
 *   word by word, case aside): APIKeys.createApiKey -> create, APIKeys.getApiKeySecret -> getSecret,
 *   JWKS.getJWKS -> get. A `get` of the plural noun lists: APIKeys.getApiKeys -> list,
 *   OrganizationMemberships.getInstanceOrganizationMemberships -> listInstance. The shorter name is
 *   taken only when it is unique in the service; otherwise the name stays as it was.
 * - A component schema keeps its spec name in PascalCase by the same word rule
 *   (`JWKS.rsa.PrivateKey` -> JWKSRsaPrivateKey, `verification_otp` -> VerificationOtp).
 * - Path parameters become lowerCamel arguments (`actor_token_id` -> actorTokenId).
 * - A list that pages with `limit`/`offset` (37 in the spec) also gets a Stream of its items, named
 *   after the list's method with `Stream` appended, in the same module: Users.list ->
 *   Users.listStream, OrganizationDomains.listAll -> OrganizationDomains.listAllStream,
 *   Users.getOrganizationMemberships -> Users.getOrganizationMembershipsStream; its params type is
 *   `<Method>StreamParams` (ListStreamParams). A suffix cannot meet another list's name the way a
 *   `listAll` rule would (OrganizationDomains.listAll is an operation); if a stream's name or type
 *   still meets any name the module declares, the generator fails (streams.ts).
 */

export const words = (text: string): Array<string> => text.split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0)

const upperFirst = (word: string) => word.charAt(0).toUpperCase() + word.slice(1)
const lowerFirst = (word: string) => word.charAt(0).toLowerCase() + word.slice(1)

export const pascal = (text: string): string => words(text).map(upperFirst).join("")

export const lowerCamel = (text: string): string => lowerFirst(pascal(text))

/**
 * The method name without its service's noun, or `undefined` when it does not contain it (see the
 * rule above). Uniqueness in the service is checked by the caller.
 */
export const trimServiceNoun = (service: string, method: string): string | undefined => {
  // A noun is plural when it ends in a lower-case s (APIKeys); an acronym's S is not (JWKS).
  const isPlural = service.endsWith("s")
  const plural = service.toLowerCase()
  const forms = isPlural ? [plural, plural.slice(0, -1)] : [plural]
  const lower = method.toLowerCase()
  for (const form of forms) {
    for (let at = lower.indexOf(form); at !== -1; at = lower.indexOf(form, at + 1)) {
      const end = at + form.length
      // the noun must be whole words: it starts the name or a word, and ends the name or a word
      const starts = at === 0 || /[A-Z]/.test(method.charAt(at))
      const ends = end === method.length || /[A-Z]/.test(method.charAt(end))
      if (!starts || !ends) continue
      let trimmed = method.slice(0, at) + method.slice(end)
      if (trimmed === "") return undefined
      if (isPlural && form === plural && trimmed.startsWith("get")) {
        trimmed = "list" + trimmed.slice(3)
      }
      return lowerFirst(trimmed)
    }
  }
  return undefined
}

/** The Stream variant of a list method (see the rule above). */
export const streamName = (method: string): string => `${method}Stream`

export const serviceName = pascal
export const schemaName = pascal

/** JavaScript reserved words, which cannot be a `const` name (a method may still be called so). */
export const RESERVED = new Set([
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "null",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  "let",
  "static",
  "implements",
  "interface",
  "package",
  "private",
  "protected",
  "public",
  "await"
])

/** An object key as it must be written in source: bare when it is an identifier, quoted otherwise. */
export const propertyKey = (name: string): string =>
  /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name)
