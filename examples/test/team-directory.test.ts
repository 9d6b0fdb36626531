/**
 * How to test your own service against the emulator: seeded data instead of setup calls, and an
 * injected 429 and 503s to see what the SDK's built-in retries leave to your code. `TeamDirectory`
 * stands for your code.
 */
import { Clerk, ClerkClient, OrganizationMemberships } from "@effect-clerk/backend"
import { Emulator } from "@effect-clerk/emulator"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

// ---- your code ----------------------------------------------------------------------------------

class TeamDirectory extends Context.Tag("TeamDirectory")<
  TeamDirectory,
  { readonly admins: (organizationId: string) => Effect.Effect<ReadonlyArray<string>, string> }
>() {}

const TeamDirectoryLive = Layer.effect(
  TeamDirectory,
  Effect.gen(function* () {
    const memberships = yield* OrganizationMemberships.OrganizationMemberships
    return {
      admins: (organizationId) =>
        // The SDK itself retries a 429 after its Retry-After, and a 5xx on this GET with backoff
        // (at most 4 attempts): the service only maps what is left.
        memberships.list(organizationId, { role: ["org:admin"], order_by: "username" }).pipe(
          Effect.map((page) => page.data.map((m) => m.public_user_data?.username ?? m.public_user_data!.user_id)),
          Effect.mapError((e) => `could not list admins: ${e._tag}`)
        )
    }
  })
)

// ---- its test -----------------------------------------------------------------------------------

const seed = {
  users: [
    { id: "user_ada", username: "ada" },
    { id: "user_bob", username: "bob" },
    { id: "user_eve", username: "eve" }
  ],
  organizations: [
    {
      id: "org_acme",
      name: "Acme",
      memberships: [
        { user_id: "user_eve", role: "org:admin" },
        { user_id: "user_ada", role: "org:admin" },
        { user_id: "user_bob", role: "org:member" }
      ]
    }
  ]
}

const testLayer = (options: Emulator.Options) =>
  TeamDirectoryLive.pipe(
    Layer.provideMerge(Clerk.layer),
    Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_team_directory") })),
    Layer.provideMerge(Emulator.layer(options))
  )

describe("TeamDirectory, tested against the emulator", () => {
  it.live("lists the admins of the seeded organization; the SDK waits out one 429", () =>
    Effect.gen(function* () {
      const admins = yield* (yield* TeamDirectory).admins("org_acme")
      expect(admins).toEqual(["ada", "eve"])
      const emulator = yield* Emulator.Emulator
      expect(emulator.faults.injected().map((f) => [f.operation, f.status])).toEqual([
        ["OrganizationMemberships.list", 429]
      ])
    }).pipe(
      Effect.provide(
        testLayer({
          seed,
          faults: [{ operation: "OrganizationMemberships.list", status: 429, retryAfter: 1, times: 1 }]
        })
      )
    )
  )

  it.live("gives up with its own error when Clerk keeps answering 503, after the SDK's retries", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip((yield* TeamDirectory).admins("org_acme"))
      expect(error).toBe("could not list admins: ServerError")
      // the SDK's built-in retries: 4 attempts of the GET, then the ServerError
      const emulator = yield* Emulator.Emulator
      expect(emulator.faults.injected().map((f) => f.status)).toEqual([503, 503, 503, 503])
    }).pipe(Effect.provide(testLayer({ seed, faults: [{ status: 503 }] })))
  )
})
