/**
 * Imports users from a file, e.g. an export from another provider, with `Users.create`:
 *
 *   npx tsx examples/import-users.ts [users.csv | users.ndjson] [--workers 4] [--budget 50/10s]
 *   CLERK_SECRET_KEY=sk_test_... npx tsx examples/import-users.ts users.csv
 *
 * The input is CSV with a header line, or NDJSON (one JSON object per line; by the extension:
 * `.ndjson`, `.jsonl`). Each row holds `Users.create`'s fields under their wire names:
 * `external_id` (required: it is how a re-run knows what was imported), `email_address`,
 * `first_name`, `last_name`, and optionally `password_digest` with `password_hasher` (the hash
 * another provider exported; Clerk checks it at sign-in). Empty CSV cells count as absent; other
 * columns are ignored.
 *
 * - Several workers (`--workers`, default 4) create users at once, and share one budget: the pacing
 *   layer (`ClerkRateLimit.layerMemory`) holds each call until the instance's budget has room, so
 *   they meet no 429 instead of learning of the limit from one each. The budget is the instance's
 *   (100 requests per 10 s for a development key, 1000 for `sk_live_`), or `--budget <n>/<seconds>s`
 *   to leave room for the application's own traffic. Several import processes at once would share
 *   it through Redis (`@effect-clerk/redis`'s `RedisRateLimit`).
 * - Resumable: rows are read in batches of 100, and one `Users.list({ external_id })` per batch
 *   finds the users a previous run already created; those are skipped, not sent again. A create
 *   that meets `form_identifier_exists` on `external_id` counts as skipped too: that is how a
 *   create whose answer was lost (a timeout) is found on the next run.
 * - Progress goes to stderr every 2 seconds; the summary to stdout, with every failed row and why
 *   (the typed error: `UnprocessableEntity (422) ... form_identifier_exists`, a bad email, a row
 *   that does not decode).
 * - Exit code: 0 when every row was imported or skipped, 2 when some rows failed (fix them and run
 *   again: the rest is skipped), 1 when the run stopped (the file cannot be read, the key is refused).
 *
 * Without `CLERK_SECRET_KEY` it imports `import-users.sample.csv` (or the given file) into the
 * embedded emulator (nothing leaves the process), which enforces a development instance's limit.
 * With it, into the real Backend API (or `CLERK_API_URL`), through Node's undici client.
 */
import { Clerk, ClerkClient, type ClerkError, ClerkRateLimit, Users } from "@effect-clerk/backend"
import { Emulator } from "@effect-clerk/emulator"
import * as NodeClerk from "@effect-clerk/platform-node/NodeClerk"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { parse as parseCsv } from "csv-parse"
import * as Chunk from "effect/Chunk"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { open } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"

/** One user of the input: `Users.create`'s fields, under their wire names. */
const Row = Schema.Struct({
  external_id: Schema.Trim.pipe(Schema.nonEmptyString({ message: () => "is empty" })),
  email_address: Schema.optionalWith(Schema.Trim, { exact: true }),
  first_name: Schema.optionalWith(Schema.String, { exact: true }),
  last_name: Schema.optionalWith(Schema.String, { exact: true }),
  password_digest: Schema.optionalWith(Schema.String, { exact: true }),
  password_hasher: Schema.optionalWith(Users.PasswordHasher, { exact: true })
})
type Row = typeof Row.Type

/** A line of the input: a row to import, or why it cannot be one. */
type Parsed =
  | { readonly _tag: "Row"; readonly line: number; readonly row: Row }
  | { readonly _tag: "Invalid"; readonly line: number; readonly externalId?: string; readonly problem: string }

/** The input file cannot be read at all: the run stops. */
class InputError extends Data.TaggedError("InputError")<{ readonly path: string; readonly description: string }> {
  override get message() {
    return `cannot read ${this.path}: ${this.description}`
  }
}

const decodeRow = Schema.decodeUnknownEither(Row)

/** A record of the input as a `Parsed` (CSV's empty cells are absent fields). */
const toParsed = (line: number, record: unknown): Parsed => {
  const fields =
    typeof record === "object" && record !== null && !Array.isArray(record)
      ? Object.fromEntries(Object.entries(record).filter(([, value]) => value !== ""))
      : record
  return Either.match(decodeRow(fields), {
    onRight: (row) => ({ _tag: "Row", line, row }),
    onLeft: (error) => {
      const externalId = (fields as { external_id?: unknown } | null)?.external_id
      return {
        _tag: "Invalid",
        line,
        ...(typeof externalId === "string" && externalId !== "" ? { externalId } : {}),
        problem: ParseResult.ArrayFormatter.formatErrorSync(error)
          .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")} ${issue.message}` : issue.message))
          .join("; ")
      }
    }
  })
}

const describeCause = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))

/** The input's rows, read as they are needed (one batch ahead of the workers, whatever the file's size). */
const readInput = (path: string): Stream.Stream<Parsed, InputError> =>
  Stream.unwrapScoped(
    Effect.gen(function* () {
      const file = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: () => open(path),
          catch: (cause) => new InputError({ path, description: describeCause(cause) })
        }),
        (handle) => Effect.promise(() => handle.close())
      )
      const failed = (cause: unknown) => new InputError({ path, description: describeCause(cause) })
      if (/\.(nd)?jsonl?$/i.test(path)) {
        let line = 0
        return Stream.fromAsyncIterable(file.readLines(), failed).pipe(
          Stream.map((text) => ({ line: ++line, text })),
          Stream.filter(({ text }) => text.trim() !== ""),
          Stream.map(({ line, text }): Parsed => {
            try {
              return toParsed(line, JSON.parse(text))
            } catch {
              return { _tag: "Invalid", line, problem: "is not a JSON object" }
            }
          })
        )
      }
      // a CSV record that breaks the format (a wrong number of cells) is reported as its own failure
      const broken: Array<Parsed> = []
      const parser = file.createReadStream().pipe(
        parseCsv({
          bom: true,
          columns: true,
          trim: true,
          skip_empty_lines: true,
          info: true,
          skip_records_with_error: true,
          on_skip: (error) => {
            if (error !== undefined) {
              const line = typeof error["lines"] === "number" ? error["lines"] : 0
              broken.push({ _tag: "Invalid", line, problem: error.message })
            }
            return undefined
          }
        })
      )
      return Stream.fromAsyncIterable(
        parser as AsyncIterable<{ readonly record: unknown; readonly info: { readonly lines: number } }>,
        failed
      ).pipe(
        Stream.mapConcat(({ info, record }) => [...broken.splice(0), toParsed(info.lines, record)]),
        Stream.concat(Stream.suspend(() => Stream.fromIterable(broken.splice(0))))
      )
    })
  )

/** What became of one row. */
type Outcome =
  | { readonly _tag: "Imported" }
  | { readonly _tag: "Skipped" }
  | { readonly _tag: "Failed"; readonly line: number; readonly externalId?: string; readonly reason: string }

const imported: Outcome = { _tag: "Imported" }
const skipped: Outcome = { _tag: "Skipped" }

/** Errors that stop the run: every other row would meet them too. */
const stopsTheRun = (error: ClerkError.ClerkError) =>
  error._tag === "Unauthorized" || error._tag === "Forbidden" || error._tag === "PaymentRequired"

/** `external_id` is taken: a run before this one created the user. */
const alreadyThere = (error: ClerkError.ClerkError) =>
  error._tag === "UnprocessableEntity" &&
  error.errors.some((item) => item.code === "form_identifier_exists" && item.meta?.["param_name"] === "external_id")

const createUser = (line: number, row: Row): Effect.Effect<Outcome, ClerkError.ClerkError, Users.Users> =>
  Users.create({
    external_id: row.external_id,
    ...(row.email_address === undefined ? {} : { email_address: [row.email_address] }),
    ...(row.first_name === undefined ? {} : { first_name: row.first_name }),
    ...(row.last_name === undefined ? {} : { last_name: row.last_name }),
    ...(row.password_digest === undefined
      ? { skip_password_requirement: true }
      : { password_digest: row.password_digest, password_hasher: row.password_hasher })
  }).pipe(
    Effect.as(imported),
    Effect.catchAll((error) =>
      stopsTheRun(error)
        ? Effect.fail(error)
        : Effect.succeed<Outcome>(
            alreadyThere(error)
              ? skipped
              : {
                  _tag: "Failed",
                  line,
                  externalId: row.external_id,
                  reason:
                    error._tag === "TransportError" && error.reason !== "ConnectionRefused"
                      ? `${error.message} (it may have arrived: a re-run finds it by external_id)`
                      : error.message
                }
          )
    )
  )

/** How many ids one lookup asks for: the list filter accepts up to 100. */
const BATCH = 100

/**
 * The external ids of a batch that already have a user: one `Users.list` call. An id that starts
 * with `+` or `-` is left out (the filter reads those as include/exclude marks); its create's
 * `form_identifier_exists` still finds it. A lookup that fails for any other reason than the key
 * checks nothing: the creates then decide, by the same 422.
 */
const existingIds = (
  batch: Chunk.Chunk<Parsed>
): Effect.Effect<ReadonlySet<string>, ClerkError.ClerkError, Users.Users> => {
  const ids = [
    ...new Set(
      Chunk.toReadonlyArray(batch).flatMap((parsed) =>
        parsed._tag === "Row" && !/^[+-]/.test(parsed.row.external_id) ? [parsed.row.external_id] : []
      )
    )
  ]
  if (ids.length === 0) return Effect.succeed(new Set())
  return Users.list({ external_id: ids, limit: BATCH }).pipe(
    Effect.map((users): ReadonlySet<string> => new Set(users.flatMap((user) => user.external_id ?? []))),
    Effect.catchAll((error) =>
      stopsTheRun(error)
        ? Effect.fail(error)
        : Effect.as(Console.error(`lookup failed, the creates decide: ${error.message}`), new Set<string>())
    )
  )
}

/** The totals so far, and the failed rows (the first `MAX_LISTED` of them, with their reasons). */
class Summary {
  read = 0
  imported = 0
  skipped = 0
  failed = 0
  readonly failures: Array<Extract<Outcome, { _tag: "Failed" }>> = []
  add(outcome: Outcome) {
    this.read++
    if (outcome._tag === "Imported") this.imported++
    else if (outcome._tag === "Skipped") this.skipped++
    else {
      this.failed++
      if (this.failures.length < MAX_LISTED) this.failures.push(outcome)
    }
  }
  progress(seconds: number) {
    return `${this.read} rows in ${seconds.toFixed(0)} s: ${this.imported} imported, ${this.skipped} skipped, ${this.failed} failed`
  }
  lines() {
    const listed = [...this.failures].sort((a, b) => a.line - b.line)
    return [
      `imported ${this.imported}, skipped ${this.skipped} (already imported), failed ${this.failed}`,
      ...listed.map(
        (failure) =>
          `failed: line ${failure.line}${failure.externalId === undefined ? "" : ` (external_id ${failure.externalId})`}: ${failure.reason}`
      ),
      ...(this.failed > listed.length ? [`failed: ... and ${this.failed - listed.length} more`] : [])
    ]
  }
}

const MAX_LISTED = 100

const importFile = (path: string, workers: number) =>
  Effect.gen(function* () {
    const summary = new Summary()
    const started = Date.now()
    const elapsed = () => (Date.now() - started) / 1000
    yield* Console.error(`importing ${path} with ${workers} workers`)
    yield* Effect.forkScoped(
      Effect.forever(Effect.zipRight(Effect.sleep("2 seconds"), Console.error(summary.progress(elapsed()))))
    )
    yield* readInput(path).pipe(
      Stream.grouped(BATCH),
      Stream.mapEffect((batch) =>
        Effect.map(existingIds(batch), (existing) =>
          Chunk.map(batch, (parsed) => ({
            parsed,
            existing: parsed._tag === "Row" && existing.has(parsed.row.external_id)
          }))
        )
      ),
      Stream.flattenChunks,
      Stream.mapEffect(
        ({ existing, parsed }): Effect.Effect<Outcome, ClerkError.ClerkError, Users.Users> =>
          parsed._tag === "Invalid"
            ? Effect.succeed({
                _tag: "Failed",
                line: parsed.line,
                ...(parsed.externalId === undefined ? {} : { externalId: parsed.externalId }),
                reason: `invalid row: ${parsed.problem}`
              })
            : existing
              ? Effect.succeed(skipped)
              : createUser(parsed.line, parsed.row),
        { concurrency: workers, unordered: true }
      ),
      Stream.runForEach((outcome) => Effect.sync(() => summary.add(outcome)))
    )
    yield* Console.error(`done: ${summary.progress(elapsed())}`)
    yield* Console.log(summary.lines().join("\n"))
    return summary
  }).pipe(Effect.scoped)

/**
 * The real API when CLERK_SECRET_KEY is set, else the embedded emulator (with a development
 * instance's rate limit); either way every call is paced by `budget` (default: the key's).
 */
const ClerkLive = (budget: ClerkRateLimit.Budget | undefined) => {
  const pacing = ClerkRateLimit.layerMemory(budget === undefined ? {} : { budget })
  return Layer.unwrapEffect(
    Effect.gen(function* () {
      const key = yield* Config.option(Config.string("CLERK_SECRET_KEY"))
      if (Option.isSome(key)) {
        const url = yield* Config.string("CLERK_API_URL").pipe(Config.withDefault(ClerkClient.DEFAULT_BASE_URL))
        yield* Console.error(`Importing into the Clerk Backend API at ${url} (CLERK_SECRET_KEY is set)`)
        return NodeClerk.layerConfig().pipe(Layer.provide(pacing))
      }
      yield* Console.error("Importing into the embedded Clerk emulator (CLERK_SECRET_KEY is not set)")
      return Clerk.layer.pipe(
        Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_embedded_emulator") })),
        Layer.provide(Layer.merge(Emulator.layer({ rateLimit: "dev" }), pacing))
      )
    })
  )
}

const usage = (message: string): never => {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { workers: { type: "string", default: "4" }, budget: { type: "string" } }
})
const workers = Number(values.workers)
if (!Number.isInteger(workers) || workers < 1 || workers > 64) usage("--workers must be a whole number 1..64")
const budgetFlag = values.budget === undefined ? undefined : /^(\d+)\/(\d+(?:\.\d+)?)s$/.exec(values.budget)
if (budgetFlag === null) usage("--budget must read <requests>/<seconds>s, e.g. 50/10s")
const budget: ClerkRateLimit.Budget | undefined =
  budgetFlag === undefined || budgetFlag === null
    ? undefined
    : { limit: Number(budgetFlag[1]), window: Duration.seconds(Number(budgetFlag[2])) }
const input = positionals[0] ?? fileURLToPath(new URL("import-users.sample.csv", import.meta.url))

importFile(input, workers).pipe(
  // 2: the run finished, and some rows failed (listed in the summary); runMain exits 1 when it stopped
  Effect.tap((summary) =>
    Effect.sync(() => {
      if (summary.failed > 0) process.exitCode = 2
    })
  ),
  Effect.provide(ClerkLive(budget)),
  NodeRuntime.runMain
)
