/**
 * Clerk's 8KB metadata limit (issue 16, item 5), wherever metadata is written: a 422
 * `form_param_max_length_exceeded` naming the field, and nothing stored.
 */
import { createClerkClient } from "@clerk/backend"
import {
  Invitations,
  OrganizationInvitations,
  OrganizationMemberships,
  Organizations,
  Users
} from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as EmulatorServer from "../src/EmulatorServer.js"
import { failure, sdk } from "./sdk.js"

// 8 KB of JSON is the limit: {"blob":"…"} is 11 bytes around the string
const atLimit = { blob: "x".repeat(8 * 1024 - 11) }
const overLimit = { blob: "x".repeat(8 * 1024 - 10) }
const half = { a: "x".repeat(4500) }
const otherHalf = { b: "x".repeat(4500) }

const tooLarge = (param: string) => ({ tag: "UnprocessableEntity", code: "form_param_max_length_exceeded", param })

describe("metadata is limited to 8KB", () => {
  it.effect("users: create, merge (the merged value counts), replace; nothing is stored on failure", () =>
    Effect.gen(function* () {
      expect(yield* failure(Users.create({ public_metadata: overLimit }))).toEqual(tooLarge("public_metadata"))
      expect(yield* failure(Users.create({ unsafe_metadata: overLimit }))).toEqual(tooLarge("unsafe_metadata"))
      expect(yield* Users.count({})).toEqual({ object: "total_count", total_count: 0 })
      const user = yield* Users.create({ private_metadata: atLimit })
      expect(user.private_metadata).toEqual(atLimit)

      yield* Users.updateMetadata(user.id, { public_metadata: half })
      expect(yield* failure(Users.updateMetadata(user.id, { public_metadata: otherHalf }))).toEqual(
        tooLarge("public_metadata")
      )
      expect((yield* Users.get(user.id)).public_metadata).toEqual(half)
      expect(yield* failure(Users.replaceMetadata(user.id, { private_metadata: overLimit }))).toEqual(
        tooLarge("private_metadata")
      )
      expect((yield* Users.replaceMetadata(user.id, { public_metadata: otherHalf })).public_metadata).toEqual(otherHalf)
    }).pipe(Effect.provide(sdk()))
  )

  it.effect("organizations, memberships and invitations", () =>
    Effect.gen(function* () {
      const user = yield* Users.create({ username: "ada" })
      expect(yield* failure(Organizations.create({ name: "A", public_metadata: overLimit }))).toEqual(
        tooLarge("public_metadata")
      )
      const org = yield* Organizations.create({ name: "Acme", created_by: user.id, private_metadata: half })
      expect(yield* failure(Organizations.mergeMetadata(org.id, { private_metadata: otherHalf }))).toEqual(
        tooLarge("private_metadata")
      )
      expect(yield* failure(Organizations.replaceMetadata(org.id, { public_metadata: overLimit }))).toEqual(
        tooLarge("public_metadata")
      )
      yield* OrganizationMemberships.updateMetadata(org.id, user.id, { public_metadata: half })
      expect(
        yield* failure(OrganizationMemberships.updateMetadata(org.id, user.id, { public_metadata: otherHalf }))
      ).toEqual(tooLarge("public_metadata"))
      const other = yield* Users.create({ username: "bob" })
      expect(
        yield* failure(
          OrganizationMemberships.create(org.id, { user_id: other.id, role: "org:member", private_metadata: overLimit })
        )
      ).toEqual(tooLarge("private_metadata"))
      expect(
        yield* failure(Invitations.create({ email_address: "c@example.com", public_metadata: overLimit }))
      ).toEqual(tooLarge("public_metadata"))
      expect(
        yield* failure(
          OrganizationInvitations.bulkCreate(org.id, [
            { email_address: "d@example.com", role: "org:member" },
            { email_address: "e@example.com", role: "org:member", public_metadata: overLimit }
          ])
        )
      ).toEqual(tooLarge("public_metadata"))
      expect((yield* OrganizationInvitations.list(org.id)).total_count).toBe(0)
    }).pipe(Effect.provide(sdk()))
  )

  it.live("@clerk/backend gets Clerk's error code", () =>
    Effect.gen(function* () {
      const server = yield* EmulatorServer.serve({ secretKey: "sk_test_limit" })
      const clerk = createClerkClient({ secretKey: "sk_test_limit", apiUrl: server.origin })
      const user = yield* Effect.promise(() => clerk.users.createUser({ username: "ada" }))
      const error = yield* Effect.flip(
        Effect.tryPromise(() => clerk.users.updateUserMetadata(user.id, { publicMetadata: overLimit }))
      )
      expect(error.error).toMatchObject({ status: 422, errors: [{ code: "form_param_max_length_exceeded" }] })
    }).pipe(Effect.scoped)
  )
})
