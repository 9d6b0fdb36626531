/**
 * A session from outside the process (issue 16, item 3): a test suite that only speaks HTTP creates
 * a user and a session with Clerk's testing endpoint, mints the session's token, and the token
 * verifies with @effect-clerk/auth against the emulator's JWKS, as an app's backend would.
 */
import { SessionToken } from "@effect-clerk/auth"
import * as Keys from "@effect-clerk/auth/Keys"
import { ClerkClient, JWKS } from "@effect-clerk/backend"
import * as EmulatorServer from "@effect-clerk/emulator/EmulatorServer"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

const SECRET = "sk_test_sessions_over_http"

const post = (url: string, body: unknown) =>
  Effect.promise(async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000)
    })
    return { status: response.status, body: (await response.json()) as Record<string, any> }
  })

const get = (url: string) =>
  Effect.promise(async () => {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${SECRET}` },
      signal: AbortSignal.timeout(10_000)
    })
    return { status: response.status, body: (await response.json()) as any }
  })

describe("a session over HTTP", () => {
  it.live("POST /v1/sessions, its token, verified by @effect-clerk/auth with the emulator's JWKS", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: SECRET })
      const user = yield* post(`${server.url}/users`, { email_address: ["ada@example.com"] })
      expect(user.status).toBe(200)

      expect((yield* get(`${server.url}/sessions?user_id=${user.body.id}`)).body).toEqual([])
      const session = yield* post(`${server.url}/sessions`, { user_id: user.body.id })
      expect(session.status).toBe(200)
      expect(session.body).toMatchObject({ object: "session", user_id: user.body.id, status: "active" })
      const listed = yield* get(`${server.url}/sessions?user_id=${user.body.id}`)
      expect(listed.body.map((s: { id: string }) => s.id)).toEqual([session.body.id])

      const token = yield* post(`${server.url}/sessions/${session.body.id}/tokens`, {})
      expect(token.status).toBe(200)
      expect(token.body.object).toBe("token")

      const keys = Keys.layerJwks().pipe(
        Layer.provide(JWKS.layer),
        Layer.provide(ClerkClient.layer({ secretKey: Redacted.make(SECRET), baseUrl: server.url })),
        Layer.provide(FetchHttpClient.layer)
      )
      const claims = yield* SessionToken.verify(token.body.jwt, { issuer: "https://emulator.clerk.invalid" }).pipe(
        Effect.provide(keys)
      )
      expect(claims).toMatchObject({ sub: user.body.id, sid: session.body.id, sts: "active", v: 2 })

      // once the session is revoked, no token can be minted for it
      yield* post(`${server.url}/sessions/${session.body.id}/revoke`, {})
      expect((yield* post(`${server.url}/sessions/${session.body.id}/tokens`, {})).status).toBe(404)
    }).pipe(Effect.scoped)
  )
})
