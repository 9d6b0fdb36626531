/**
 * No request field is silently dropped (issue 19 item 3). For every emulated operation with a JSON
 * body, each field its request schema documents is sent, on a fresh emulator in the same state,
 * and the outcome compared with the request without it (or, for a required field, with another
 * value of it): the answer, the state and the webhook events. Each field must be
 *
 * - modeled: some value of it changes the outcome (and the request succeeds), or, for a field
 *   Clerk only checks (`requesting_user_id` "must be an administrator"), a value of it is refused
 *   by an error that names it (not a format error, which the schema alone gives);
 * - refused by name: listed in its route's `unmodeled`, it is a 422 `not_emulated` naming it;
 * - or listed in its route's `ignores`, with why: then no value of it may change anything.
 *
 * A route added without stating what it drops fails here, field by field. Sample values come from
 * SAMPLES (by `Operation.field`, then by field name), else from the field's schema.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { SignJWT } from "jose"
import { createHash, createPrivateKey, generateKeyPairSync } from "node:crypto"
import { isDeepStrictEqual } from "node:util"
import * as Emulator from "../src/Emulator.js"
import { kindOf } from "../src/internal/query.js"
import * as Router from "../src/internal/router.js"
import * as OAuthAccessTokens from "../src/resources/OAuthAccessTokens.js"
import type * as Resource from "../src/Resource.js"
import { all as resources } from "../src/resources/all.js"
import * as Secrets from "../src/resources/users/secrets.js"
import { call, propertyNames } from "./helpers.js"

// one key for every run: a fresh one per emulator would cost a 2048-bit RSA key generation each
const SIGNING_KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" }
}).privateKey
const NOW = 1_700_000_000_000
// `user`'s TOTP secret (not SAMPLES' totp_secret, so that setting that one still changes something)
const TOTP_SECRET = "GEZDGNBVGY3TQOJQ"
// what Clerk's `__client` cookie holds: a JWT the instance signed whose `id` is the client's
const clientToken = (clientId: string) =>
  new SignJWT({ id: clientId }).setProtectedHeader({ alg: "RS256" }).sign(createPrivateKey(SIGNING_KEY))

/** A fresh emulator in the same state every time: fixed clock, sequential ids and tokens. */
const fresh = async () => {
  let tokens = 0
  const emulator = Emulator.make({
    now: () => NOW,
    generateId: Emulator.sequentialIds(),
    generateToken: () => `token${++tokens}`,
    signingKey: SIGNING_KEY
  })
  const ok = async (method: string, path: string, body: unknown, authorization?: string) => {
    const reply = await call(emulator, method, path, {
      body,
      ...(authorization === undefined ? {} : { authorization })
    })
    if (reply.status >= 300) throw new Error(`world: ${method} ${path}: ${JSON.stringify(reply.body)}`)
    return reply.body
  }
  // two emails and two phones each, so that a primary can change (the third email and the phones
  // are Clerk test identifiers, whose one-time code is 424242); a password and TOTP to verify
  const user = await ok("POST", "/users", {
    email_address: ["ada@example.com", "ada.two@example.com", "ada+clerk_test@example.com"],
    phone_number: ["+15555550100", "+15555550101"],
    username: "ada",
    // an imported sha256 digest: a plain password would be hashed with a random salt, and the world
    // must be the same every time
    password_digest: createHash("sha256").update("correct horse battery staple").digest("hex"),
    password_hasher: "sha256",
    totp_secret: TOTP_SECRET
  })
  const other = await ok("POST", "/users", { email_address: ["bob@example.com"], username: "bob" })
  const third = await ok("POST", "/users", { email_address: ["carol@example.com"], username: "carol" })
  const fourth = await ok("POST", "/users", { email_address: ["erin@example.com"], username: "erin" })
  const org = await ok("POST", "/organizations", { name: "Acme", created_by: user.id })
  await ok("POST", `/organizations/${org.id}/memberships`, { user_id: other.id, role: "org:member" })
  const invitation = await ok("POST", `/organizations/${org.id}/invitations`, {
    email_address: "dan@example.com",
    role: "org:member"
  })
  const { sessionId, token } = await Effect.runPromise(emulator.sessionTokens.mint({ userId: user.id }))
  const otherSession = await Effect.runPromise(emulator.sessionTokens.mint({ userId: other.id }))
  const clientTokens = await Promise.all(
    [sessionId, otherSession.sessionId].map(async (id) =>
      clientToken((await ok("GET", `/sessions/${id}`, undefined)).client_id)
    )
  )
  const template = await ok("POST", "/jwt_templates", { name: "field_template", claims: { aud: "field" } })
  const waitlistEntry = await ok("POST", "/waitlist_entries", { email_address: "erin@example.com" })
  // two pending verifications of each identification the paths name
  const email = user.email_addresses[2].id
  const phone = user.phone_numbers[1].id
  const prepare = (path: string) => ok("POST", path, undefined)
  const emailVerifications = [
    await prepare(`/email_addresses/${email}/prepare_verification`),
    await prepare(`/email_addresses/${email}/prepare_verification`)
  ]
  const phoneVerifications = [
    await prepare(`/phone_numbers/${phone}/prepare_verification`),
    await prepare(`/phone_numbers/${phone}/prepare_verification`)
  ]
  const credentials = await machineWorld(emulator, ok, user, org)
  return {
    ...credentials,
    emulator,
    user,
    other,
    third,
    fourth,
    org,
    invitation,
    sessionId,
    sessionToken: token,
    otherSessionToken: otherSession.token,
    clientTokens,
    template,
    waitlistEntry,
    emailVerifications,
    phoneVerifications
  }
}

// machine credentials, domains: three machines (`machine` may reach `machine2`), two API keys, two M2M
// tokens of `machine`, an OAuth access token of `user`, a satellite domain and a domain of `org`
const machineWorld = async (
  emulator: Emulator.ClerkEmulator,
  ok: (method: string, path: string, body: unknown, authorization?: string) => Promise<any>,
  user: any,
  org: any
) => {
  const machine2 = await ok("POST", "/machines", { name: "Second worker" })
  const machine3 = await ok("POST", "/machines", { name: "Third worker" })
  const machine = await ok("POST", "/machines", { name: "Worker", scoped_machines: [machine2.id] })
  const apiKey = await ok("POST", "/api_keys", { name: "Key", subject: user.id })
  const apiKey2 = await ok("POST", "/api_keys", { name: "Org key", subject: org.id })
  const m2mToken = await ok("POST", "/m2m_tokens", {}, `Bearer ${machine.secret_key}`)
  const m2mToken2 = await ok("POST", "/m2m_tokens", { seconds_until_expiration: 60 }, `Bearer ${machine.secret_key}`)
  const oauthToken = await Effect.runPromise(OAuthAccessTokens.issue(emulator, { userId: user.id }))
  const domain = await ok("POST", "/domains", { name: "satellite.example.com", is_satellite: true })
  const orgDomain = await ok("POST", `/organizations/${org.id}/domains`, { name: "acme.example.com" })
  return { machine, machine2, machine3, apiKey, apiKey2, m2mToken, m2mToken2, oauthToken, domain, orgDomain }
}
type World = Awaited<ReturnType<typeof fresh>>

// the world: `user` created `org` (its admin), `other` is a member, `third` and `fourth` are not.
// The path of an operation in it; `user_id` is `other` for a membership, else `user`
const PATHS: Record<string, (w: World) => string> = {
  organization_id: (w) => w.org.id,
  invitation_id: (w) => w.invitation.id,
  session_id: (w) => w.sessionId,
  template_name: (w) => w.template.name,
  template_id: (w) => w.template.id,
  email_address_id: (w) => w.user.email_addresses[2].id,
  phone_number_id: (w) => w.user.phone_numbers[1].id,
  waitlist_entry_id: (w) => w.waitlistEntry.id,
  // machine credentials, domains
  domain_id: (w) => w.domain.id,
  "OrganizationDomains.update.domain_id": (w) => w.orgDomain.id,
  machine_id: (w) => w.machine.id,
  // `machine` already reaches `machine2`: `machine3` may still reach either
  "Machines.createScope.machine_id": (w) => w.machine3.id,
  apiKeyID: (w) => w.apiKey.id,
  m2m_token_id: (w) => w.m2mToken.id
}
const pathIn = (operation: string, template: string, w: World) =>
  template.replace(/\{([^}]+)\}/g, (_, name: string) =>
    name === "user_id"
      ? operation.startsWith("OrganizationMemberships.")
        ? w.other.id
        : w.user.id
      : ((PATHS[`${operation}.${name}`] ?? PATHS[name])?.(w) ??
        `{no sample for ${name}: add it to PATHS in test/fields.test.ts}`)
  )

type Sample = (w: World) => unknown
const value =
  (v: unknown): Sample =>
  () =>
    v
const DATE = value("2020-01-02T03:04:05Z")

// Values to try, each alone. For a required field, the first is the one the other requests send.
const SAMPLES: Record<string, ReadonlyArray<Sample>> = {
  email_address: [value("field@example.com"), value("field.two@example.com")],
  phone_number: [value("+15555550199"), value("+15555550198")],
  username: [value("field_user")],
  external_id: [value("ext_field")],
  password: [value("correct horse battery staple")],
  password_digest: [value("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")],
  password_hasher: [value("bcrypt")],
  totp_secret: [value("JBSWY3DPEHPK3PXP")],
  web3_wallet: [value(`0x${"1".repeat(40)}`)],
  email_address_identification_status: [value("reserved")],
  phone_number_identification_status: [value("reserved")],
  created_at: [DATE],
  legal_accepted_at: [DATE],
  identifier: [value("field@example.com"), value("+15555550199")],
  role: [value("org:member"), value("org:admin")],
  name: [value("Field"), value("Other name")],
  slug: [value("field-slug")],
  redirect_url: [value("https://app.example/accept")],
  template_slug: [value("waitlist_invitation")],
  user_id: [(w) => w.third.id, (w) => w.user.id],
  user_ids: [(w) => [w.other.id], (w) => [w.third.id]],
  created_by: [(w) => w.other.id],
  // an admin, then a member who is not one (refused by name)
  inviter_user_id: [(w) => w.user.id, (w) => w.other.id],
  requesting_user_id: [(w) => w.user.id, (w) => w.other.id],
  actor: [(w) => ({ sub: w.other.id }), (w) => ({ sub: w.third.id })],
  primary_email_address_id: [(w) => w.user.email_addresses[1].id],
  primary_phone_number_id: [(w) => w.user.phone_numbers[1].id],
  "OrganizationMemberships.create.user_id": [(w) => w.third.id, (w) => w.fourth.id],
  // the spec's minimum is 30, and 60 the default
  "Sessions.createToken.expires_in_seconds": [value(120), value(300)],
  "Sessions.createTokenFromTemplate.expires_in_seconds": [value(120), value(300)],
  "ActorTokens.create.user_id": [(w) => w.user.id, (w) => w.third.id],
  // a wrong password first, so that the right one changes the answer
  "Users.verifyPassword.password": [value("wrong password"), value("correct horse battery staple")],
  "Users.verifyTotp.code": [value("000000"), () => Secrets.totp(TOTP_SECRET, NOW)],
  // a user with phone numbers, so that a new one's `primary` changes which is
  "PhoneNumbers.create.user_id": [(w) => w.user.id, (w) => w.third.id],
  // `user` is the organization's admin
  "Sessions.create.user_id": [(w) => w.user.id, (w) => w.third.id],
  "SignInTokens.create.user_id": [(w) => w.user.id, (w) => w.third.id],
  active_organization_id: [(w) => w.org.id],
  org_id: [(w) => w.org.id],
  url: [value("https://app.example/callback"), value("my-app://oauth-callback")],
  lifetime: [value(120), value(300)],
  // the session's own token (twice: a refresh checks it, the answer does not depend on it), then
  // one of another session, refused by name
  expired_token: [(w) => w.sessionToken, (w) => w.sessionToken, (w) => w.otherSessionToken],
  "Sessions.refresh.format": [value("token"), value("cookie")],
  "Clients.verify.token": [(w) => w.clientTokens[0], (w) => w.clientTokens[1]],
  "EmailAddresses.attemptVerification.verification_id": [
    (w) => w.emailVerifications[0].id,
    (w) => w.emailVerifications[1].id
  ],
  "PhoneNumbers.attemptVerification.verification_id": [
    (w) => w.phoneVerifications[0].id,
    (w) => w.phoneVerifications[1].id
  ],
  // Clerk's test code, then a wrong one (a failed attempt, not an error)
  "EmailAddresses.attemptVerification.code": [value("424242"), value("000000")],
  "PhoneNumbers.attemptVerification.code": [value("424242"), value("000000")],
  // the default is `verified`
  identification_status: [value("reserved"), value("unverified")],
  signing_algorithm: [value("HS256"), value("HS512")],
  signing_key: [value("a secret of at least thirty-two bytes"), value("another secret of thirty-two bytes")],
  // machine credentials, domains
  "Domains.add.name": [value("field.example.com"), value("other.example.com:3000")],
  proxy_url: [value("https://field.example.com/__clerk")],
  "OrganizationDomains.create.name": [value("field.example.com"), value("other.example.com")],
  scoped_machines: [(w) => w.machine3.id],
  to_machine_id: [(w) => w.machine.id, (w) => w.machine2.id],
  "APIKeys.create.subject": [(w) => w.user.id, (w) => w.org.id],
  "APIKeys.update.subject": [(w) => w.org.id],
  "APIKeys.verify.secret": [(w) => w.apiKey.secret, (w) => w.apiKey2.secret],
  "OAuthAccessTokens.verify.secret": [(w) => w.oauthToken.token],
  access_token: [(w) => w.oauthToken.token],
  token: [(w) => w.m2mToken.token, (w) => w.m2mToken2.token],
  token_format: [value("jwt")],
  enrollment_mode: [value("automatic_invitation"), value("automatic_suggestion")]
}

// What a field needs beside it to mean anything, sent in both the request without it and with it.
const COMPANIONS: Record<string, (w: World) => Record<string, unknown>> = {
  password_hasher: () => ({ password_digest: SAMPLES["password_digest"]![0]!(undefined as never) }),
  skip_password_checks: () => ({ password: "short" }),
  email_address_identification_status: () => ({ email_address: ["field@example.com"] }),
  phone_number_identification_status: () => ({ phone_number: ["+15555550199"] }),
  // an invitation to an address a user already has
  "Invitations.create.ignore_existing": () => ({ email_address: "bob@example.com" }),
  "Invitations.bulkCreate.ignore_existing": () => ({ email_address: "bob@example.com" }),
  // a custom key needs its algorithm and key
  "JWTTemplates.create.custom_signing_key": () => ({
    signing_algorithm: "HS256",
    signing_key: "a secret of at least thirty-two bytes"
  }),
  "JWTTemplates.update.custom_signing_key": () => ({
    signing_algorithm: "HS256",
    signing_key: "a secret of at least thirty-two bytes"
  }),
  "JWTTemplates.create.signing_algorithm": () => ({
    custom_signing_key: true,
    signing_key: "a secret of at least thirty-two bytes"
  }),
  "JWTTemplates.update.signing_algorithm": () => ({
    custom_signing_key: true,
    signing_key: "a secret of at least thirty-two bytes"
  }),
  "JWTTemplates.create.signing_key": () => ({ custom_signing_key: true, signing_algorithm: "HS256" }),
  "JWTTemplates.update.signing_key": () => ({ custom_signing_key: true, signing_algorithm: "HS256" }),
  // machine credentials, domains: the schema leaves `name` optional, the handler requires it
  "OrganizationDomains.create.enrollment_mode": () => ({ name: "field.example.com" }),
  "OrganizationDomains.create.verified": () => ({ name: "field.example.com" })
}

// The credential an operation needs instead of the instance's secret key (default).
const CREDENTIALS: Record<string, (w: World) => string> = {
  "M2MTokens.createToken": (w) => `Bearer ${w.machine.secret_key}`
}

const unwrap = (ast: AST.AST): AST.AST =>
  ast._tag === "Union"
    ? unwrap(ast.types.find((t) => t._tag !== "UndefinedKeyword" && !(t._tag === "Literal" && t.literal === null))!)
    : ast._tag === "Refinement" || ast._tag === "Transformation"
      ? unwrap(ast.from)
      : ast._tag === "Suspend"
        ? unwrap(ast.f())
        : ast

const entryOf = (schema: Schema.Schema.Any): { readonly bulk: boolean; readonly entry: AST.TypeLiteral } => {
  const ast = unwrap(schema.ast)
  if (ast._tag === "TupleType") return { bulk: true, entry: unwrap(ast.rest[0]!.type) as AST.TypeLiteral }
  return { bulk: false, entry: ast as AST.TypeLiteral }
}

// from the schema when SAMPLES has none: two values of its kind (a boolean: both)
const fromSchema = (field: string, ast: AST.AST): ReadonlyArray<Sample> => {
  const inner = unwrap(ast)
  if (inner._tag === "TypeLiteral") return [value({ [field]: "a" }), value({ [field]: "b" })]
  if (inner._tag === "Literal" || (inner._tag === "Union" && inner.types.every((t) => t._tag === "Literal"))) {
    const literals = inner._tag === "Literal" ? [inner] : (inner.types as ReadonlyArray<AST.Literal>)
    return literals.map((l) => value(l.literal))
  }
  switch (kindOf(ast)) {
    case "boolean":
      return [value(true), value(false)]
    case "number":
      return [value(7), value(9)]
    case "array":
      return [value([`sample_${field}`]), value([`other_${field}`])]
    default:
      return [value(`sample_${field}`), value(`other_${field}`)]
  }
}

const samplesFor = (operation: string, property: AST.PropertySignature): ReadonlyArray<Sample> => {
  const field = String(property.name)
  const given = SAMPLES[`${operation}.${field}`] ?? SAMPLES[field]
  if (given === undefined) return fromSchema(field, property.type)
  // an array field takes the sample as its one element
  return kindOf(property.type) === "array"
    ? given.map((s) => (w: World) => {
        const v = s(w)
        return Array.isArray(v) ? v : [v]
      })
    : given
}

interface Outcome {
  readonly status: number
  readonly body: unknown
  readonly state: unknown
  readonly events: unknown
}

const send = async (
  operation: Resource.Route["operation"],
  body: (w: World) => Record<string, unknown>
): Promise<Outcome> => {
  const w = await fresh()
  const { bulk } = entryOf(operation.body!)
  const entry = body(w)
  const reply = await call(w.emulator, operation.method, pathIn(operation.name, operation.path, w), {
    body: bulk ? [entry] : entry,
    ...(CREDENTIALS[operation.name] === undefined ? {} : { authorization: CREDENTIALS[operation.name]!(w) })
  })
  const { clerk_trace_id: _, ...answer } = reply.body ?? {}
  return {
    status: reply.status,
    body: answer,
    state: w.emulator.snapshot().tables,
    events: w.emulator.webhooks.events()
  }
}

const same = (a: Outcome, b: Outcome) => isDeepStrictEqual(a, b)
const errorsOf = (o: Outcome): ReadonlyArray<any> => (o.body as { errors?: ReadonlyArray<any> }).errors ?? []
// what decoding with the generated schema answers: such a refusal says nothing about the handler
const SCHEMA_CODES = new Set(["form_param_format_invalid", "form_param_missing", "form_param_unknown"])
const refusedFor = (o: Outcome, name: string) =>
  o.status >= 400 && errorsOf(o).some((e) => e.meta?.param_name === name && !SCHEMA_CODES.has(e.code))
const refusedByName = (o: Outcome, name: string) =>
  o.status === 422 && errorsOf(o).some((e) => e.code === "not_emulated" && e.meta?.param_name === name)

/** What is wrong with how `operation` treats each of its body fields (empty: nothing). */
const problems = async (route: Resource.Route): Promise<Array<string>> => {
  const operation = route.operation
  const { bulk, entry } = entryOf(operation.body!)
  const required = entry.propertySignatures.filter((p) => !p.isOptional)
  const base = (w: World) =>
    Object.fromEntries(required.map((p) => [String(p.name), samplesFor(operation.name, p)[0]!(w)]))
  const found: Array<string> = []
  for (const property of entry.propertySignatures) {
    const field = String(property.name)
    const label = `${operation.name}: ${field}`
    const companions = COMPANIONS[`${operation.name}.${field}`] ?? COMPANIONS[field] ?? (() => ({}))
    const samples = samplesFor(operation.name, property)
    const without = (w: World) => {
      const b: Record<string, unknown> = { ...base(w), ...companions(w) }
      if (property.isOptional) delete b[field]
      return b
    }
    const tries = property.isOptional ? samples : samples.slice(1)
    const outcomes = await Promise.all(
      tries.map((sample) => send(operation, (w) => ({ ...without(w), [field]: sample(w) })))
    )
    if ((route.unmodeled ?? []).includes(field)) {
      const name = bulk ? `0.${field}` : field
      if (!outcomes.every((o) => refusedByName(o, name))) found.push(`${label}: unmodeled, yet not refused by name`)
      continue
    }
    // a value may be refused (`skip_password_checks: false` with a short password), not every one
    const succeeded = outcomes.filter((o) => o.status < 300)
    // a required field of one value (`is_satellite: true`) has nothing to try: it must be in `ignores`
    if (succeeded.length === 0 && outcomes.length > 0) {
      found.push(`${label}: every sample is refused (${JSON.stringify(outcomes[0]?.body)}): fix SAMPLES or COMPANIONS`)
      continue
    }
    const reference = await send(operation, without)
    const changed =
      succeeded.some((o) => !same(o, reference)) ||
      (reference.status < 300 && outcomes.some((o) => refusedFor(o, field) || refusedFor(o, `0.${field}`)))
    const ignored = route.ignores?.[field]
    if (ignored !== undefined && changed) found.push(`${label}: listed in ignores ("${ignored}"), yet it has an effect`)
    if (ignored === undefined && !changed) {
      found.push(
        `${label}: silently dropped (no value changes the answer, the state or the events): model it, or list it in its route's \`unmodeled\` (or \`ignores\`, with why)`
      )
    }
  }
  return found
}

const withBody = [...Router.routes(resources).values()].filter(
  (r) => r.operation.body !== undefined && r.operation.multipart !== true
)

describe("every documented body field of every emulated operation is modeled, refused by name, or ignored with a reason", () => {
  it("the same request in the same state has the same outcome (what the comparison relies on)", async () => {
    const operation = withBody.find((r) => r.operation.name === "Users.create")!.operation
    const body = () => ({ email_address: ["same@example.com"] })
    expect(same(await send(operation, body), await send(operation, body))).toBe(true)
    expect(withBody.length).toBeGreaterThanOrEqual(22)
  })

  it("the route options name fields of their operation's body or query only", () => {
    for (const route of withBody) {
      const fields = new Set([...propertyNames(route.operation.body), ...propertyNames(route.operation.query)])
      for (const field of [...(route.unmodeled ?? []), ...Object.keys(route.ignores ?? {})]) {
        expect(fields.has(field), `${route.operation.name}: ${field}`).toBe(true)
      }
    }
  })

  for (const route of withBody) {
    it(
      route.operation.name,
      async () => {
        expect((await problems(route)).join("\n")).toBe("")
      },
      60_000
    )
  }
})
