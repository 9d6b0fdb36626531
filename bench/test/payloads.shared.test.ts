/**
 * The benchmark's server answers with these payloads: they must be what Clerk's spec allows,
 * or the benchmark would measure the decoding of invalid data.
 */
import { describe, expect, it } from "vitest"
import * as SpecValidator from "../../packages/backend/test/prism/SpecValidator.js"
import { actorToken, users } from "../runtime/payloads.js"

describe("bench payloads", () => {
  const validator = SpecValidator.make()

  it("are 500 distinct users, the same on every run", () => {
    expect(users).toHaveLength(500)
    expect(new Set(users.map((user) => user.id)).size).toBe(500)
    expect(users[42]!.email_addresses[0]!.email_address).toBe("alan.liskov+42@example.com")
  })

  it("GET /users with 500, 10 and 1 users is valid for the spec", () => {
    for (const limit of [500, 10, 1]) {
      expect(validator.validateResponse("GetUserList", 200, users.slice(0, limit))).toEqual({ valid: true })
    }
  })

  it("a user with every optional account kind is valid too (the generator varies them)", () => {
    const kinds = {
      phone: users.filter((user) => user.phone_numbers.length > 0).length,
      google: users.filter((user) => user.external_accounts.length > 0).length
    }
    expect(kinds.phone).toBeGreaterThan(100)
    expect(kinds.google).toBeGreaterThan(100)
  })

  it("POST /actor_tokens is valid for the spec", () => {
    expect(validator.validateResponse("CreateActorToken", 200, actorToken)).toEqual({ valid: true })
  })
})
