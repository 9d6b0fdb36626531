import { Clients, RedirectURLs, Sessions, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { SignJWT } from "jose"
import * as Emulator from "../src/Emulator.js"
import { failure, sdk } from "./sdk.js"

describe("RedirectURLs", () => {
  it.effect("create (https, custom scheme, localhost http), list, get, delete; 422 for others and duplicates", () =>
    Effect.gen(function* () {
      const https = yield* RedirectURLs.create({ url: "https://app.example.com/callback" })
      expect(https).toMatchObject({ object: "redirect_url", url: "https://app.example.com/callback" })
      const custom = yield* RedirectURLs.create({ url: "my-app://oauth-callback" })
      yield* RedirectURLs.create({ url: "http://localhost:3000/cb" })
      expect((yield* RedirectURLs.list()).map((r) => r.url)).toEqual([
        "http://localhost:3000/cb",
        "my-app://oauth-callback",
        "https://app.example.com/callback"
      ])
      expect(yield* RedirectURLs.list({ paginated: true, limit: 1, offset: 2 })).toMatchObject({
        total_count: 3,
        data: [https]
      })
      expect(yield* RedirectURLs.get(custom.id)).toEqual(custom)
      for (const url of ["http://app.example.com", "not a url", "javascript:alert(1)"]) {
        expect(yield* failure(RedirectURLs.create({ url }))).toEqual({
          tag: "UnprocessableEntity",
          code: "form_param_value_invalid",
          param: "url"
        })
      }
      expect(yield* failure(RedirectURLs.create({ url: "my-app://oauth-callback" }))).toMatchObject({
        code: "form_identifier_exists"
      })
      expect(yield* RedirectURLs.delete(custom.id)).toEqual({ object: "redirect_url", id: custom.id, deleted: true })
      expect((yield* failure(RedirectURLs.get(custom.id))).tag).toBe("NotFound")
      expect((yield* failure(RedirectURLs.delete(custom.id))).tag).toBe("NotFound")
    }).pipe(Effect.provide(sdk()))
  )
})

describe("Clients", () => {
  it.effect("the clients of the sessions: list newest first, get, verify a __client token", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const user = yield* Users.create({})
      const first = yield* Sessions.create({ user_id: user.id })
      const second = yield* Sessions.create({ user_id: user.id })
      const listed = yield* Clients.list()
      expect(listed.map((c) => c.id)).toEqual([second.client_id, first.client_id])
      const client = yield* Clients.get(first.client_id)
      expect(client).toMatchObject({ object: "client", session_ids: [first.id], last_active_session_id: first.id })
      expect(client.sessions[0]).toMatchObject({ id: first.id, status: "active" })
      expect((yield* failure(Clients.get("client_missing"))).tag).toBe("NotFound")

      const key = emulator.context.signingKey()
      const sign = (claims: Record<string, unknown>) =>
        Effect.promise(() =>
          new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: key.kid }).sign(key.privateKey)
        )
      expect((yield* Clients.verify({ token: yield* sign({ id: second.client_id }) })).id).toBe(second.client_id)
      expect((yield* failure(Clients.verify({ token: yield* sign({ id: "client_missing" }) }))).tag).toBe("NotFound")
      expect(yield* failure(Clients.verify({ token: "not-a-jwt" }))).toMatchObject({
        tag: "BadRequest",
        code: "client_token_invalid"
      })
    }).pipe(Effect.provide(sdk()))
  )
})
