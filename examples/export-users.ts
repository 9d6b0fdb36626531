/**
 * Every user of the instance, as NDJSON (one JSON object per line) on stdout:
 *
 *   npx tsx examples/export-users.ts > users.ndjson
 *   CLERK_SECRET_KEY=sk_test_... npx tsx examples/export-users.ts > users.ndjson
 *
 * `Users.listStream()` pages through `GET /users` with the largest page the API allows (500), asking
 * for the next page only when stdout has taken the current one, so memory stays at about one page
 * whatever the number of users, and a slow pipe slows the export instead of filling memory.
 *
 * Without `CLERK_SECRET_KEY` it runs against the embedded emulator, seeded with 1,200 users (three
 * pages). With it, against the real Backend API (or `CLERK_API_URL`), through Node's undici client,
 * and it only reads. Progress goes to stderr, so stdout holds nothing but the users.
 */
import { Clerk, ClerkClient, Users } from "@effect-clerk/backend"
import { Emulator } from "@effect-clerk/emulator"
import * as NodeClerk from "@effect-clerk/platform-node/NodeClerk"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeSink from "@effect/platform-node/NodeSink"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"

/** How many users the embedded emulator starts with. */
const SEEDED_USERS = 1_200

/** Writing to stdout failed (e.g. the reader closed the pipe). */
class StdoutError extends Data.TaggedError("StdoutError")<{ readonly cause: unknown }> {}

const stdout = NodeSink.fromWritable(
  () => process.stdout,
  (cause) => new StdoutError({ cause }),
  { endOnDone: false }
)

const program = Effect.gen(function* () {
  let exported = 0
  yield* Users.listStream({ order_by: "+created_at" }).pipe(
    Stream.map((user) => {
      exported++
      return `${JSON.stringify(user)}\n`
    }),
    Stream.run(stdout)
  )
  yield* Console.error(`exported ${exported} users`)
})

/** The embedded emulator, with `SEEDED_USERS` users created through the API. */
const EmulatorSeeded = Layer.effectDiscard(
  Effect.forEach(
    Array.from({ length: SEEDED_USERS }, (_, i) => i),
    (i) =>
      Users.create({
        email_address: [`export-${i}@example.com`],
        first_name: "Export",
        last_name: `User ${i}`,
        skip_password_requirement: true
      }),
    { concurrency: 16, discard: true }
  ).pipe(Effect.zipRight(Console.error(`seeded the emulator with ${SEEDED_USERS} users`)))
)

/** The real API when CLERK_SECRET_KEY is set, else the embedded emulator. */
const ClerkLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const key = yield* Config.option(Config.string("CLERK_SECRET_KEY"))
    if (Option.isSome(key)) {
      const url = yield* Config.string("CLERK_API_URL").pipe(Config.withDefault(ClerkClient.DEFAULT_BASE_URL))
      yield* Console.error(`Exporting from the Clerk Backend API at ${url} (CLERK_SECRET_KEY is set)`)
      return NodeClerk.layerConfig()
    }
    yield* Console.error("Exporting from the embedded Clerk emulator (CLERK_SECRET_KEY is not set)")
    const services = Clerk.layer.pipe(
      Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_embedded_emulator") })),
      Layer.provide(Emulator.layer())
    )
    return Layer.provideMerge(EmulatorSeeded, services)
  })
)

program.pipe(Effect.provide(ClerkLive), NodeRuntime.runMain)
