/**
 * The command line of `effect-clerk-emulator`: a table of flags, each turning its value into
 * server options (a new flag is one more entry), and the printout a client configures itself from.
 * Pure but for reading the files that flags name, so that a test can run it without a process.
 *
 * @internal
 */
import { parseArgs } from "node:util"
import * as Control from "../Control.js"
import type * as EmulatorServer from "../EmulatorServer.js"
import * as Faults from "../Faults.js"
import * as RateLimits from "../RateLimits.js"
import * as Seed from "../Seed.js"
import * as SessionTokens from "../SessionTokens.js"

/**
 * What the command runs: the server options plus what it prints.
 *
 * @internal
 */
export interface Config {
  readonly options: EmulatorServer.ServeOptions & { readonly secretKey: string }
  readonly help: boolean
}

/**
 * A refusal: the message for stderr and the exit code (2 for a bad command line, 1 for a file
 * that cannot be read or is invalid).
 *
 * @internal
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2
  ) {
    super(message)
  }
}

/**
 * What the flags may read.
 *
 * @internal
 */
export interface Io {
  readonly readFile: (path: string) => string
  readonly randomKey: () => string
}

type Options = { -readonly [K in keyof Config["options"]]?: Config["options"][K] }

interface Flag {
  readonly name: string
  readonly type: "string" | "boolean"
  readonly multiple?: boolean
  readonly default?: string
  /** How the usage line shows it. */
  readonly usage: string
  readonly apply: (value: any, options: Options, io: Io) => void
}

const read = (io: Io, what: string, path: string): string => {
  try {
    return io.readFile(path)
  } catch (error) {
    throw new CliError(`cannot read ${what} ${path}: ${error instanceof Error ? error.message : String(error)}`, 1)
  }
}

const jsonFile = <A>(io: Io, what: string, path: string, decode: (input: unknown) => A): A => {
  const text = read(io, what, path)
  try {
    return decode(JSON.parse(text))
  } catch (error) {
    throw new CliError(`${path}: ${error instanceof Error ? error.message : String(error)}`, 1)
  }
}

const wholeNumber = (flag: string, value: string, max: number): number => {
  if (!/^\d+$/.test(value) || Number(value) > max) throw new CliError(`${flag} must be a whole number 0..${max}`, 2)
  return Number(value)
}

const flags: ReadonlyArray<Flag> = [
  {
    name: "port",
    type: "string",
    default: "4100",
    usage: "[--port 4100]",
    apply: (value: string, options) => {
      options.port = wholeNumber("--port", value, 65535)
    }
  },
  {
    name: "seed",
    type: "string",
    usage: "[--seed file.json]",
    apply: (path: string, options, io) => {
      options.seed = jsonFile(io, "the seed file", path, Seed.decode)
    }
  },
  {
    name: "secret-key",
    type: "string",
    usage: "[--secret-key sk_test_...]",
    apply: (key: string, options) => {
      if (!key.startsWith("sk_")) throw new CliError("--secret-key must start with sk_", 2)
      options.secretKey = key
    }
  },
  {
    name: "webhook-url",
    type: "string",
    multiple: true,
    usage: "[--webhook-url URL]...",
    apply: (urls: Array<string>, options) => {
      options.webhooks = { url: urls }
    }
  },
  {
    name: "signing-key",
    type: "string",
    usage: "[--signing-key private-key.pem]",
    apply: (path: string, options, io) => {
      options.signingKey = read(io, "the signing key", path)
    }
  },
  {
    name: "faults",
    type: "string",
    usage: "[--faults faults.json]",
    apply: (path: string, options, io) => {
      options.faults = jsonFile(io, "the faults file", path, Faults.decode)
    }
  },
  {
    name: "max-body-bytes",
    type: "string",
    usage: "[--max-body-bytes 12582912]",
    apply: (value: string, options) => {
      options.maxBodyBytes = wholeNumber("--max-body-bytes", value, Number.MAX_SAFE_INTEGER)
    }
  },
  {
    name: "not-emulated-status",
    type: "string",
    usage: "[--not-emulated-status 400]",
    // 400 by default, which no client retries; a 5xx makes Clerk's Speakeasy SDKs retry for an hour
    apply: (value: string, options) => {
      if (!/^[45]\d\d$/.test(value)) throw new CliError("--not-emulated-status must be 400..599, an error status", 2)
      options.notEmulatedStatus = Number(value)
    }
  },
  {
    name: "rate-limit",
    type: "string",
    usage: "[--rate-limit dev|prod|<n>/<window>]",
    apply: (value: string, options) => {
      try {
        options.rateLimit = RateLimits.parse(value)
      } catch (error) {
        throw new CliError(`--rate-limit: ${error instanceof Error ? error.message : String(error)}`, 2)
      }
    }
  },
  {
    name: "control-key",
    type: "string",
    usage: "[--control-key KEY | --no-control]",
    apply: (key: string, options) => {
      if (!/^\S+$/.test(key)) throw new CliError("--control-key must be one word (it is sent as a bearer token)", 2)
      if (options.control === false) throw new CliError("--control-key and --no-control exclude each other", 2)
      options.control = { key }
    }
  },
  {
    name: "no-control",
    type: "boolean",
    usage: "",
    apply: (off: boolean, options) => {
      if (!off) return
      if (options.control !== undefined) throw new CliError("--control-key and --no-control exclude each other", 2)
      options.control = false
    }
  }
]

/**
 * The usage text.
 *
 * @internal
 */
export const usage = flags
  .reduce(
    (lines, flag) => {
      if (flag.usage === "") return lines
      const last = lines[lines.length - 1]!
      return last.length + flag.usage.length < 100
        ? [...lines.slice(0, -1), `${last} ${flag.usage}`]
        : [...lines, `${" ".repeat(28)}${flag.usage}`]
    },
    ["usage: effect-clerk-emulator"]
  )
  .join("\n")

/**
 * Reads the command line; throws a {@link CliError}.
 *
 * @internal
 */
export const parse = (args: ReadonlyArray<string>, io: Io): Config => {
  let values: Record<string, unknown>
  try {
    values = parseArgs({
      args: [...args],
      options: {
        ...Object.fromEntries(
          flags.map((flag) => [
            flag.name,
            {
              type: flag.type,
              ...(flag.multiple === true ? { multiple: true } : {}),
              ...(flag.default === undefined ? {} : { default: flag.default })
            }
          ])
        ),
        help: { type: "boolean", short: "h" }
      },
      strict: true,
      allowPositionals: false
    }).values
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n${usage}`, 2)
  }
  const options: Options = {}
  for (const flag of flags) {
    const value = values[flag.name]
    if (value === undefined) continue
    try {
      flag.apply(value, options, io)
    } catch (error) {
      if (error instanceof CliError && error.exitCode === 2) throw new CliError(`${error.message}\n${usage}`, 2)
      throw error
    }
  }
  return { options: { ...options, secretKey: options.secretKey ?? io.randomKey() }, help: values["help"] === true }
}

/**
 * What the command prints once it listens: comment lines saying what each value is for, and
 * `NAME=value` lines, so that the whole output is a `.env` file a shell can `source` too.
 *
 * `CLERK_API_URL` is the origin because Clerk's SDKs add the version themselves (clerk/javascript:
 * packages/backend/src/api/request.ts:119 `joinPaths(apiUrl, apiVersion, path)`;
 * packages/express/src/utils.ts:40 `apiUrl: process.env.CLERK_API_URL || 'https://api.clerk.com'`).
 *
 * @internal
 */
export const printout = (server: EmulatorServer.RunningServer, config: Config): ReadonlyArray<string> => {
  const { options } = config
  const control = options.control === false ? undefined : (options.control?.key ?? options.secretKey)
  return [
    `# Clerk emulator listening on ${server.origin} (Ctrl-C to stop)`,
    "# Clerk's SDKs (@clerk/backend's apiUrl, @clerk/express) take the origin and add /v1 themselves:",
    `CLERK_API_URL=${server.origin}`,
    `CLERK_SECRET_KEY=${options.secretKey}`,
    "# @effect-clerk/backend takes the base URL with /v1 (ClerkClient.layer({ baseUrl })); the emulator answers both:",
    `EFFECT_CLERK_API_URL=${server.url}`,
    "# JWKS without a key, as Clerk's Frontend API serves it (PyJWKClient, jose's createRemoteJWKSet):",
    `CLERK_JWKS_URL=${server.origin}${SessionTokens.wellKnownJwksPath}`,
    "# JWKS of the Backend API (GET /v1/jwks): needs Authorization: Bearer $CLERK_SECRET_KEY",
    `CLERK_API_JWKS_URL=${server.url}/jwks`,
    ...(options.webhooks === undefined
      ? []
      : [
          "# Svix secret the webhooks are signed with:",
          `CLERK_WEBHOOK_SIGNING_SECRET=${server.emulator.webhooks.secret}`
        ]),
    ...(control === undefined
      ? ["# Control API: off (--no-control)"]
      : [
          "# Control API (reset, seed, snapshots, faults, session tokens, webhooks): Authorization: Bearer $CLERK_EMULATOR_CONTROL_KEY",
          `CLERK_EMULATOR_CONTROL_URL=${server.origin}${Control.prefix}`,
          `CLERK_EMULATOR_CONTROL_KEY=${control}`
        ])
  ]
}
