import { ActorTokens, ClerkClient, ClerkTest } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const token = {
  object: "actor_token",
  id: "act_2b7f",
  status: "pending",
  user_id: "user_target",
  actor: { sub: "user_admin", role: "support" },
  token: "eyJ.token",
  url: "https://accounts.example.dev/v1/tickets/accept?ticket=eyJ.token",
  created_at: 1732780800000,
  updated_at: 1732780800000
}

const withClerk = (handler: ClerkTest.Handler) =>
  Effect.provide(ActorTokens.layer.pipe(Layer.provideMerge(ClerkTest.layer(handler))))

const ok = () => ClerkTest.json(200, token)

const clerkErrorBody = {
  errors: [
    { code: "some_code", message: "short message", long_message: "the long message", meta: { param_name: "user_id" } },
    { code: "second_code", message: "second" }
  ],
  clerk_trace_id: "trace_0123"
}

describe("ActorTokens.create", () => {
  it.effect("sends POST /v1/actor_tokens with every Clerk header and the JSON body", () =>
    Effect.gen(function* () {
      const result = yield* ActorTokens.create({
        user_id: "user_target",
        actor: { sub: "user_admin", role: "support" },
        expires_in_seconds: 0,
        session_max_duration_in_seconds: 600
      })
      expect(result).toEqual(token)
      const requests = yield* ClerkTest.requests
      expect(requests).toHaveLength(1)
      const [request] = requests
      expect(request!.method).toBe("POST")
      expect(request!.url.toString()).toBe("https://api.clerk.com/v1/actor_tokens")
      expect(request!.headers["authorization"]).toBe(`Bearer ${ClerkTest.TEST_SECRET_KEY}`)
      expect(request!.headers["clerk-api-version"]).toBe("2026-05-12")
      expect(request!.headers["user-agent"]).toBe(ClerkClient.USER_AGENT)
      expect(request!.headers["user-agent"]).toMatch(/^@effect-clerk\/backend\/\d+\.\d+\.\d+/)
      expect(request!.headers["accept"]).toBe("application/json")
      expect(request!.headers["content-type"]).toBe("application/json")
      // Not sent to a third party unless asked for.
      expect(request!.headers["traceparent"]).toBeUndefined()
      expect(request!.headers["b3"]).toBeUndefined()
      // `0` is sent, not dropped; nothing else is added.
      expect(request!.json).toEqual({
        user_id: "user_target",
        actor: { sub: "user_admin", role: "support" },
        expires_in_seconds: 0,
        session_max_duration_in_seconds: 600
      })
    }).pipe(withClerk(ok))
  )

  it.effect("leaves out optional keys that were not given (Clerk's defaults apply)", () =>
    Effect.gen(function* () {
      yield* ActorTokens.create({ user_id: "user_target", actor: { sub: "user_admin" } })
      const [request] = yield* ClerkTest.requests
      expect(request!.text).toBe(JSON.stringify({ user_id: "user_target", actor: { sub: "user_admin" } }))
    }).pipe(withClerk(ok))
  )

  it.effect("keeps response fields the schema does not declare, and decodes a status added later", () =>
    Effect.gen(function* () {
      const result = yield* ActorTokens.create({ user_id: "user_target", actor: { sub: "user_admin" } })
      expect(result.status).toBe("expired_in_future_api")
      expect((result as unknown as Record<string, unknown>)["new_field"]).toEqual({ nested: true })
    }).pipe(
      withClerk(() => ClerkTest.json(200, { ...token, status: "expired_in_future_api", new_field: { nested: true } }))
    )
  )

  it.effect("uses the configured base URL", () =>
    Effect.gen(function* () {
      yield* ActorTokens.create({ user_id: "u", actor: { sub: "a" } })
      const [request] = yield* ClerkTest.requests
      expect(request!.url.toString()).toBe("http://127.0.0.1:9999/clerk/v1/actor_tokens")
    }).pipe(
      Effect.provide(
        ActorTokens.layer.pipe(Layer.provideMerge(ClerkTest.layer(ok, { baseUrl: "http://127.0.0.1:9999/clerk/v1/" })))
      )
    )
  )

  describe("rejects input that breaks the request schema, sending nothing", () => {
    const cases: ReadonlyArray<readonly [string, unknown, RegExp]> = [
      ["actor without sub", { user_id: "u", actor: { role: "x" } }, /sub/],
      ["expires_in_seconds: 1.5", { user_id: "u", actor: { sub: "a" }, expires_in_seconds: 1.5 }, /expires_in_seconds/],
      ["an unknown body key", { user_id: "u", actor: { sub: "a" }, user: "typo" }, /user/],
      ["user_id missing", { actor: { sub: "a" } }, /user_id/],
      [
        "session_max_duration_in_seconds as a string",
        { user_id: "u", actor: { sub: "a" }, session_max_duration_in_seconds: "60" },
        /session_max_duration_in_seconds/
      ]
    ]
    for (const [name, body, mentions] of cases) {
      it.effect(name, () =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(ActorTokens.create(body as ActorTokens.CreateBody))
          expect(error._tag).toBe("InvalidInput")
          if (error._tag !== "InvalidInput") return
          expect(error.operation).toBe("ActorTokens.create")
          expect(error.location).toBe("body")
          expect(error.description).toMatch(mentions)
          expect(error.message).toContain("InvalidInput for ActorTokens.create")
          expect(yield* ClerkTest.requests).toHaveLength(0)
        }).pipe(withClerk(ok))
      )
    }
  })
})

describe("ActorTokens.revoke", () => {
  it.effect("sends POST /v1/actor_tokens/{id}/revoke with no body", () =>
    Effect.gen(function* () {
      const result = yield* ActorTokens.revoke("act_2b7f")
      expect(result.id).toBe("act_2b7f")
      const [request] = yield* ClerkTest.requests
      expect(request!.method).toBe("POST")
      expect(request!.url.toString()).toBe("https://api.clerk.com/v1/actor_tokens/act_2b7f/revoke")
      expect(request!.headers["authorization"]).toBe(`Bearer ${ClerkTest.TEST_SECRET_KEY}`)
      expect(request!.headers["clerk-api-version"]).toBe("2026-05-12")
      expect(request!.headers["user-agent"]).toBe(ClerkClient.USER_AGENT)
      expect(request!.headers["accept"]).toBe("application/json")
      expect(request!.text).toBe("")
    }).pipe(withClerk(ok))
  )

  it.effect("keeps a hostile id inside one path segment", () =>
    Effect.gen(function* () {
      yield* ActorTokens.revoke("act/../x")
      yield* ActorTokens.revoke("a?b#c d")
      const [first, second] = yield* ClerkTest.requests
      expect(first!.url.pathname).toBe("/v1/actor_tokens/act%2F..%2Fx/revoke")
      expect(second!.url.pathname).toBe("/v1/actor_tokens/a%3Fb%23c%20d/revoke")
      expect(second!.url.search).toBe("")
    }).pipe(withClerk(ok))
  )

  it.effect("an empty id is InvalidInput and sends nothing", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(ActorTokens.revoke(""))
      expect(error._tag).toBe("InvalidInput")
      expect(error._tag === "InvalidInput" && error.location).toBe("path")
      expect(yield* ClerkTest.requests).toHaveLength(0)
    }).pipe(withClerk(ok))
  )
})

// Every documented status of each operation, plus those every call can meet.
const statusCases = {
  create: [
    [400, "BadRequest"],
    [402, "PaymentRequired"],
    [422, "UnprocessableEntity"],
    [401, "Unauthorized"],
    [429, "TooManyRequests"],
    [500, "ServerError"],
    [503, "ServerError"]
  ],
  revoke: [
    [400, "BadRequest"],
    [404, "NotFound"],
    [401, "Unauthorized"],
    [429, "TooManyRequests"],
    [502, "ServerError"]
  ]
} as const

const call: Record<
  "create" | "revoke",
  () => Effect.Effect<
    ActorTokens.ActorToken,
    ActorTokens.CreateError | ActorTokens.RevokeError,
    ActorTokens.ActorTokens
  >
> = {
  create: () => ActorTokens.create({ user_id: "user_target", actor: { sub: "user_admin" } }),
  revoke: () => ActorTokens.revoke("act_2b7f")
}

for (const method of ["create", "revoke"] as const) {
  describe(`ActorTokens.${method} error statuses`, () => {
    for (const [status, tag] of statusCases[method]) {
      it.effect(`${status} becomes ${tag} with Clerk's errors and trace id`, () =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(call[method]())
          expect(error._tag).toBe(tag)
          if (!("errors" in error) || error._tag === "UnexpectedResponse") throw new Error("not a status error")
          expect(error.status).toBe(status)
          expect(error.errors).toEqual(clerkErrorBody.errors)
          expect(error.clerk_trace_id).toBe("trace_0123")
          expect(error.body).toBeUndefined()
          expect(error.message).toBe(
            `${tag} (${status}) in ActorTokens.${method}: some_code: the long message (+1 more) [clerk_trace_id trace_0123]`
          )
        }).pipe(withClerk(() => ClerkTest.json(status, clerkErrorBody)))
      )
    }

    it.effect("a status error with a body that is not Clerk-shaped keeps the raw body", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(call[method]())
        expect(error._tag).toBe("BadRequest")
        if (error._tag !== "BadRequest") return
        expect(error.errors).toEqual([])
        expect(error.body).toBe("<html>bad gateway-ish</html>")
        expect(error.clerk_trace_id).toBeUndefined()
      }).pipe(withClerk(() => new Response("<html>bad gateway-ish</html>", { status: 400 })))
    )

    it.effect("an undocumented status is UnexpectedResponse, keeping Clerk's errors", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(call[method]())
        expect(error._tag).toBe("UnexpectedResponse")
        if (error._tag !== "UnexpectedResponse") return
        expect(error.status).toBe(409)
        expect(error.reason).toBe("UnexpectedStatus")
        expect(error.operation).toBe(`ActorTokens.${method}`)
        expect(error.errors[0]?.code).toBe("some_code")
        expect(error.clerk_trace_id).toBe("trace_0123")
      }).pipe(withClerk(() => ClerkTest.json(409, clerkErrorBody)))
    )

    it.effect("a 2xx body that is not JSON is UnexpectedResponse(InvalidJson)", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(call[method]())
        expect(error._tag).toBe("UnexpectedResponse")
        if (error._tag !== "UnexpectedResponse") return
        expect(error.reason).toBe("InvalidJson")
        expect(error.status).toBe(200)
        expect(error.body).toBe("{not json")
      }).pipe(withClerk(() => new Response("{not json", { status: 200 })))
    )

    it.effect("an empty 2xx body is UnexpectedResponse(InvalidJson)", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(call[method]())
        expect(error._tag === "UnexpectedResponse" && error.reason).toBe("InvalidJson")
      }).pipe(withClerk(() => new Response(null, { status: 200 })))
    )

    it.effect("a 2xx body of the wrong shape is UnexpectedResponse(SchemaMismatch) naming the field", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(call[method]())
        expect(error._tag).toBe("UnexpectedResponse")
        if (error._tag !== "UnexpectedResponse") return
        expect(error.reason).toBe("SchemaMismatch")
        expect(error.description).toContain("created_at")
      }).pipe(withClerk(() => ClerkTest.json(200, { ...token, created_at: "yesterday" })))
    )

    it.effect("a failed connection is TransportError", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(call[method]())
        expect(error._tag).toBe("TransportError")
        if (error._tag !== "TransportError") return
        expect(error.operation).toBe(`ActorTokens.${method}`)
        expect(error.method).toBe("POST")
        expect(error.url).toMatch(/^https:\/\/api\.clerk\.com\/v1\/actor_tokens/)
        expect(error.reason).toBe("ConnectionReset")
        expect(error.message).toContain("the connection was reset")
        expect(error.message).toContain("(ECONNRESET)")
      }).pipe(
        withClerk(() => {
          // what Node's fetch throws: the code is on the cause
          throw new TypeError("fetch failed", {
            cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })
          })
        })
      )
    )
  })
}

it.effect("TooManyRequests carries Retry-After in seconds", () =>
  Effect.gen(function* () {
    const error = yield* Effect.flip(ActorTokens.revoke("act_1"))
    expect(error._tag).toBe("TooManyRequests")
    if (error._tag !== "TooManyRequests") return
    expect(error.retryAfter).toBe(17)
    expect(error.message).toContain("retry after 17s")
  }).pipe(
    withClerk(() => ClerkTest.clerkError(429, "too_many_requests", "slow down", { headers: { "retry-after": "17" } }))
  )
)

it.effect("catchTag handles one status and leaves the others typed", () =>
  Effect.gen(function* () {
    const result = yield* ActorTokens.revoke("act_gone").pipe(
      Effect.map((t) => t.status),
      Effect.catchTag("NotFound", (e) => Effect.succeed(`missing: ${e.errors[0]?.code}`))
    )
    expect(result).toBe("missing: resource_not_found")
  }).pipe(withClerk(() => ClerkTest.clerkError(404, "resource_not_found", "not found")))
)
