/**
 * The one split of the test suite: `*.shared.test.ts` files need Clerk's spec from `../shared`
 * (or `CLERK_OPENAPI_SPEC`) and run only under `pnpm test:contract`; every other test runs under
 * `pnpm test` on a clone that has nothing beside it.
 */
import { configDefaults } from "vitest/config"

const contract = process.env["EFFECT_CLERK_CONTRACT"] === "1"

export const testFiles = {
  include: contract ? ["test/**/*.shared.test.ts"] : ["test/**/*.test.ts"],
  exclude: contract ? [...configDefaults.exclude] : [...configDefaults.exclude, "**/*.shared.test.ts"],
  passWithNoTests: contract
}
