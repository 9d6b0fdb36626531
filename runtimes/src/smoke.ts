/**
 * The smoke program every runtime runs over `fetch` against the emulator (fresh for each runtime):
 * three users created, listed (the driver injects one 429 into the first list, which the SDK's
 * retry must absorb), streamed two to a page, a `NotFound`, an actor token created and revoked.
 * It reports what it saw; scripts/test-runtimes.mjs compares that with what it expects.
 */
import { ActorTokens, Users } from "@effect-clerk/backend"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

export interface SmokeReport {
  readonly created: ReadonlyArray<string>
  readonly listed: ReadonlyArray<string>
  readonly streamed: ReadonlyArray<string>
  readonly missing: string
  readonly actorToken: { readonly user: string; readonly created: string; readonly revoked: string }
}

export const smoke = Effect.gen(function* () {
  const created = yield* Effect.forEach(["ada", "grace", "alan"], (name) =>
    Users.create({ email_address: [`${name}@example.com`], first_name: name }).pipe(Effect.map((user) => user.id))
  )
  const listed = yield* Users.list({ limit: 10 })
  const streamed = yield* Users.listStream({ pageSize: 2 }).pipe(
    Stream.map((user) => user.id),
    Stream.runCollect
  )
  const missing = yield* Users.get("user_2doesnotexist0000000000000").pipe(
    Effect.as("found"),
    Effect.catchTag("NotFound", (error) => Effect.succeed(error._tag))
  )
  const token = yield* ActorTokens.create({
    user_id: created[0]!,
    actor: { sub: created[1]! },
    expires_in_seconds: 600
  })
  const revoked = yield* ActorTokens.revoke(token.id)
  return {
    created,
    listed: listed.map((user) => user.id),
    streamed: Chunk.toReadonlyArray(streamed),
    missing,
    actorToken: { user: token.user_id, created: token.status, revoked: revoked.status }
  } satisfies SmokeReport
})
