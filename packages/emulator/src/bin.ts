#!/usr/bin/env node
/**
 * `npx @effect-clerk/emulator [--port 4100] [--seed file.json] [--secret-key sk_test_…]
 * [--webhook-url http://127.0.0.1:3000/webhooks] [--signing-key key.pem] [--not-emulated-status 501]`
 *
 * Serves the emulator on 127.0.0.1 until interrupted (Ctrl-C) and prints what a client needs:
 * the Backend API base URL, a secret key, the JWKS URL and, with `--webhook-url`, the webhook
 * signing secret, as `NAME=value` lines a shell or a test can read.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { randomBase62 } from "./internal/ids.js"
import * as EmulatorServer from "./EmulatorServer.js"
import * as Seed from "./Seed.js"

const USAGE = `usage: effect-clerk-emulator [--port 4100] [--seed file.json] [--secret-key sk_test_...]
                            [--webhook-url URL] [--signing-key private-key.pem]
                            [--not-emulated-status 400]   (the answer to an operation not emulated;
                                                           a 5xx makes Clerk's generated SDKs retry)`

const fail = (message: string, code: number): never => {
  process.stderr.write(`${message}\n`)
  process.exit(code)
}

const args = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: "string", default: "4100" },
        seed: { type: "string" },
        "secret-key": { type: "string" },
        "webhook-url": { type: "string", multiple: true },
        "signing-key": { type: "string" },
        "not-emulated-status": { type: "string", default: "400" },
        help: { type: "boolean", short: "h" }
      },
      strict: true,
      allowPositionals: false
    }).values
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, 2)
  }
})()

if (args.help === true) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}

const port =
  /^\d+$/.test(args.port) && Number(args.port) <= 65535
    ? Number(args.port)
    : fail(`--port must be 0..65535\n${USAGE}`, 2)
const notEmulatedStatus = /^[45]\d\d$/.test(args["not-emulated-status"])
  ? Number(args["not-emulated-status"])
  : fail(`--not-emulated-status must be 400..599\n${USAGE}`, 2)
const secretKey = args["secret-key"] ?? `sk_test_${randomBase62(32)}`
if (!secretKey.startsWith("sk_")) fail("--secret-key must start with sk_", 2)

const read = (what: string, path: string): string => {
  try {
    return readFileSync(path, "utf8")
  } catch (error) {
    return fail(`cannot read ${what} ${path}: ${error instanceof Error ? error.message : String(error)}`, 1)
  }
}

const seed = (() => {
  if (args.seed === undefined) return undefined
  const text = read("the seed file", args.seed)
  try {
    return Seed.decode(JSON.parse(text))
  } catch (error) {
    return fail(`${args.seed}: ${error instanceof Error ? error.message : String(error)}`, 1)
  }
})()

const program = Effect.gen(function* () {
  const server = yield* EmulatorServer.serve({
    port,
    secretKey,
    notEmulatedStatus,
    ...(seed === undefined ? {} : { seed }),
    ...(args["signing-key"] === undefined ? {} : { signingKey: read("the signing key", args["signing-key"]) }),
    ...(args["webhook-url"] === undefined ? {} : { webhooks: { url: args["webhook-url"] } })
  })
  yield* Console.log(`Clerk emulator listening on ${server.origin} (Ctrl-C to stop)`)
  yield* Console.log(`CLERK_API_URL=${server.url}`)
  yield* Console.log(`CLERK_SECRET_KEY=${secretKey}`)
  yield* Console.log(`CLERK_JWKS_URL=${server.url}/jwks`)
  if (args["webhook-url"] !== undefined) {
    yield* Console.log(`CLERK_WEBHOOK_SIGNING_SECRET=${server.emulator.webhooks.secret}`)
  }
  return yield* Effect.never
}).pipe(
  Effect.scoped,
  Effect.catchAll((error) => Effect.sync(() => fail(`cannot serve on 127.0.0.1:${port}: ${String(error)}`, 1)))
)

NodeRuntime.runMain(program)
