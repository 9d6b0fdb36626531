/**
 * Emulated JWT templates: list, create, get, update, delete, and the tokens a session mints from
 * one (`POST /sessions/{session_id}/tokens/{template_name}`, see {@link mint}).
 *
 * - `name` is unique per instance (a 422 `form_identifier_exists`) and must not be blank.
 * - `lifetime` defaults to 60 seconds and `allowed_clock_skew` to 5, as in Clerk's dashboard.
 * - A template's claims may not set the claims Clerk adds to every token (`azp`, `exp`, `iat`,
 *   `iss`, `jti`, `nbf`, `sub`: "default claims ... cannot be overridden", Clerk docs, "JWT
 *   templates"): the emulator refuses them with a 422 `form_param_value_invalid` on `claims` rather
 *   than dropping them.
 * - `custom_signing_key: true` needs `signing_algorithm` (HS256/384/512, RS256/384/512,
 *   ES256/384/512, PS256/384/512) and `signing_key` (the secret for HS*, a PKCS#8 PEM private key
 *   otherwise): a missing one is a 422 `form_param_missing`, an unusable one a 422
 *   `form_param_value_invalid`. The key is kept and never returned. Without a custom key, tokens are
 *   signed RS256 with the instance key that `GET /jwks` serves.
 * - An unknown id is a 404 `resource_not_found` (the spec documents 404 for get and delete only;
 *   for update it documents 400, 402 and 422, so the SDK reports that 404 as an `UnexpectedResponse`).
 *
 * @since 0.2.0
 */
import * as BackendJWTTemplates from "@effect-clerk/backend/JWTTemplates"
import * as Effect from "effect/Effect"
import { importPKCS8, SignJWT } from "jose"
import * as ApiError from "../ApiError.js"
import { traceId } from "../internal/ids.js"
import * as Order from "../internal/order.js"
import * as Resource from "../Resource.js"
import * as Store from "../Store.js"
import * as Claims from "./jwtTemplates/claims.js"

/**
 * A stored JWT template: its JSON (the backend's generated `JWTTemplates.JWTTemplate`) and its
 * custom signing key, which the API never returns.
 *
 * @since 0.2.0
 * @category models
 */
export interface JwtTemplateRecord {
  readonly sequence: number
  json: BackendJWTTemplates.JWTTemplate
  signingKey: string | null
}

/**
 * The JWT templates table.
 *
 * @since 0.2.0
 * @category tables
 */
export const jwtTemplates: Store.Table<JwtTemplateRecord> = Store.table<JwtTemplateRecord>("jwt_templates")

const RESERVED = ["azp", "exp", "iat", "iss", "jti", "nbf", "sub"]
const ALGORITHMS = /^(HS|RS|ES|PS)(256|384|512)$/

const invalid = (param: string, longMessage: string) =>
  ApiError.unprocessable({
    message: "is invalid",
    long_message: longMessage,
    code: "form_param_value_invalid",
    meta: { param_name: param }
  })

type Key = Awaited<ReturnType<typeof importPKCS8>> | Uint8Array

const importKey = (algorithm: string, key: string): Effect.Effect<Key, ApiError.ApiError> =>
  algorithm.startsWith("HS")
    ? Effect.succeed(new TextEncoder().encode(key))
    : Effect.tryPromise({
        try: () => importPKCS8(key, algorithm),
        catch: () => invalid("signing_key", `signing_key must be a PKCS#8 PEM private key for ${algorithm}.`)
      })

const check = (
  emulator: Resource.EmulatorContext,
  body: BackendJWTTemplates.CreateBody,
  self?: string
): Effect.Effect<{ readonly algorithm: string; readonly key: string | null }, ApiError.ApiError> =>
  Effect.gen(function* () {
    if (body.name.trim() === "") return yield* ApiError.paramFormatInvalid("name", "name must not be blank.")
    for (const t of emulator.store.get(jwtTemplates).values()) {
      if (t.json.name === body.name && t.json.id !== self) {
        return yield* ApiError.identifierExists("name", `A JWT template named ${body.name} already exists.`)
      }
    }
    const reserved = Object.keys(body.claims).filter((claim) => RESERVED.includes(claim))
    if (reserved.length > 0) {
      return yield* invalid("claims", `${reserved.join(", ")} cannot be set: Clerk adds them to every token.`)
    }
    if (body.custom_signing_key !== true) return { algorithm: "RS256", key: null }
    const algorithm = body.signing_algorithm ?? ""
    const key = body.signing_key ?? ""
    if (algorithm === "") return yield* ApiError.unprocessable(ApiError.paramMissingItem("signing_algorithm"))
    if (key === "") return yield* ApiError.unprocessable(ApiError.paramMissingItem("signing_key"))
    if (!ALGORITHMS.test(algorithm)) {
      return yield* invalid("signing_algorithm", `${algorithm} is not a supported signing algorithm.`)
    }
    yield* importKey(algorithm, key)
    return { algorithm, key }
  })

const save = (
  emulator: Resource.EmulatorContext,
  body: BackendJWTTemplates.CreateBody,
  existing: JwtTemplateRecord | undefined
): Effect.Effect<BackendJWTTemplates.JWTTemplate, ApiError.ApiError> =>
  Effect.map(check(emulator, body, existing?.json.id), ({ algorithm, key }) => {
    const now = emulator.now()
    const json: BackendJWTTemplates.JWTTemplate = {
      object: "jwt_template",
      id: existing?.json.id ?? emulator.generateId("jtmp_"),
      name: body.name,
      claims: structuredClone(body.claims),
      lifetime: body.lifetime ?? 60,
      allowed_clock_skew: body.allowed_clock_skew ?? 5,
      custom_signing_key: key !== null,
      signing_algorithm: algorithm,
      created_at: existing?.json.created_at ?? now,
      updated_at: now
    }
    const record = existing ?? { sequence: emulator.store.nextSequence(), json, signingKey: key }
    record.json = json
    record.signingKey = key
    emulator.store.get(jwtTemplates).set(json.id, record)
    return structuredClone(json)
  })

const get = (emulator: Resource.EmulatorContext, id: string): Effect.Effect<JwtTemplateRecord, ApiError.ApiError> =>
  Effect.suspend(() => {
    const record = emulator.store.get(jwtTemplates).get(id)
    return record === undefined
      ? Effect.fail(ApiError.notFound(`No JWT template was found with id ${id}.`))
      : Effect.succeed(record)
  })

/**
 * The stored template named `name`, if any.
 *
 * @since 0.2.0
 * @category operations
 */
export const findByName = (emulator: Resource.EmulatorContext, name: string): JwtTemplateRecord | undefined =>
  Array.from(emulator.store.get(jwtTemplates).values()).find((t) => t.json.name === name)

/**
 * A token from a template: its claims rendered for the session (see `jwtTemplates/claims.ts`) plus
 * the claims Clerk adds to every token (`sub`, `iss`, `iat`, `nbf` = `iat` minus the allowed clock
 * skew, `exp` = `iat` plus the lifetime or `expiresInSeconds`, `jti`, and `azp` when given), signed
 * with the template's custom key or else RS256 with the instance key (its `kid` in the header).
 *
 * @since 0.2.0
 * @category operations
 */
export const mint = (
  emulator: Resource.EmulatorContext,
  template: JwtTemplateRecord,
  context: Claims.Context,
  options: { readonly expiresInSeconds?: number | undefined; readonly authorizedParty?: string | undefined } = {}
): Effect.Effect<string, ApiError.ApiError> =>
  Effect.gen(function* () {
    const iat = Math.floor(emulator.now() / 1000)
    const claims = {
      ...(Claims.render(template.json.claims, context) as Record<string, unknown>),
      sub: context.user.id,
      iss: emulator.frontendApiUrl,
      iat,
      nbf: iat - template.json.allowed_clock_skew,
      exp: iat + (options.expiresInSeconds ?? template.json.lifetime),
      jti: traceId().slice(0, 20),
      ...(options.authorizedParty === undefined ? {} : { azp: options.authorizedParty })
    }
    const custom = template.signingKey
    const algorithm = template.json.signing_algorithm
    const key = custom === null ? emulator.signingKey().privateKey : yield* importKey(algorithm, custom)
    const header = custom === null ? { alg: "RS256", kid: emulator.signingKey().kid, typ: "JWT" } : { alg: algorithm }
    return yield* Effect.tryPromise({
      try: () => new SignJWT(claims).setProtectedHeader(header).sign(key),
      catch: () => ApiError.internal("The emulator could not sign the JWT.")
    })
  })

/**
 * The JWT Templates resource.
 *
 * @since 0.2.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("jwt_templates", [
  Resource.route(BackendJWTTemplates.operations.list, ({ emulator, query }) =>
    // in creation order (the spec documents no order and no `order_by` for this list)
    Effect.sync(() =>
      Order.page(
        Array.from(emulator.store.get(jwtTemplates).values(), (t) => structuredClone(t.json)),
        query
      )
    )
  ),
  Resource.route(BackendJWTTemplates.operations.create, ({ emulator, body }) => save(emulator, body, undefined)),
  Resource.route(BackendJWTTemplates.operations.get, ({ emulator, path }) =>
    Effect.map(get(emulator, path.template_id), (t) => structuredClone(t.json))
  ),
  Resource.route(BackendJWTTemplates.operations.update, ({ emulator, path, body }) =>
    Effect.flatMap(get(emulator, path.template_id), (t) => save(emulator, body, t))
  ),
  Resource.route(BackendJWTTemplates.operations.delete, ({ emulator, path }) =>
    Effect.map(get(emulator, path.template_id), (t) => {
      emulator.store.get(jwtTemplates).delete(t.json.id)
      return { object: "jwt_template", id: t.json.id, deleted: true }
    })
  )
])
