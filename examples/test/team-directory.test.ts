/**
 * How to test your own service against the emulator: seeded data instead of setup calls, and an
 * injected 429 to prove the service's retry. `TeamDirectory` stands for your code.
 */
import { Clerk, ClerkClient, OrganizationMemberships } from "@effect-clerk/backend"
import { Emulator } from "@effect-clerk/emulator"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"

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
        memberships.list(organizationId, { role: ["org:admin"], order_by: "username" }).pipe(
          // wait what Clerk's Retry-After says, at most 3 times
          Effect.retry({
            schedule: Schedule.identity<{ readonly _tag: string; readonly retryAfter?: number | undefined }>().pipe(
              Schedule.addDelay((e) => Duration.seconds(e.retryAfter ?? 1)),
              Schedule.intersect(Schedule.recurs(3))
            ),
            while: (e) => e._tag === "TooManyRequests"
          }),
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
  it.live("lists the admins of the seeded organization, retrying once after a 429", () =>
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

  it.live("gives up with its own error when Clerk keeps answering 503", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip((yield* TeamDirectory).admins("org_acme"))
      expect(error).toBe("could not list admins: ServerError")
    }).pipe(Effect.provide(testLayer({ seed, faults: [{ status: 503 }] })))
  )
})
