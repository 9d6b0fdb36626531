/**
 * Machine authentication end to end: tokens made by the emulator (API keys and M2M tokens through
 * the Backend API, OAuth access tokens with its test helper), checked by @effect-clerk/auth's
 * `Auth.layer` on an incoming request and by `MachineToken.verify`, over the emulator's Backend API
 * (opaque tokens) and its JWKS (JWT tokens). Each kind: accepted, then refused once revoked, then
 * once expired. One clock drives both sides: the emulator's (what `expired` says) and Effect's
 * TestClock (what a JWT's `exp` is checked against).
 */
import { Auth, Keys, MachineToken } from "@effect-clerk/auth"
import { APIKeys, ClerkClient, JWKS, M2MTokens, Machines, OAuthAccessTokens, Users } from "@effect-clerk/backend"
import { Emulator, Resources } from "@effect-clerk/emulator"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"

const START = 1_700_000_000_000

const setup = (acceptsToken: MachineToken.AcceptsToken = ["api_key", "m2m_token", "oauth_token"]) => {
  let clock = START
  const emulator = Emulator.make({ now: () => clock })
  // the instance's client (sk_), or a machine's (its ak_ key), over the same emulator
  const backend = (secretKey = "sk_test_machine_auth") =>
    Layer.mergeAll(
      JWKS.layer,
      APIKeys.layer,
      M2MTokens.layer,
      OAuthAccessTokens.layer,
      Machines.layer,
      Users.layer
    ).pipe(
      Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make(secretKey) })),
      Layer.provide(Emulator.layerWith(emulator))
    )
  const layer = Auth.layer({ acceptsToken }).pipe(Layer.provideMerge(Keys.layerJwks()), Layer.provideMerge(backend()))
  return {
    emulator,
    layer,
    /** The backend's services as a machine, its Machine Secret Key the client's key: what `M2MTokens.createToken` needs. */
    asMachine: (secret: string) => backend(secret),
    /** Moves both clocks. */
    advance: (ms: number) =>
      Effect.suspend(() => {
        clock += ms
        return TestClock.adjust(ms)
      }),
    start: TestClock.setTime(START)
  }
}

// what a server sees: `Authorization: Bearer <token>`
const authenticate = (token: string) =>
  Auth.authenticateRequest(
    HttpServerRequest.fromWeb(new Request("http://app.test/api", { headers: { authorization: `Bearer ${token}` } }))
  )

const signedOutBecause = (auth: Auth.Auth) =>
  auth._tag === "SignedOut" && auth.error?._tag === "MachineTokenError" ? auth.error.reason : auth._tag

const reason = (token: string) => Effect.map(Effect.flip(MachineToken.verify(token)), (error) => error.reason)

describe("machine tokens from the emulator, authenticated by @effect-clerk/auth", () => {
  it.effect("API keys: Machine, then revoked, then expired; an unknown one is invalid", () => {
    const { layer, advance, start } = setup()
    return Effect.gen(function* () {
      yield* start
      const ada = yield* Users.create({ email_address: ["ada@example.com"] })
      const key = yield* APIKeys.create({
        name: "ci key",
        subject: ada.id,
        scopes: ["deploy"],
        claims: { team: "infra" }
      })

      const auth = yield* authenticate(key.secret)
      expect(auth._tag).toBe("Machine")
      const machine = auth as Auth.Machine
      expect(machine.identity).toEqual({
        tokenType: "api_key",
        id: key.id,
        subject: ada.id,
        scopes: ["deploy"],
        claims: { team: "infra" },
        name: "ci key",
        expiresAt: null,
        format: "opaque"
      })
      expect(machine.hasScope("deploy")).toBe(true)

      yield* APIKeys.revoke(key.id, { revocation_reason: "leaked" })
      expect(signedOutBecause(yield* authenticate(key.secret))).toBe("revoked")
      expect(yield* reason(key.secret)).toBe("revoked")

      const shortLived = yield* APIKeys.create({ name: "short", subject: ada.id, seconds_until_expiration: 60 })
      expect((yield* MachineToken.verify(shortLived.secret)).expiresAt).not.toBeNull()
      yield* advance(60_000)
      expect(signedOutBecause(yield* authenticate(shortLived.secret))).toBe("expired")
      expect(yield* reason(shortLived.secret)).toBe("expired")
      expect(yield* reason("ak_unknown")).toBe("invalid")
    }).pipe(Effect.provide(layer))
  })

  it.effect("opaque M2M tokens: Machine with the scoped machines, then revoked, then expired", () => {
    const { layer, advance, start, asMachine } = setup()
    return Effect.gen(function* () {
      yield* start
      const billing = yield* Machines.create({ name: "billing" })
      const api = yield* Machines.create({ name: "api", scoped_machines: [billing.id], default_token_ttl: 300 })
      const mint = M2MTokens.createToken({ claims: { job: "sync" } }).pipe(Effect.provide(asMachine(api.secret_key)))
      const token = yield* mint

      const auth = yield* authenticate(token.token)
      expect(auth).toMatchObject({
        _tag: "Machine",
        identity: {
          tokenType: "m2m_token",
          id: token.id,
          subject: api.id,
          scopes: [billing.id],
          claims: { job: "sync" },
          format: "opaque"
        }
      })
      expect((auth as Auth.Machine).hasScope(billing.id)).toBe(true)

      yield* M2MTokens.revokeToken(token.id, { revocation_reason: "done" })
      expect(signedOutBecause(yield* authenticate(token.token))).toBe("revoked")
      expect(yield* reason(token.token)).toBe("revoked")

      const next = yield* mint
      expect((yield* authenticate(next.token))._tag).toBe("Machine")
      yield* advance(300_000)
      expect(signedOutBecause(yield* authenticate(next.token))).toBe("expired")
      expect(yield* reason(next.token)).toBe("expired")
      expect(yield* reason("mt_unknown")).toBe("invalid")
    }).pipe(Effect.provide(layer))
  })

  it.effect("JWT M2M tokens: verified networkless with the emulator's JWKS until they expire", () => {
    const { layer, advance, start, asMachine } = setup()
    return Effect.gen(function* () {
      yield* start
      const billing = yield* Machines.create({ name: "billing" })
      const api = yield* Machines.create({ name: "api", scoped_machines: [billing.id] })
      const token = yield* M2MTokens.createToken({ token_format: "jwt", seconds_until_expiration: 120 }).pipe(
        Effect.provide(asMachine(api.secret_key))
      )
      const auth = yield* authenticate(token.token)
      expect(auth).toMatchObject({
        _tag: "Machine",
        identity: { tokenType: "m2m_token", id: token.id, subject: api.id, scopes: [billing.id], format: "jwt" }
      })
      expect((auth as Auth.Machine).identity.expiresAt).toBe(token.expiration)
      // past `exp` and the 5 s of clock skew allowed
      yield* advance(125_001)
      expect(signedOutBecause(yield* authenticate(token.token))).toBe("expired")
    }).pipe(Effect.provide(layer))
  })

  it.effect("OAuth access tokens, opaque and JWT: Machine with the client and scopes, then revoked or expired", () => {
    const { layer, emulator, advance, start } = setup()
    return Effect.gen(function* () {
      yield* start
      const ada = yield* Users.create({ email_address: ["ada@example.com"] })
      const opaque = yield* Resources.OAuthAccessTokens.issue(emulator, {
        userId: ada.id,
        clientId: "client_reports",
        scopes: ["email"]
      })
      expect(yield* authenticate(opaque.token)).toMatchObject({
        _tag: "Machine",
        identity: {
          tokenType: "oauth_token",
          id: opaque.id,
          subject: ada.id,
          clientId: "client_reports",
          scopes: ["email"],
          format: "opaque"
        }
      })
      yield* Resources.OAuthAccessTokens.revoke(emulator, opaque.id, "user signed out")
      expect(signedOutBecause(yield* authenticate(opaque.token))).toBe("revoked")

      const jwt = yield* Resources.OAuthAccessTokens.issue(emulator, {
        userId: ada.id,
        scopes: ["email", "profile"],
        format: "jwt",
        expiresInSeconds: 60
      })
      const short = yield* Resources.OAuthAccessTokens.issue(emulator, { userId: ada.id, expiresInSeconds: 60 })
      expect(yield* authenticate(jwt.token)).toMatchObject({
        _tag: "Machine",
        identity: { tokenType: "oauth_token", id: jwt.id, subject: ada.id, scopes: ["email", "profile"], format: "jwt" }
      })
      yield* advance(65_001)
      expect(signedOutBecause(yield* authenticate(jwt.token))).toBe("expired")
      expect(signedOutBecause(yield* authenticate(short.token))).toBe("expired")
      expect(yield* reason(short.token)).toBe("expired")
    }).pipe(Effect.provide(layer))
  })

  it.effect("acceptsToken: a token of a type the server does not accept is SignedOut, never a Machine", () => {
    const { emulator, layer, start } = setup(["session_token", "api_key"])
    return Effect.gen(function* () {
      yield* start
      const ada = yield* Users.create({ email_address: ["ada@example.com"] })
      const oauth = yield* Resources.OAuthAccessTokens.issue(emulator, { userId: ada.id })
      expect(yield* authenticate(oauth.token)).toMatchObject({ _tag: "SignedOut", reason: "token-type-not-accepted" })
      const key = yield* APIKeys.create({ name: "ok key", subject: ada.id })
      expect((yield* authenticate(key.secret))._tag).toBe("Machine")
    }).pipe(Effect.provide(layer))
  })
})
