/**
 * `paginated=true`: the lists whose table entry has a `paginated` envelope answer
 * `{ data, total_count }` when asked, the bare list otherwise (one router rule, driven by the
 * operation tables). Through the raw wire, our SDK (and its streams, which page with
 * `paginated: true`), and Clerk's own `@clerk/backend`.
 */
import { createClerkClient } from "@clerk/backend"
import { AllowListBlockList, Clerk, ClerkClient, Invitations, Sessions, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Emulator from "../src/Emulator.js"
import * as EmulatorServer from "../src/EmulatorServer.js"
import * as Resources from "../src/Resources.js"
import { call, setup } from "./helpers.js"

// what each paginated list needs: three items, and the query that lists them
const lists: Record<string, (emulator: Emulator.ClerkEmulator) => Promise<string>> = {
  "AllowListBlockList.listAllowlistIdentifiers": async (emulator) => {
    for (const who of ["a", "b", "c"])
      await call(emulator, "POST", "/allowlist_identifiers", { body: { identifier: `${who}@example.com` } })
    return "/allowlist_identifiers"
  },
  "Invitations.list": async (emulator) => {
    for (const who of ["a", "b", "c"])
      await call(emulator, "POST", "/invitations", { body: { email_address: `${who}@example.com` } })
    return "/invitations"
  },
  "JWTTemplates.list": async (emulator) => {
    for (const name of ["a", "b", "c"]) await call(emulator, "POST", "/jwt_templates", { body: { name, claims: {} } })
    return "/jwt_templates"
  },
  "RedirectURLs.list": async (emulator) => {
    for (const host of ["a", "b", "c"])
      await call(emulator, "POST", "/redirect_urls", { body: { url: `https://${host}.example` } })
    return "/redirect_urls"
  },
  "Clients.list": async (emulator) => {
    const user = Resources.Users.seed(emulator, { username: "ada" })
    for (let i = 0; i < 3; i++) await Effect.runPromise(emulator.sessionTokens.mint({ userId: user.id }))
    return "/clients"
  },
  "Sessions.list": async (emulator) => {
    const user = Resources.Users.seed(emulator, { username: "ada" })
    for (let i = 0; i < 3; i++) await Effect.runPromise(emulator.sessionTokens.mint({ userId: user.id }))
    return `/sessions?user_id=${user.id}`
  }
}

// lists the emulator always answers empty (their items come from the Frontend API): the envelope still holds
const empty: Record<string, (emulator: Emulator.ClerkEmulator) => string> = {
  "Users.getOAuthAccessToken": (emulator) =>
    `/users/${Resources.Users.seed(emulator, { username: "ada" }).id}/oauth_access_tokens/oauth_google`
}

describe("paginated=true, from the operation tables", () => {
  it("names every emulated list that has a paginated envelope", () => {
    const paginated = Emulator.emulatedOperations()
      .filter((o) => o.paginated !== undefined)
      .map((o) => o.name)
    expect([...Object.keys(lists), ...Object.keys(empty)].sort()).toEqual(paginated.sort())
  })

  for (const [name, path] of Object.entries(empty)) {
    it(`${name}: { data: [], total_count: 0 } with paginated=true, [] without`, async () => {
      const { emulator } = setup()
      const at = path(emulator)
      expect((await call(emulator, "GET", at)).body).toEqual([])
      expect((await call(emulator, "GET", `${at}?paginated=true`)).body).toEqual({ data: [], total_count: 0 })
    })
  }

  for (const [name, seed] of Object.entries(lists)) {
    it(`${name}: { data, total_count } with paginated=true, the bare list without`, async () => {
      const { emulator } = setup()
      const path = await seed(emulator)
      const join = path.includes("?") ? "&" : "?"
      const bare = await call(emulator, "GET", path)
      expect(bare.status).toBe(200)
      expect(bare.body).toHaveLength(3)
      const page = await call(emulator, "GET", `${path}${join}paginated=true&limit=2&offset=1`)
      expect(page.status).toBe(200)
      expect(Object.keys(page.body).sort()).toEqual(["data", "total_count"])
      expect(page.body.total_count).toBe(3)
      expect(page.body.data).toEqual(bare.body.slice(1, 3))
      const explicit = await call(emulator, "GET", `${path}${join}paginated=false`)
      expect(explicit.body).toEqual(bare.body)
    })
  }
})

const TestClerk = Clerk.layer.pipe(
  Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_paginated") })),
  Layer.provideMerge(Emulator.layer())
)

describe("paginated=true through @effect-clerk/backend", () => {
  it.effect("Sessions.list({ paginated: true }) decodes the page; the stream pages through every session", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const user = yield* Users.create({ username: "ada" })
      const minted = []
      for (let i = 0; i < 5; i++) minted.push((yield* emulator.sessionTokens.mint({ userId: user.id })).sessionId)
      const page = yield* Sessions.list({ user_id: user.id, paginated: true, limit: 2 })
      expect(page.total_count).toBe(5)
      expect(page.data.map((s) => s.id)).toEqual([minted[4], minted[3]])
      const bare = yield* Sessions.list({ user_id: user.id, limit: 2 })
      expect(bare.map((s) => s.id)).toEqual([minted[4], minted[3]])
      const all = yield* Stream.runCollect(Sessions.listStream({ user_id: user.id, pageSize: 2 }))
      expect(Chunk.toReadonlyArray(all).map((s) => s.id)).toEqual([...minted].reverse())
    }).pipe(Effect.provide(TestClerk))
  )

  it.effect("Invitations and the allow-list: the page's total_count counts every match, not the page", () =>
    Effect.gen(function* () {
      for (const who of ["a", "b", "c"]) {
        yield* Invitations.create({ email_address: `${who}@example.com` })
        yield* AllowListBlockList.createAllowlistIdentifier({ identifier: `${who}@example.com` })
      }
      const invitations = yield* Invitations.list({ paginated: true, limit: 1, order_by: "email_address" })
      expect(invitations.total_count).toBe(3)
      expect(invitations.data.map((i) => i.email_address)).toEqual(["a@example.com"])
      const allowed = yield* AllowListBlockList.listAllowlistIdentifiers({ paginated: true, limit: 2 })
      expect(allowed.total_count).toBe(3)
      expect(allowed.data).toHaveLength(2)
      const streamed = yield* Stream.runCollect(Invitations.listStream({ pageSize: 2 }))
      expect(Chunk.size(streamed)).toBe(3)
      const identifiers = yield* Stream.runCollect(AllowListBlockList.listAllowlistIdentifiersStream({ pageSize: 2 }))
      expect(Chunk.size(identifiers)).toBe(3)
    }).pipe(Effect.provide(TestClerk))
  )
})

describe("paginated=true through @clerk/backend", () => {
  it.live("getInvitationList, getAllowlistIdentifierList and getSessionList get data and totalCount", () =>
    Effect.gen(function* () {
      const secretKey = "sk_test_paginated_clerk"
      const server = yield* EmulatorServer.serve({ secretKey })
      const clerk = createClerkClient({ secretKey, apiUrl: server.origin })
      const run = <A>(f: () => Promise<A>) => Effect.promise(f)
      yield* run(() => clerk.invitations.createInvitation({ emailAddress: "carol@example.com" }))
      yield* run(() => clerk.invitations.createInvitation({ emailAddress: "dan@example.com" }))
      const invitations = yield* run(() => clerk.invitations.getInvitationList())
      expect(invitations.totalCount).toBe(2)
      expect(invitations.data.map((i) => i.emailAddress).sort()).toEqual(["carol@example.com", "dan@example.com"])
      const limited = yield* run(() => clerk.invitations.getInvitationList({ limit: 1 }))
      expect(limited.totalCount).toBe(2)
      expect(limited.data).toHaveLength(1)

      yield* run(() =>
        clerk.allowlistIdentifiers.createAllowlistIdentifier({ identifier: "*@example.com", notify: false })
      )
      const allowed = yield* run(() => clerk.allowlistIdentifiers.getAllowlistIdentifierList())
      expect(allowed.totalCount).toBe(1)
      expect(allowed.data[0]!.identifier).toBe("*@example.com")

      const user = yield* run(() => clerk.users.createUser({ emailAddress: ["ada@example.com"] }))
      const { sessionId } = yield* server.emulator.sessionTokens.mint({ userId: user.id })
      const sessions = yield* run(() => clerk.sessions.getSessionList({ userId: user.id }))
      expect(sessions.totalCount).toBe(1)
      expect(sessions.data.map((s) => s.id)).toEqual([sessionId])
    }).pipe(Effect.scoped)
  )
})
