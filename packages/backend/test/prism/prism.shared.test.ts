import { describe, expect, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Prism from "./Prism.js"
import * as SpecValidator from "./SpecValidator.js"

const auth = { Authorization: "Bearer sk_test_x" }

/** Plain fetch with a timeout (Prism hangs on malformed JSON bodies, so always bound requests). */
const request = (url: string, init?: RequestInit) =>
  Effect.promise(async () => {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) })
    const text = await response.text()
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: text === "" ? undefined : JSON.parse(text)
    }
  })

const validator = SpecValidator.make()

layer(Prism.layer({ seed: 1 }), { timeout: "90 seconds", excludeTestServices: true })("Prism", (it) => {
  it.effect(
    "GET /jwks with a bearer token: 200 and no request violations",
    () =>
      Effect.gen(function* () {
        const prism = yield* Prism.Prism
        expect(prism.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
        const res = yield* request(`${prism.url}/jwks`, { headers: auth })
        expect(res.status).toBe(200)
        expect(Prism.requestViolations(res.headers)).toEqual([])
        // Prism's dynamic generator breaks the JWKS `oneOf`: it reports its own body as invalid...
        const own = Prism.responseViolations(res.headers)
        expect(own.some((v) => v.code === "oneOf")).toBe(true)
        // ...and our validator agrees.
        const result = validator.validateResponse("GetJWKS", 200, res.body)
        expect(result.valid).toBe(false)
        // A valid JWKS body (no `/v1` prefix is needed: Prism serves the spec's paths at its root).
        expect(
          validator.validateResponse("GetJWKS", 200, {
            keys: [{ kid: "k", alg: "RS256", use: "sig", kty: "RSA", n: "AQAB", e: "AQAB" }]
          })
        ).toEqual({ valid: true })
      }),
    30_000
  )

  it.effect(
    "a valid request gets a 200 that the validator accepts (CreateActorToken)",
    () =>
      Effect.gen(function* () {
        const prism = yield* Prism.Prism
        const res = yield* request(`${prism.url}/actor_tokens`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify({ user_id: "user_1", actor: { sub: "user_2" } })
        })
        expect(res.status).toBe(200)
        expect(Prism.violations(res.headers)).toEqual([])
        expect(validator.validateResponse("CreateActorToken", 200, res.body)).toEqual({ valid: true })
      }),
    30_000
  )

  it.effect(
    "an invalid query parameter is reported in sl-violations (422)",
    () =>
      Effect.gen(function* () {
        const prism = yield* Prism.Prism
        const res = yield* request(`${prism.url}/users?limit=abc`, { headers: auth })
        expect(res.status).toBe(422)
        const violations = Prism.violations(res.headers)
        expect(violations.length).toBeGreaterThan(0)
        expect(violations[0]).toMatchObject({ location: ["request", "query", "limit"], code: "type" })
        expect(validator.validateResponse("GetUserList", 422, res.body)).toEqual({ valid: true })
      }),
    30_000
  )

  it.effect(
    "no Authorization: 401 (spec's 401 + violation when declared, Prism problem+json otherwise)",
    () =>
      Effect.gen(function* () {
        const prism = yield* Prism.Prism
        const user = yield* request(`${prism.url}/users/user_1`)
        expect(user.status).toBe(401)
        expect(Prism.violations(user.headers)).toEqual([
          { location: ["request"], severity: "Error", code: 401, message: "Invalid security scheme used" }
        ])
        expect(validator.validateResponse("GetUser", 401, user.body)).toEqual({ valid: true })

        const jwks = yield* request(`${prism.url}/jwks`)
        expect(jwks.status).toBe(401)
        expect(jwks.headers.get("content-type")).toBe("application/problem+json")
        expect(jwks.headers.get("www-authenticate")).toBe("Bearer")
        expect(Prism.violations(jwks.headers)).toEqual([])

        const lowercase = yield* request(`${prism.url}/users/user_1`, { headers: { Authorization: "bearer sk_x" } })
        expect(lowercase.status).toBe(401)

        const open = yield* request(`${prism.url}/public/interstitial`)
        expect(open.status).toBe(200)
      }),
    30_000
  )

  it.effect(
    "Prefer: code=404 forces a declared status; --seed makes bodies deterministic",
    () =>
      Effect.gen(function* () {
        const prism = yield* Prism.Prism
        const notFound = yield* request(`${prism.url}/users/user_1`, { headers: { ...auth, Prefer: "code=404" } })
        expect(notFound.status).toBe(404)
        expect(validator.validateResponse("GetUser", 404, notFound.body)).toEqual({ valid: true })
        const undeclared = yield* request(`${prism.url}/users/user_1`, { headers: { ...auth, Prefer: "code=500" } })
        expect(undeclared.status).toBe(404)
        expect(undeclared.body).toMatchObject({ type: "https://stoplight.io/prism/errors#NOT_FOUND" })

        const a = yield* request(`${prism.url}/users/user_1`, { headers: auth })
        const b = yield* request(`${prism.url}/users/user_2`, { headers: auth })
        expect(a.status).toBe(200)
        expect(a.text).toBe(b.text)
      }),
    30_000
  )
})

describe("SpecValidator", () => {
  it("lists the spec's 249 operations", () => {
    const operations = validator.operations()
    expect(operations).toHaveLength(249)
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(249)
    expect(validator.operation("GetJWKS")).toMatchObject({ method: "get", path: "/jwks", tags: ["JWKS"] })
  })

  it("reports a missing required property by name", () => {
    const token = {
      object: "actor_token",
      id: "act_1",
      status: "pending",
      user_id: "user_1",
      actor: { sub: "user_2" },
      token: "t",
      url: "https://example.com",
      created_at: 1,
      updated_at: 1
    }
    expect(validator.validateResponse("CreateActorToken", 200, token)).toEqual({ valid: true })
    const { user_id: _, ...missing } = token
    const result = validator.validateResponse("CreateActorToken", 200, missing)
    expect(result.valid).toBe(false)
    if (!result.valid) expect(result.errors).toContain("must have required property 'user_id'")

    const jwks = validator.validateResponse("GetJWKS", 200, {
      keys: [{ kid: "k", alg: "RS256", use: "sig", kty: "RSA", e: "AQAB" }]
    })
    expect(jwks.valid).toBe(false)
    if (!jwks.valid) expect(jwks.errors).toContain("must have required property 'n'")
  })

  it("handles nullable, undeclared statuses and unknown operations", () => {
    expect(validator.validateResponse("GetUser", 200, null).valid).toBe(false)
    expect(validator.validateResponse("GetUser", 500, {})).toMatchObject({ valid: false })
    expect(validator.validateResponse("Nope", 200, {})).toMatchObject({ valid: false })
  })
})

describe("Prism.violations", () => {
  it("parses the sl-violations header, [] when absent", () => {
    expect(Prism.violations(new Headers())).toEqual([])
    const headers = {
      "SL-Violations": '[{"location":["request","body"],"severity":"Error","code":"required","message":"m"}]'
    }
    expect(Prism.violations(headers)).toHaveLength(1)
    expect(Prism.requestViolations(headers)).toHaveLength(1)
    expect(Prism.responseViolations(headers)).toHaveLength(0)
  })
})
