/**
 * The command line without a process (src/internal/cli.ts): each flag's options, each refusal with
 * its exit code, and the printout. bin.test.ts runs the real command.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Emulator from "../src/Emulator.js"
import type * as EmulatorServer from "../src/EmulatorServer.js"
import * as Cli from "../src/internal/cli.js"

const files: Record<string, string> = {
  "seed.json": JSON.stringify({ users: [{ id: "user_ada", username: "ada" }] }),
  "faults.json": JSON.stringify([{ operation: "Users.list", status: 503, latency: "2 seconds" }]),
  "bad-faults.json": JSON.stringify([{ status: 503, retry_after: 1 }]),
  "key.pem": "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n"
}

const io: Cli.Io = {
  readFile: (path) => {
    const text = files[path]
    if (text === undefined) throw new Error("ENOENT: no such file")
    return text
  },
  randomKey: () => "sk_test_random"
}

const refusal = (args: ReadonlyArray<string>): { message: string; exitCode: number } => {
  try {
    Cli.parse(args, io)
  } catch (error) {
    if (error instanceof Cli.CliError) return { message: error.message, exitCode: error.exitCode }
    throw error
  }
  throw new Error(`accepted: ${args.join(" ")}`)
}

describe("the command line", () => {
  it("defaults: port 4100, a random secret key, the control API on", () => {
    expect(Cli.parse([], io)).toEqual({ options: { port: 4100, secretKey: "sk_test_random" }, help: false })
    expect(Cli.parse(["-h"], io).help).toBe(true)
  })

  it("turns every flag into its server option", () => {
    const { options } = Cli.parse(
      [
        "--port=0",
        "--seed",
        "seed.json",
        "--secret-key",
        "sk_test_fixed",
        "--webhook-url",
        "http://127.0.0.1:3000/a",
        "--webhook-url",
        "http://127.0.0.1:3000/b",
        "--signing-key",
        "key.pem",
        "--faults",
        "faults.json",
        "--max-body-bytes",
        "1024",
        "--not-emulated-status",
        "501",
        "--rate-limit",
        "5/1s",
        "--control-key",
        "ctl_key"
      ],
      io
    )
    expect(options).toEqual({
      port: 0,
      seed: { users: [{ id: "user_ada", username: "ada" }] },
      secretKey: "sk_test_fixed",
      webhooks: { url: ["http://127.0.0.1:3000/a", "http://127.0.0.1:3000/b"] },
      signingKey: files["key.pem"],
      faults: [{ operation: "Users.list", status: 503, latency: "2 seconds" }],
      maxBodyBytes: 1024,
      notEmulatedStatus: 501,
      rateLimit: { limit: 5, window: "1 seconds" },
      control: { key: "ctl_key" }
    })
    expect(Cli.parse(["--no-control"], io).options.control).toBe(false)
    expect(Cli.parse(["--rate-limit", "dev"], io).options.rateLimit).toBe("dev")
    expect(Cli.parse(["--rate-limit=prod"], io).options.rateLimit).toBe("prod")
    expect(Cli.parse(["--rate-limit", "25/1h"], io).options.rateLimit).toEqual({ limit: 25, window: "1 hours" })
  })

  it("a bad command line exits 2 with the usage; a file it cannot use exits 1 naming it", () => {
    for (const args of [
      ["--colour", "blue"],
      ["--port", "65536"],
      ["--port", "-1"],
      ["--secret-key", "pk_test_x"],
      ["--max-body-bytes", "12MB"],
      ["--not-emulated-status", "200"],
      ["--not-emulated-status", "600"],
      ["--not-emulated-status", "5xx"],
      ["--rate-limit", "fast"],
      ["--rate-limit", "0/1s"],
      ["--rate-limit", "5/1d"],
      ["--rate-limit", "5/0s"],
      ["--rate-limit"],
      ["--control-key", "two words"],
      ["--control-key", "k", "--no-control"],
      ["--no-control", "--control-key", "k"],
      ["positional"]
    ]) {
      const { message, exitCode } = refusal(args)
      expect([args, exitCode]).toEqual([args, 2])
      expect(message).toContain("usage: effect-clerk-emulator")
    }
    expect(refusal(["--seed", "missing.json"])).toEqual({
      message: "cannot read the seed file missing.json: ENOENT: no such file",
      exitCode: 1
    })
    expect(refusal(["--not-emulated-status", "200"]).message).toMatch(/^--not-emulated-status must be 400..599/)
    expect(refusal(["--rate-limit", "fast"]).message).toMatch(
      /^--rate-limit: invalid rate limit "fast": .*expected dev, prod or <requests>\/<window> such as 5\/1s/
    )
    const faults = refusal(["--faults", "bad-faults.json"])
    expect(faults.exitCode).toBe(1)
    expect(faults.message).toMatch(/^bad-faults\.json: invalid faults:[\s\S]*\["retry_after"\][\s\S]*is unexpected/)
  })

  it("the usage names every flag", () => {
    for (const flag of [
      "--port",
      "--seed",
      "--secret-key",
      "--webhook-url",
      "--signing-key",
      "--faults",
      "--max-body-bytes",
      "--not-emulated-status",
      "--rate-limit",
      "--control-key",
      "--no-control"
    ]) {
      expect(Cli.usage).toContain(flag)
    }
  })
})

describe("the printout", () => {
  const server = (emulator: Emulator.ClerkEmulator): EmulatorServer.RunningServer => ({
    url: "http://127.0.0.1:4100/v1",
    origin: "http://127.0.0.1:4100",
    port: 4100,
    emulator
  })
  const env = (lines: ReadonlyArray<string>) =>
    Object.fromEntries(
      lines.filter((l) => !l.startsWith("#")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])
    )

  it("is a .env file: comment lines, then NAME=value lines; Clerk's SDKs get the origin", () => {
    const config = Cli.parse(["--secret-key", "sk_test_fixed"], io)
    const lines = Cli.printout(server(Emulator.make()), config)
    for (const line of lines) expect(line).toMatch(/^(# .+|[A-Z_]+=\S+)$/)
    expect(env(lines)).toEqual({
      CLERK_API_URL: "http://127.0.0.1:4100",
      CLERK_SECRET_KEY: "sk_test_fixed",
      EFFECT_CLERK_API_URL: "http://127.0.0.1:4100/v1",
      CLERK_JWKS_URL: "http://127.0.0.1:4100/.well-known/jwks.json",
      CLERK_API_JWKS_URL: "http://127.0.0.1:4100/v1/jwks",
      CLERK_EMULATOR_CONTROL_URL: "http://127.0.0.1:4100/__emulator",
      CLERK_EMULATOR_CONTROL_KEY: "sk_test_fixed"
    })
    // each URL is introduced by a comment saying what it is for
    expect(lines[lines.indexOf("CLERK_JWKS_URL=http://127.0.0.1:4100/.well-known/jwks.json") - 1]).toMatch(
      /without a key/
    )
    expect(lines[lines.indexOf("CLERK_API_JWKS_URL=http://127.0.0.1:4100/v1/jwks") - 1]).toMatch(
      /needs Authorization: Bearer \$CLERK_SECRET_KEY/
    )
  })

  it("prints the control key when one is given, no control lines with --no-control, the webhook secret with a URL", () => {
    const emulator = Emulator.make()
    const keyed = env(Cli.printout(server(emulator), Cli.parse(["--control-key", "ctl_key"], io)))
    expect(keyed["CLERK_EMULATOR_CONTROL_KEY"]).toBe("ctl_key")
    const off = Cli.printout(server(emulator), Cli.parse(["--no-control"], io))
    expect(off.filter((l) => l.includes("CONTROL"))).toEqual([])
    expect(off).toContain("# Control API: off (--no-control)")
    const hooks = env(Cli.printout(server(emulator), Cli.parse(["--webhook-url", "http://127.0.0.1:9/x"], io)))
    expect(hooks["CLERK_WEBHOOK_SIGNING_SECRET"]).toBe(emulator.webhooks.secret)
  })
})
