/**
 * Data as Clerk really sends it (packages/codegen/src/overrides.ts cites the evidence of each case)
 * and the request-side checks the spec states but did not enforce: each case through the operation
 * the user calls, over a mocked HttpClient.
 */
import { ClerkTest, Sessions } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { type AnyService, type Fixture, fixtures, groupOf, materialize } from "./fixtures.js"

const fixture = (operationId: string): Fixture => {
  const found = fixtures.find((f) => f.operationId === operationId)
  if (!found) throw new Error(`no fixture for ${operationId}`)
  return found
}

/** Calls the fixture's operation (with `args`, default the fixture's) against a server answering `body`. */
const call = (f: Fixture, body: unknown, args: ReadonlyArray<unknown> = f.args.map(materialize)) =>
  Effect.flatMap(groupOf(f).tag, (service: AnyService) => service[f.method]!(...args)).pipe(
    Effect.zip(ClerkTest.requests),
    Effect.provide(
      groupOf(f).layer.pipe(Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(f.response.status, body))))
    )
  )

/** The error of a call, with the requests it sent. */
const failure = (f: Fixture, body: unknown, args?: ReadonlyArray<unknown>) =>
  Effect.gen(function* () {
    const layer = groupOf(f).layer.pipe(
      Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(f.response.status, body)))
    )
    return yield* Effect.gen(function* () {
      const service = yield* groupOf(f).tag
      const error = yield* Effect.flip(service[f.method]!(...(args ?? f.args.map(materialize))))
      return { error: error as any, requests: yield* ClerkTest.requests }
    }).pipe(Effect.provide(layer))
  })

const clone = <A>(value: A): any => structuredClone(value)

describe("open discriminated unions", () => {
  const user = fixture("GetUser")
  const withVerification = (verification: unknown) => {
    const body = clone(user.response.body)
    body.email_addresses[0].verification = verification
    return body
  }

  it.effect("a verification kind the spec does not list decodes, kept whole", () =>
    Effect.gen(function* () {
      const verification = { object: "verification_passkey_v2", status: "verified", strategy: "passkey", extra: [1] }
      const [result] = yield* call(user, withVerification(verification))
      expect((result as any).email_addresses[0].verification).toEqual(verification)
    })
  )

  it.effect("a known kind with a body that does not fit its member is still a SchemaMismatch", () =>
    Effect.gen(function* () {
      const { error } = yield* failure(user, withVerification({ object: "verification_otp", status: 42 }))
      expect(error._tag).toBe("UnexpectedResponse")
      expect(error.reason).toBe("SchemaMismatch")
      expect(error.description).toContain('["verification"]')
    })
  )

  it.effect("every discriminated union of a response is open (phone numbers, external accounts, ...)", () =>
    Effect.gen(function* () {
      const body = clone(user.response.body)
      for (const list of [
        "phone_numbers",
        "web3_wallets",
        "passkeys",
        "external_accounts",
        "saml_accounts",
        "enterprise_accounts"
      ]) {
        for (const item of body[list]) item.verification = { object: `verification_new_${list}`, kept: true }
      }
      const [result] = yield* call(user, body)
      expect(result).toEqual(body)
    })
  )
})

describe("paginated: true answers the envelope", () => {
  const sessions = fixture("GetSessionList")
  const list = { data: sessions.response.body as ReadonlyArray<unknown> }

  it.effect("with the flag: the request says so, the type and the value are { data, total_count }", () =>
    Effect.gen(function* () {
      const envelope = { data: list.data, total_count: 42 }
      const [page, requests] = yield* Sessions.list({ paginated: true, limit: 10 }).pipe(
        Effect.zip(ClerkTest.requests),
        Effect.provide(Sessions.layer.pipe(Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(200, envelope)))))
      )
      // `page` is typed as the envelope: this line does not compile for the bare list.
      const total: number = page.total_count
      expect(total).toBe(42)
      expect(page.data).toEqual(list.data)
      expect(requests[0]!.url.searchParams.get("paginated")).toBe("true")
    })
  )

  it.effect("without the flag: the bare list, as the spec documents", () =>
    Effect.gen(function* () {
      const [result, requests] = yield* Sessions.list({ limit: 10 }).pipe(
        Effect.zip(ClerkTest.requests),
        Effect.provide(Sessions.layer.pipe(Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(200, list.data)))))
      )
      expect(result.length).toBe(list.data.length)
      expect(requests[0]!.url.searchParams.has("paginated")).toBe(false)
    })
  )

  it.effect("with the flag, a bare list is a SchemaMismatch (the envelope was asked for)", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Sessions.list({ paginated: true }).pipe(
          Effect.provide(Sessions.layer.pipe(Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(200, list.data)))))
        )
      )
      expect(error._tag).toBe("UnexpectedResponse")
      if (error._tag === "UnexpectedResponse") expect(error.reason).toBe("SchemaMismatch")
    })
  )
})

describe("required properties Clerk's SDK treats as absent or null", () => {
  const without = (body: unknown, path: ReadonlyArray<string | number>, key: string) => {
    const copy = clone(body)
    let target = copy
    for (const step of path) target = target[step]
    expect(key in target).toBe(true)
    delete target[key]
    return copy
  }

  const cases: ReadonlyArray<readonly [string, string, (body: any) => unknown]> = [
    ["createM2MToken", "M2M token without last_used_at", (b) => without(b, [], "last_used_at")],
    ["getM2MTokens", "M2M token list without last_used_at", (b) => without(b, ["m2m_tokens", 0], "last_used_at")],
    ["GetOrganizationPermission", "permission without type", (b) => without(b, [], "type")],
    [
      "CreateOrganizationInvitation",
      "organization invitation without inviter_id and public_inviter_data",
      (b) => without(without(b, [], "inviter_id"), [], "public_inviter_data")
    ],
    ["GetOrganization", "organization with public_metadata: null", (b) => ({ ...b, public_metadata: null })]
  ]
  for (const [operationId, what, change] of cases) {
    it.effect(`${what} decodes (${operationId})`, () =>
      Effect.gen(function* () {
        const f = fixture(operationId)
        const body = change(f.response.body)
        const [result] = yield* call(f, body)
        expect(result).toEqual(body)
      })
    )
  }

  it.effect("the tolerance is narrow: a wrong type there is still a mismatch", () =>
    Effect.gen(function* () {
      const f = fixture("GetOrganizationPermission")
      const { error } = yield* failure(f, { ...(f.response.body as object), type: 7 })
      expect(error.reason).toBe("SchemaMismatch")
      expect(error.description).toContain('["type"]')
    })
  )
})

describe("DELETE that answers the full object", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["DeleteEnterpriseConnection", "GetEnterpriseConnection"],
    ["DeleteMachine", "GetMachine"],
    ["DeleteMachineScope", "CreateMachineScope"]
  ]
  for (const [operationId, objectFrom] of cases) {
    it.effect(`${operationId}: the object, or the documented deleted-object`, () =>
      Effect.gen(function* () {
        const f = fixture(operationId)
        const object = fixture(objectFrom).response.body
        const [asObject] = yield* call(f, object)
        expect(asObject).toEqual(object)
        const [asDeleted] = yield* call(f, f.response.body)
        expect(asDeleted).toEqual(f.response.body)
        const { error } = yield* failure(f, { object: 1 })
        expect(error.reason).toBe("SchemaMismatch")
      })
    )
  }
})

describe("request-side checks: InvalidInput, nothing sent", () => {
  it.effect("a SAML connection needs domain or domains", () =>
    Effect.gen(function* () {
      const f = fixture("CreateSAMLConnection")
      const [body] = f.args as [Record<string, unknown>]
      const { domain: _domain, domains: _domains, ...neither } = body
      const { error, requests } = yield* failure(f, f.response.body, [neither])
      expect(error._tag).toBe("InvalidInput")
      expect(error.location).toBe("body")
      expect(error.description).toContain("at least one of domain, domains")
      expect(requests).toHaveLength(0)
      const [, sent] = yield* call(f, f.response.body, [{ ...neither, domain: "example.com" }])
      expect(sent).toHaveLength(1)
    })
  )

  it.effect("blocked_country_codes must not repeat a country", () =>
    Effect.gen(function* () {
      const f = fixture("UpdateInstanceCommunication")
      const { error, requests } = yield* failure(f, f.response.body, [{ blocked_country_codes: ["US", "FR", "US"] }])
      expect(error._tag).toBe("InvalidInput")
      expect(error.description).toContain("an array without duplicates")
      expect(requests).toHaveLength(0)
      const [, sent] = yield* call(f, f.response.body, [{ blocked_country_codes: ["US", "FR"] }])
      expect(sent).toHaveLength(1)
    })
  )
})
