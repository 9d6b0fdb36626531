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
 * - A component schema keeps its spec name in PascalCase by the same word rule
 *   (`JWKS.rsa.PrivateKey` -> JWKSRsaPrivateKey, `verification_otp` -> VerificationOtp).
 * - Path parameters become lowerCamel arguments (`actor_token_id` -> actorTokenId).
 */

export const words = (text: string): Array<string> => text.split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0)

const upperFirst = (word: string) => word.charAt(0).toUpperCase() + word.slice(1)
const lowerFirst = (word: string) => word.charAt(0).toLowerCase() + word.slice(1)

export const pascal = (text: string): string => words(text).map(upperFirst).join("")

export const lowerCamel = (text: string): string => lowerFirst(pascal(text))

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
