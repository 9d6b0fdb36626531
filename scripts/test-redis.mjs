// `pnpm test:redis`: the `*.redis.test.ts` files, which start their own `redis-server` (Debian's
// package `redis-server`, on PATH) on 127.0.0.1, on a free port, with a temp dir, and stop it.
// `.ci/run` installs it with apt-get when absent. `pnpm test` leaves these files out.
import { execFileSync } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
try {
  execFileSync("redis-server", ["--version"], { stdio: "ignore" })
} catch {
  console.error("test:redis needs redis-server on PATH (Debian: apt-get install -y redis-server)")
  process.exit(1)
}
execFileSync("vitest", ["run"], { cwd: root, stdio: "inherit", env: { ...process.env, EFFECT_CLERK_REDIS: "1" } })
