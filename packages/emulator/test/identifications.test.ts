/**
 * Email addresses and phone numbers through @effect-clerk/backend: each one and its user (the
 * embedded lists, `primary_*_id`, `two_factor_enabled`) always agree.
 */
import { EmailAddresses, PhoneNumbers, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { failure, sdk } from "./sdk.js"

describe("EmailAddresses", () => {
  it.effect("create (first is primary, primary on request), get, update, delete, all in the user's JSON", () =>
    Effect.gen(function* () {
      const user = yield* Users.create({})
      const first = yield* EmailAddresses.create({ user_id: user.id, email_address: "Ada@Example.com", verified: true })
      expect(first).toMatchObject({ object: "email_address", email_address: "ada@example.com", reserved: false })
      expect(first.verification).toMatchObject({ status: "verified", strategy: "admin" })
      expect((yield* Users.get(user.id)).primary_email_address_id).toBe(first.id)

      const second = yield* EmailAddresses.create({ user_id: user.id, email_address: "two@example.com" })
      expect(second.verification).toBeNull()
      let fetched = yield* Users.get(user.id)
      expect(fetched.email_addresses.map((e) => e.id)).toEqual([first.id, second.id])
      expect(fetched.primary_email_address_id).toBe(first.id)
      expect(yield* EmailAddresses.get(second.id!)).toEqual(second)

      const verified = yield* EmailAddresses.update(second.id!, { verified: true, primary: true })
      expect(verified.verification).toMatchObject({ status: "verified" })
      fetched = yield* Users.get(user.id)
      expect(fetched.primary_email_address_id).toBe(second.id)
      expect(fetched.email_addresses[1]).toEqual(verified)
      expect((yield* Users.list({ email_address: ["two@example.com"] })).map((u) => u.id)).toEqual([user.id])

      expect(yield* EmailAddresses.delete(second.id!)).toEqual({
        object: "email_address",
        id: second.id,
        deleted: true
      })
      fetched = yield* Users.get(user.id)
      expect(fetched.email_addresses.map((e) => e.id)).toEqual([first.id])
      expect(fetched.primary_email_address_id).toBe(first.id)
      const third = yield* EmailAddresses.create({ user_id: user.id, email_address: "3@example.com", primary: true })
      expect((yield* Users.get(user.id)).primary_email_address_id).toBe(third.id)
    }).pipe(Effect.provide(sdk()))
  )

  it.effect("404 for unknown users and ids, 422 for a malformed or taken address", () =>
    Effect.gen(function* () {
      const ada = yield* Users.create({ email_address: ["ada@example.com"] })
      expect(
        yield* failure(EmailAddresses.create({ user_id: "user_missing", email_address: "x@example.com" }))
      ).toMatchObject({ tag: "NotFound", code: "resource_not_found" })
      expect(yield* failure(EmailAddresses.create({ user_id: ada.id, email_address: "nope" }))).toEqual({
        tag: "UnprocessableEntity",
        code: "form_param_format_invalid",
        param: "email_address"
      })
      const bob = yield* Users.create({})
      expect(yield* failure(EmailAddresses.create({ user_id: bob.id, email_address: "ADA@example.com" }))).toEqual({
        tag: "UnprocessableEntity",
        code: "form_identifier_exists",
        param: "email_address"
      })
      expect((yield* failure(EmailAddresses.get("idn_missing"))).tag).toBe("NotFound")
      expect((yield* failure(EmailAddresses.delete("idn_missing"))).tag).toBe("NotFound")
      expect((yield* failure(EmailAddresses.update("idn_missing", {}))).tag).toBe("NotFound")
    }).pipe(Effect.provide(sdk()))
  )

  it.effect("replaceForUser: one primary address instead of all, with the given status", () =>
    Effect.gen(function* () {
      const user = yield* Users.create({ email_address: ["a@example.com", "b@example.com"] })
      const replaced = yield* EmailAddresses.replaceForUser(user.id, {
        email_address: "c@example.com",
        identification_status: "reserved"
      })
      expect(replaced).toMatchObject({ email_address: "c@example.com", reserved: true, verification: null })
      const fetched = yield* Users.get(user.id)
      expect(fetched.email_addresses).toEqual([replaced])
      expect(fetched.primary_email_address_id).toBe(replaced.id)
      // its own current address may come back; another user's may not
      expect(
        (yield* EmailAddresses.replaceForUser(user.id, { email_address: "c@example.com" })).verification
      ).toMatchObject({ status: "verified" })
      const other = yield* Users.create({ email_address: ["taken@example.com"] })
      expect(
        yield* failure(EmailAddresses.replaceForUser(user.id, { email_address: "taken@example.com" }))
      ).toMatchObject({ code: "form_identifier_exists" })
      expect((yield* Users.get(other.id)).email_addresses).toHaveLength(1)
      expect(
        (yield* failure(EmailAddresses.replaceForUser("user_missing", { email_address: "z@example.com" }))).tag
      ).toBe("NotFound")
    }).pipe(Effect.provide(sdk()))
  )
})

describe("PhoneNumbers", () => {
  it.effect("create, update (second factor needs a verified number), delete; the user's MFA follows", () =>
    Effect.gen(function* () {
      const user = yield* Users.create({})
      const phone = yield* PhoneNumbers.create({ user_id: user.id, phone_number: "+15555550100" })
      expect(phone).toMatchObject({ object: "phone_number", phone_number: "+15555550100", verification: null })
      expect((yield* Users.get(user.id)).primary_phone_number_id).toBe(phone.id)
      expect(yield* failure(PhoneNumbers.update(phone.id!, { reserved_for_second_factor: true }))).toMatchObject({
        tag: "BadRequest",
        param: "reserved_for_second_factor"
      })
      const reserved = yield* PhoneNumbers.update(phone.id!, { verified: true, reserved_for_second_factor: true })
      expect(reserved).toMatchObject({ reserved_for_second_factor: true, default_second_factor: true })
      expect((yield* Users.get(user.id)).two_factor_enabled).toBe(true)

      const second = yield* PhoneNumbers.create({
        user_id: user.id,
        phone_number: "+15555550101",
        verified: true,
        reserved_for_second_factor: true,
        primary: true
      })
      expect(second).toMatchObject({ reserved_for_second_factor: true, default_second_factor: false })
      expect((yield* Users.get(user.id)).primary_phone_number_id).toBe(second.id)
      expect(yield* PhoneNumbers.get(second.id!)).toEqual(second)

      yield* PhoneNumbers.delete(second.id!)
      yield* PhoneNumbers.delete(phone.id!)
      const after = yield* Users.get(user.id)
      expect(after).toMatchObject({ phone_numbers: [], primary_phone_number_id: null, two_factor_enabled: false })
      expect((yield* failure(PhoneNumbers.delete(phone.id!))).tag).toBe("NotFound")
    }).pipe(Effect.provide(sdk()))
  )

  it.effect("404 and 422 as documented; replaceForUser leaves one primary number that is no second factor", () =>
    Effect.gen(function* () {
      const user = yield* Users.create({ phone_number: ["+15555550100"] })
      expect((yield* failure(PhoneNumbers.create({ user_id: "user_missing", phone_number: "+15555550111" }))).tag).toBe(
        "NotFound"
      )
      expect(yield* failure(PhoneNumbers.create({ user_id: user.id, phone_number: "555" }))).toMatchObject({
        tag: "UnprocessableEntity",
        code: "form_param_format_invalid"
      })
      expect(yield* failure(PhoneNumbers.create({ user_id: user.id, phone_number: "+15555550100" }))).toMatchObject({
        code: "form_identifier_exists"
      })
      expect(
        yield* failure(
          PhoneNumbers.create({ user_id: user.id, phone_number: "+15555550199", reserved_for_second_factor: true })
        )
      ).toMatchObject({ tag: "UnprocessableEntity", param: "reserved_for_second_factor" })
      expect((yield* failure(PhoneNumbers.get("idn_missing"))).tag).toBe("NotFound")
      expect((yield* failure(PhoneNumbers.update("idn_missing", {}))).tag).toBe("NotFound")

      const replaced = yield* PhoneNumbers.replaceForUser(user.id, { phone_number: "+15555550102" })
      expect(replaced).toMatchObject({ phone_number: "+15555550102", reserved_for_second_factor: false })
      const fetched = yield* Users.get(user.id)
      expect(fetched.phone_numbers).toEqual([replaced])
      expect(fetched.primary_phone_number_id).toBe(replaced.id)
      expect((yield* failure(PhoneNumbers.replaceForUser("user_missing", { phone_number: "+15555550103" }))).tag).toBe(
        "NotFound"
      )
    }).pipe(Effect.provide(sdk()))
  )
})
