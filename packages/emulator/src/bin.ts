#!/usr/bin/env node
/**
 * `npx @effect-clerk/emulator [--port 4100] [--seed file.json] [--secret-key sk_test_…]
 * [--webhook-url URL] [--signing-key key.pem] [--faults faults.json] [--max-body-bytes N]
 * [--control-key KEY | --no-control] [--not-emulated-status 501]`
 *
 * Serves the emulator on 127.0.0.1 until interrupted (Ctrl-C) and prints what a client needs, as a
 * `.env` file (comment lines say which value is for what): the origin Clerk's SDKs take, a secret
 * key, our SDK's base URL, the JWKS URLs (without a key and the Backend API's), the webhook signing
 * secret with `--webhook-url`, and the control API's URL and key.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { readFileSync } from "node:fs"
import * as Cli from "./internal/cli.js"
import { randomBase62 } from "./internal/ids.js"
import * as EmulatorServer from "./EmulatorServer.js"

const fail = (message: string, code: number): never => {
  process.stderr.write(`${message}\n`)
  process.exit(code)
}

const config = (() => {
  try {
    return Cli.parse(process.argv.slice(2), {
      readFile: (path) => readFileSync(path, "utf8"),
      randomKey: () => `sk_test_${randomBase62(32)}`
    })
  } catch (error) {
    return error instanceof Cli.CliError ? fail(error.message, error.exitCode) : fail(String(error), 1)
  }
})()

if (config.help) {
  process.stdout.write(`${Cli.usage}\n`)
  process.exit(0)
}

const cannotServe = (reason: unknown) =>
  Effect.sync(() =>
    fail(
      `cannot serve on 127.0.0.1:${config.options.port ?? 4100}: ${reason instanceof Error ? reason.message : String(reason)}`,
      1
    )
  )

const program = Effect.gen(function* () {
  const server = yield* EmulatorServer.serve(config.options)
  yield* Console.log(Cli.printout(server, config).join("\n"))
  return yield* Effect.never
}).pipe(Effect.scoped, Effect.catchAll(cannotServe), Effect.catchAllDefect(cannotServe))

NodeRuntime.runMain(program)
