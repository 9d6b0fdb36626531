/**
 * Rate limits on request (issue 16 item 8): off by default; per secret key; Clerk's documented
 * numbers for `dev` and `prod`, with the endpoints' lower ones; a 429 `too_many_requests` with
 * `Retry-After`; JWKS and the control API never limited; the counters emptied by a reset. Through
 * the web-standard handler (a fixed clock, moved by hand), our SDK and `@clerk/backend`.
 */
import { createClerkClient } from "@clerk/backend"
import { ClerkClient, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Emulator from "../src/Emulator.js"
import * as EmulatorServer from "../src/EmulatorServer.js"
import * as RateLimits from "../src/RateLimits.js"
import { call, SECRET_KEY, setup } from "./helpers.js"

const get = (emulator: Emulator.ClerkEmulator, path: string, key = SECRET_KEY) =>
  call(emulator, "GET", path, { authorization: `Bearer ${key}` })

const raw = (emulator: Emulator.ClerkEmulator, path: string) =>
  emulator.handle(new Request(`https://api.clerk.com${path}`, { headers: { authorization: `Bearer ${SECRET_KEY}` } }))

/** Sends `n` requests; the statuses. */
const statuses = async (n: number, send: (i: number) => Promise<{ readonly status: number }>) => {
  const out: Array<number> = []
  for (let i = 0; i < n; i++) out.push((await send(i)).status)
  return out
}

const count = (list: ReadonlyArray<number>, status: number) => list.filter((s) => s === status).length

describe("rate limits, in memory", () => {
  it("are off by default", async () => {
    const { emulator } = setup()
    // more than the dev preset's 100 per 10 s, in no time
    expect(count(await statuses(150, () => get(emulator, "/users/count")), 200)).toBe(150)
  })

  it("refuse the request over the limit: 429 too_many_requests, Retry-After in seconds, Clerk's error body", async () => {
    const { emulator, advance } = setup({ rateLimit: { limit: 3, window: "10 seconds" } })
    expect(await statuses(3, () => get(emulator, "/users"))).toEqual([200, 200, 200])
    advance(4_000)
    const response = await raw(emulator, "/v1/users")
    expect(response.status).toBe(429)
    // the window began with the first request: 6 s left
    expect(response.headers.get("retry-after")).toBe("6")
    const body = (await response.json()) as any
    expect(body).toEqual({
      errors: [
        {
          message: "Too many requests",
          long_message: "Too many requests: this instance allows 3 per 10s; retry after 6 s.",
          code: "too_many_requests"
        }
      ],
      clerk_trace_id: expect.stringMatching(/^[0-9a-f]{32}$/)
    })
    // a refused request is not counted: once the window has passed, three more
    advance(6_000)
    expect(await statuses(4, () => get(emulator, "/users"))).toEqual([200, 200, 200, 429])
  })

  it("count per secret key, every operation together, unknown paths and 401s not at all", async () => {
    const { emulator } = setup({ rateLimit: { limit: 2, window: "1 minute" } })
    expect((await get(emulator, "/users")).status).toBe(200)
    expect((await call(emulator, "GET", "/users", { authorization: "Bearer not-a-key" })).status).toBe(401)
    expect((await get(emulator, "/no_such_path")).status).toBe(404)
    // a not-emulated operation is an operation of Clerk's, and counts
    expect((await get(emulator, "/saml_connections")).status).toBe(400)
    expect((await get(emulator, "/organizations")).status).toBe(429)
    expect((await get(emulator, "/organizations", "sk_test_other")).status).toBe(200)
  })

  it("never limit the JWKS (GET /v1/jwks, /.well-known/jwks.json) nor the control API", async () => {
    const { emulator } = setup({ rateLimit: { limit: 1, window: "1 hour" } })
    expect((await get(emulator, "/users")).status).toBe(200)
    expect((await get(emulator, "/users")).status).toBe(429)
    expect(count(await statuses(5, () => get(emulator, "/jwks")), 200)).toBe(5)
    expect(count(await statuses(5, () => raw(emulator, "/.well-known/jwks.json")), 200)).toBe(5)
    const snapshots = await statuses(5, () => raw(emulator, "/__emulator/snapshots"))
    expect(count(snapshots, 200)).toBe(5)
  })

  it("dev: 100 requests per 10 s; prod: 1000", async () => {
    for (const [preset, limit] of [
      ["dev", 100],
      ["prod", 1000]
    ] as const) {
      const { emulator } = setup({ rateLimit: preset })
      const got = await statuses(limit + 1, () => get(emulator, "/users/count"))
      expect([preset, count(got, 200), got[limit]]).toEqual([preset, limit, 429])
    }
    expect(RateLimits.instance).toEqual({
      dev: { limit: 100, window: "10 seconds" },
      prod: { limit: 1000, window: "10 seconds" }
    })
    // 1,101 requests through the in-memory router: about 1 s alone, past 5 s on shared cores
  }, 30_000)

  it("a preset adds the endpoints' own limits: 100 invitations an hour, other operations still served", async () => {
    const { emulator, advance } = setup({ rateLimit: "dev" })
    // one a second: far below the instance's 100 per 10 s
    const got = await statuses(101, (i) => {
      advance(1_000)
      return call(emulator, "POST", "/invitations", { body: { email_address: `invitee${i}@example.com` } })
    })
    expect([count(got, 200), got[100]]).toEqual([100, 429])
    const refused = await emulator.handle(
      new Request("https://api.clerk.com/v1/invitations", {
        method: "POST",
        headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ email_address: "late@example.com" })
      })
    )
    // the hour began with the first invitation, 101 s ago
    expect(refused.headers.get("retry-after")).toBe(String(3600 - 100))
    expect(((await refused.json()) as any).errors[0].long_message).toMatch(/Invitations\.create allows 100 per 1h/)
    expect((await get(emulator, "/invitations")).status).toBe(200)
    expect(
      (await call(emulator, "POST", "/invitations/bulk", { body: [{ email_address: "bulk@example.com" }] })).status
    ).toBe(200)
  })

  it("the endpoint table is Clerk's: invitations per hour, user updates per user", async () => {
    const hour = (limit: number, bucket: string) => ({ bucket, limit, window: "1 hour" })
    expect(RateLimits.endpoints).toEqual({
      CreateInvitation: hour(100, "CreateInvitation"),
      CreateBulkInvitations: hour(25, "CreateBulkInvitations"),
      CreateOrganizationInvitation: hour(250, "CreateOrganizationInvitation"),
      CreateOrganizationInvitationBulk: hour(50, "CreateOrganizationInvitationBulk"),
      UpdateUser: { bucket: "user-update", limit: 10, window: "10 seconds", per: "user_id" },
      UpdateUserMetadata: { bucket: "user-update", limit: 10, window: "10 seconds", per: "user_id" },
      ReplaceUserMetadata: { bucket: "user-update", limit: 10, window: "10 seconds", per: "user_id" }
    })
    expect(RateLimits.unlimited).toEqual(["GetJWKS"])
  })

  it("user updates: 10 per 10 s per user, shared by PATCH /users/{id} and both metadata writes", async () => {
    const { emulator } = setup({ rateLimit: "prod" })
    const ada = (await call(emulator, "POST", "/users", { body: { username: "ada" } })).body
    const bob = (await call(emulator, "POST", "/users", { body: { username: "bob" } })).body
    const writes = await statuses(11, (i) =>
      i % 3 === 0
        ? call(emulator, "PATCH", `/users/${ada.id}`, { body: { first_name: `Ada${i}` } })
        : i % 3 === 1
          ? call(emulator, "PATCH", `/users/${ada.id}/metadata`, { body: { public_metadata: { i } } })
          : call(emulator, "PUT", `/users/${ada.id}/metadata`, { body: { public_metadata: { i } } })
    )
    expect([count(writes, 200), writes[10]]).toEqual([10, 429])
    expect((await call(emulator, "PATCH", `/users/${bob.id}`, { body: { first_name: "Bob" } })).status).toBe(200)
    expect((await get(emulator, `/users/${ada.id}`)).status).toBe(200)
  })

  it("emulator.reset() and the control API's reset empty the counters", async () => {
    const { emulator } = setup({ rateLimit: { limit: 1, window: "1 hour" } })
    expect(await statuses(2, () => get(emulator, "/users"))).toEqual([200, 429])
    emulator.reset()
    expect(await statuses(2, () => get(emulator, "/users"))).toEqual([200, 429])
    const reset = await emulator.handle(
      new Request("https://api.clerk.com/__emulator/reset", {
        method: "POST",
        headers: { authorization: `Bearer ${SECRET_KEY}` }
      })
    )
    expect(reset.status).toBe(200)
    expect(await statuses(2, () => get(emulator, "/users"))).toEqual([200, 429])
  })

  it("a bad limit is refused when the emulator is made", () => {
    for (const rateLimit of [
      { limit: 0, window: "1 second" },
      { limit: 1.5, window: "1 second" },
      { limit: 5, window: "0 seconds" },
      { limit: 5, window: "forever" }
    ] as const) {
      expect(() => Emulator.make({ rateLimit: rateLimit as RateLimits.Limit }), JSON.stringify(rateLimit)).toThrow(
        /invalid rate limit/
      )
    }
  })
})

describe("RateLimits.parse (the --rate-limit value)", () => {
  it("reads the presets and <requests>/<window>", () => {
    expect(RateLimits.parse("dev")).toBe("dev")
    expect(RateLimits.parse("prod")).toBe("prod")
    expect(RateLimits.parse("5/1s")).toEqual({ limit: 5, window: "1 seconds" })
    expect(RateLimits.parse("5/s")).toEqual({ limit: 5, window: "1 seconds" })
    expect(RateLimits.parse("100/10s")).toEqual({ limit: 100, window: "10 seconds" })
    expect(RateLimits.parse("25/1h")).toEqual({ limit: 25, window: "1 hours" })
    expect(RateLimits.parse("3/2m")).toEqual({ limit: 3, window: "2 minutes" })
    expect(RateLimits.parse("2/500ms")).toEqual({ limit: 2, window: "500 millis" })
  })

  it("refuses anything else, saying what it expects", () => {
    for (const text of ["", "fast", "staging", "5", "5/", "/1s", "5/1", "5/1d", "-1/1s", "1.5/1s", "0/1s", "5/0s"]) {
      expect(() => RateLimits.parse(text), text).toThrow(/expected dev, prod or <requests>\/<window> such as 5\/1s/)
    }
  })
})

const sdk = (emulator: Emulator.ClerkEmulator, retry: false | { readonly maxAttempts: number }) =>
  Users.layer.pipe(
    Layer.provide(ClerkClient.layer({ secretKey: Redacted.make(SECRET_KEY), retry })),
    Layer.provide(Emulator.layerWith(emulator))
  )

describe("rate limits, through our SDK", () => {
  it.effect("with retries off, the 429 is a typed TooManyRequests carrying retryAfter", () =>
    Effect.gen(function* () {
      const { emulator } = setup({ rateLimit: { limit: 1, window: "1 minute" } })
      const layer = sdk(emulator, false)
      yield* Users.count().pipe(Effect.provide(layer))
      const error = yield* Effect.flip(Users.count().pipe(Effect.provide(layer)))
      expect(error).toMatchObject({ _tag: "TooManyRequests", status: 429, retryAfter: 60, attempts: 1 })
      expect(error._tag === "TooManyRequests" && error.errors[0]?.code).toBe("too_many_requests")
    })
  )

  it.live(
    "the SDK's retry waits the Retry-After, then succeeds",
    () =>
      Effect.gen(function* () {
        // the emulator's real clock: one request a second
        const emulator = Emulator.make({ rateLimit: { limit: 1, window: "1 second" } })
        let requests = 0
        const counted: Emulator.ClerkEmulator = {
          ...emulator,
          fetch: (input, init) => {
            requests++
            return emulator.fetch(input, init)
          }
        }
        const layer = sdk(counted, { maxAttempts: 3 })
        yield* Users.count().pipe(Effect.provide(layer))
        const started = Date.now()
        const second = yield* Users.count().pipe(Effect.provide(layer))
        const waited = Date.now() - started
        expect(second.total_count).toBe(0)
        // refused once (Retry-After: 1), then served after waiting at least that second
        expect(requests).toBe(3)
        expect(waited).toBeGreaterThanOrEqual(1_000)
      }),
    { timeout: 15_000 }
  )
})

describe("rate limits, through @clerk/backend", () => {
  it.live("@clerk/backend sees status 429, the code and the Retry-After", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({
        secretKey: SECRET_KEY,
        rateLimit: RateLimits.parse("2/1m")
      })
      const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl: server.origin })
      // (getUserList would send two requests: the list and the count)
      yield* Effect.promise(() => clerk.users.getCount())
      yield* Effect.promise(() => clerk.users.getCount())
      const limited = yield* Effect.flip(Effect.tryPromise(() => clerk.users.getCount()))
      expect(limited.error).toMatchObject({
        status: 429,
        retryAfter: expect.any(Number),
        errors: [{ code: "too_many_requests" }]
      })
      const retryAfter = (limited.error as { retryAfter: number }).retryAfter
      expect(retryAfter).toBeGreaterThanOrEqual(59)
      expect(retryAfter).toBeLessThanOrEqual(60)
      // the keyless JWKS is never limited
      const jwks = yield* Effect.promise(() => fetch(`${server.origin}/.well-known/jwks.json`))
      expect(jwks.status).toBe(200)
    }).pipe(Effect.scoped)
  )
})
