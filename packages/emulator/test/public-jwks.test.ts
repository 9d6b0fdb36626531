/**
 * `/.well-known/jwks.json`: the keys without authentication, as Clerk's Frontend API serves them,
 * for JWKS clients that send no secret key (jose's createRemoteJWKSet, PyJWKClient).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as jose from "jose"
import * as EmulatorServer from "../src/EmulatorServer.js"
import * as SessionTokens from "../src/SessionTokens.js"
import { SECRET_KEY } from "./helpers.js"

describe("the public JWKS", () => {
  it.live("a plain JWKS client verifies a minted token from it; GET /v1/jwks still needs the key", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({
        secretKey: SECRET_KEY,
        seed: { users: [{ id: "user_ada", username: "ada" }] }
      })
      const { token, sessionId } = yield* server.emulator.sessionTokens.mint({ userId: "user_ada" })
      const url = `${server.origin}${SessionTokens.wellKnownJwksPath}`
      const { payload, protectedHeader } = yield* Effect.promise(() =>
        jose.jwtVerify(token, jose.createRemoteJWKSet(new URL(url)), { issuer: server.emulator.sessionTokens.issuer })
      )
      expect(payload).toMatchObject({ sub: "user_ada", sid: sessionId })
      expect(protectedHeader.alg).toBe("RS256")

      const open = yield* Effect.promise(() => fetch(url))
      const backend = yield* Effect.promise(() => fetch(`${server.url}/jwks`))
      expect(backend.status).toBe(401)
      const keyed = yield* Effect.promise(() =>
        fetch(`${server.url}/jwks`, { headers: { authorization: `Bearer ${SECRET_KEY}` } })
      )
      // the same keys either way
      expect(yield* Effect.promise(() => open.json())).toEqual(yield* Effect.promise(() => keyed.json()))

      // only GET and HEAD: anything else there is an unknown path of the API, which needs the key
      const post = yield* Effect.promise(() => fetch(url, { method: "POST" }))
      expect(post.status).toBe(401)
    }).pipe(Effect.scoped)
  )
})
