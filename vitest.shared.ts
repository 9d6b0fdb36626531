/**
 * The splits of the test suite:
 * - `*.shared.test.ts` files need Clerk's spec from `../shared` (or `CLERK_OPENAPI_SPEC`) and run
 *   only under `pnpm test:contract` (`EFFECT_CLERK_CONTRACT=1`);
 * - `*.redis.test.ts` files start a real `redis-server` (Debian's, on PATH) and run only under
 *   `pnpm test:redis` (`EFFECT_CLERK_REDIS=1`);
 * - every other test runs under `pnpm test` on a clone that has nothing beside it but Node and npm.
 */
import { configDefaults } from "vitest/config"

const contract = process.env["EFFECT_CLERK_CONTRACT"] === "1"
const redis = process.env["EFFECT_CLERK_REDIS"] === "1"

export const testFiles = {
  include: contract ? ["test/**/*.shared.test.ts"] : redis ? ["test/**/*.redis.test.ts"] : ["test/**/*.test.ts"],
  exclude:
    contract || redis
      ? [...configDefaults.exclude]
      : [...configDefaults.exclude, "**/*.shared.test.ts", "**/*.redis.test.ts"],
  passWithNoTests: contract || redis
}
