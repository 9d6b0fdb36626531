import { APIKeys, ClerkTest, M2MTokens, OAuthAccessTokens } from "@effect-clerk/backend"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as Auth from "../src/Auth.js"
import * as SessionToken from "../src/SessionToken.js"
import { makeKey, NOW, pemKeys, sessionClaims, sign } from "./helpers.js"

const key = await makeKey("ins_k1")

const apiKeyAnswer = {
  object: "api_key",
  id: "ak_id",
  type: "api_key",
  subject: "org_1",
  name: "n",
  claims: null,
  scopes: ["write"],
  revoked: false,
  revocation_reason: null,
  expired: false,
  expiration: null,
  created_by: null,
  last_used_at: null,
  created_at: 1,
  updated_at: 1
}

const full = (options: Auth.Options) =>
  Auth.layer(options).pipe(
    Layer.provideMerge(Layer.mergeAll(APIKeys.layer, M2MTokens.layer, OAuthAccessTokens.layer, pemKeys(key))),
    Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(200, apiKeyAnswer)))
  )

const request = (headers: Record<string, string>, url = "https://api.example.com/me") =>
  HttpServerRequest.fromWeb(new Request(url, { headers }))

const authenticate = (headers: Record<string, string>) =>
  Effect.zipRight(TestClock.setTime(NOW), Auth.authenticateRequest(request(headers)))

const token = (claims: Record<string, unknown> = {}) => Effect.promise(() => sign(key, sessionClaims(claims)))

describe("Auth.authenticateRequest", () => {
  it.effect("a bearer session token -> SignedIn with the session's fields", () =>
    Effect.gen(function* () {
      const auth = yield* authenticate({ authorization: `Bearer ${yield* token()}` })
      expect(auth._tag).toBe("SignedIn")
      if (auth._tag !== "SignedIn") return
      expect(auth.userId).toBe("user_2abc")
      expect(auth.sessionId).toBe("sess_2abc")
      expect(auth.sessionStatus).toBe("active")
      expect(auth.source).toBe("header")
      expect(auth.isImpersonated).toBe(false)
      expect(auth.orgId).toBeNull()
      expect(auth.factorVerificationAge).toEqual([3, -1])
    }).pipe(Effect.provide(full({})))
  )

  it.effect("a same-origin __session cookie -> SignedIn (source cookie); cross-origin -> SignedOut", () =>
    Effect.gen(function* () {
      const t = yield* token()
      const same = yield* authenticate({ cookie: `__session=${t}`, host: "api.example.com" })
      expect(same._tag).toBe("SignedIn")
      expect(same._tag === "SignedIn" && same.source).toBe("cookie")
      const sameWithOrigin = yield* authenticate({
        cookie: `__session=${t}`,
        host: "api.example.com",
        origin: "https://api.example.com"
      })
      expect(sameWithOrigin._tag).toBe("SignedIn")
      const cross = yield* authenticate({
        cookie: `__session=${t}`,
        host: "api.example.com",
        origin: "https://evil.com"
      })
      expect(cross).toMatchObject({ _tag: "SignedOut", reason: "cross-origin-cookie" })
    }).pipe(Effect.provide(full({})))
  )

  it.effect("the header wins over the cookie; no token -> SignedOut no-token; Basic is not a bearer", () =>
    Effect.gen(function* () {
      const good = yield* token()
      const bad = yield* token({ exp: NOW / 1000 - 60 })
      const auth = yield* authenticate({ authorization: `Bearer ${bad}`, cookie: `__session=${good}` })
      expect(auth).toMatchObject({ _tag: "SignedOut", reason: "session-token-invalid" })
      expect(auth._tag === "SignedOut" && auth.error?._tag === "TokenVerificationError" && auth.error.reason).toBe(
        "expired"
      )
      expect(yield* authenticate({})).toMatchObject({ _tag: "SignedOut", reason: "no-token" })
      expect(yield* authenticate({ authorization: `Basic ${good}` })).toMatchObject({ reason: "no-token" })
    }).pipe(Effect.provide(full({})))
  )

  it.effect("branches not covered are SignedOut, never SignedIn: dev-browser, handshake, suffixed cookies", () =>
    Effect.gen(function* () {
      const t = yield* token()
      yield* TestClock.setTime(NOW)
      const cases: ReadonlyArray<{ readonly url?: string; readonly headers: Record<string, string> }> = [
        // a development instance's dev-browser token, in the query and in a cookie, with __client_uat
        {
          url: "https://api.example.com/me?__clerk_db_jwt=dvb_2abc",
          headers: { cookie: "__clerk_db_jwt=dvb_2abc; __client_uat=1764410000" }
        },
        // a handshake payload (what Clerk's SDK would redirect through)
        { url: `https://api.example.com/me?__clerk_handshake=${t}`, headers: {} },
        { headers: { cookie: `__clerk_handshake=${t}` } },
        // a multi-app suffixed session cookie
        { headers: { cookie: `__session_Xy12abCd=${t}` } }
      ]
      for (const c of cases) {
        const auth = yield* Auth.authenticateRequest(request(c.headers, c.url))
        expect(auth).toMatchObject({ _tag: "SignedOut", reason: "no-token" })
      }
    }).pipe(Effect.provide(full({})))
  )

  it.effect("an impersonated session is visible as such (act)", () =>
    Effect.gen(function* () {
      const auth = yield* authenticate({ authorization: `Bearer ${yield* token({ act: { sub: "user_admin" } })}` })
      expect(auth._tag === "SignedIn" && auth.isImpersonated).toBe(true)
      expect(auth._tag === "SignedIn" && auth.actor).toEqual({ sub: "user_admin" })
      expect(auth._tag === "SignedIn" && auth.userId).toBe("user_2abc")
    }).pipe(Effect.provide(full({})))
  )

  it.effect("pending sessions are SignedOut unless treatPendingAsSignedOut is false", () =>
    Effect.gen(function* () {
      const t = yield* token({ sts: "pending" })
      expect(yield* authenticate({ authorization: `Bearer ${t}` })).toMatchObject({ reason: "session-pending" })
      const lenient = yield* authenticate({ authorization: `Bearer ${t}` }).pipe(
        Effect.provide(full({ treatPendingAsSignedOut: false }))
      )
      expect(lenient._tag).toBe("SignedIn")
    }).pipe(Effect.provide(full({})))
  )

  it.effect("acceptsToken: machine tokens are SignedOut by default, Machine when accepted", () =>
    Effect.gen(function* () {
      const refused = yield* authenticate({ authorization: "Bearer ak_live_secret" })
      expect(refused).toMatchObject({ _tag: "SignedOut", reason: "token-type-not-accepted" })
      expect(yield* ClerkTest.requests).toHaveLength(0)
      const accepted = yield* authenticate({ authorization: "Bearer ak_live_secret" }).pipe(
        Effect.provide(full({ acceptsToken: ["session_token", "api_key"] }))
      )
      expect(accepted._tag).toBe("Machine")
      expect(accepted._tag === "Machine" && accepted.subject).toBe("org_1")
      expect(accepted._tag === "Machine" && accepted.hasScope("write")).toBe(true)
      // a machine token in the cookie is not read as one (Clerk reads them from the header only)
      const inCookie = yield* authenticate({ cookie: "__session=ak_live_secret" }).pipe(
        Effect.provide(full({ acceptsToken: "any" }))
      )
      expect(inCookie).toMatchObject({ _tag: "SignedOut", reason: "token-type-not-accepted" })
      // a machine-only server refuses session tokens
      const session = yield* authenticate({ authorization: `Bearer ${yield* token()}` }).pipe(
        Effect.provide(full({ acceptsToken: "api_key" }))
      )
      expect(session).toMatchObject({ _tag: "SignedOut", reason: "token-type-not-accepted" })
    }).pipe(Effect.provide(full({})))
  )

  it.effect("layerSession: networkless, machine tokens not accepted", () =>
    Effect.gen(function* () {
      expect((yield* authenticate({ authorization: `Bearer ${yield* token()}` }))._tag).toBe("SignedIn")
      expect(yield* authenticate({ authorization: "Bearer mt_x" })).toMatchObject({ reason: "token-type-not-accepted" })
    }).pipe(Effect.provide(Auth.layerSession().pipe(Layer.provide(pemKeys(key)))))
  )
})

describe("SignedIn: claims to fields, and has()", () => {
  const claims = (extra: Record<string, unknown>) => sessionClaims(extra) as unknown as SessionToken.SessionClaims

  it("v2: o.rol gets its org: prefix; permissions come from fea, o.per and o.fpm", () => {
    const auth = Auth.signedIn(
      claims({
        o: { id: "org_1", slg: "acme", rol: "admin", per: "read,manage,delete", fpm: "3,4" },
        fea: "o:dashboard,o:billing,u:beta",
        pla: "o:team,u:pro"
      }),
      "header"
    )
    expect(auth.orgId).toBe("org_1")
    expect(auth.orgSlug).toBe("acme")
    expect(auth.orgRole).toBe("org:admin")
    // 3 = 0b011 -> read, manage for dashboard; 4 = 0b100 -> delete for billing
    expect(auth.orgPermissions).toEqual(["org:dashboard:read", "org:dashboard:manage", "org:billing:delete"])
    expect(auth.has({ role: "admin" })).toBe(true)
    expect(auth.has({ role: "org:admin" })).toBe(true)
    expect(auth.has({ role: "member" })).toBe(false)
    expect(auth.has({ permission: "org:dashboard:read" })).toBe(true)
    expect(auth.has({ permission: "dashboard:manage" })).toBe(true)
    expect(auth.has({ permission: "org:billing:read" })).toBe(false)
    expect(auth.has({ feature: "dashboard" })).toBe(true)
    expect(auth.has({ feature: "o:beta" })).toBe(false)
    expect(auth.has({ feature: "u:beta" })).toBe(true)
    expect(auth.has({ plan: "pro" })).toBe(true)
    expect(auth.has({ plan: "org:team" })).toBe(true)
    expect(auth.has({ plan: "x:pro" })).toBe(false)
    expect(auth.has({ role: "admin", permission: "org:billing:read" })).toBe(false)
    expect(auth.has({} as never)).toBe(false)
  })

  it("v1: org_* claims as they are", () => {
    const auth = Auth.signedIn(
      claims({ v: undefined, org_id: "org_1", org_role: "org:member", org_permissions: ["org:sys:read"] }),
      "cookie"
    )
    expect(auth.orgRole).toBe("org:member")
    expect(auth.has({ permission: "org:sys:read" })).toBe(true)
    expect(auth.has({ role: "member" })).toBe(true)
  })

  it("no organization: role and permission checks fail closed", () => {
    const auth = Auth.signedIn(claims({}), "header")
    expect(auth.orgPermissions).toEqual([])
    expect(auth.has({ role: "admin" })).toBe(false)
    expect(auth.has({ permission: "org:x:y" })).toBe(false)
    expect(auth.has({ feature: "x" })).toBe(false)
  })
})
