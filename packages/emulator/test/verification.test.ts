/**
 * One-time codes for email addresses and phone numbers through @effect-clerk/backend: the code is
 * sent as a webhook event (or is Clerk's test code for test identifiers), attempts are reported
 * through the status, and a correct code verifies the identification.
 */
import { EmailAddresses, PhoneNumbers, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import { failure, sdk } from "./sdk.js"

const NOW = 1_700_000_000_000
let clock = NOW

// the code the emulator "sent": the otp_code of the newest email.created / sms.created event
const sentCode = (type: "email.created" | "sms.created") =>
  Effect.map(Emulator.Emulator, (emulator) => {
    const event = emulator.webhooks
      .events()
      .filter((e) => e.type === type)
      .at(-1)
    return (event?.data as { readonly data: { readonly otp_code: string } }).data.otp_code
  })

describe("prepare and attempt a verification", () => {
  it.effect("email: the code of the email.created event verifies the address; wrong and repeated attempts", () =>
    Effect.gen(function* () {
      clock = NOW
      const user = yield* Users.create({})
      const email = yield* EmailAddresses.create({ user_id: user.id, email_address: "ada@example.com" })
      expect(email.verification).toBeNull()

      const prepared = yield* EmailAddresses.prepareVerification(email.id!)
      expect(prepared).toEqual({
        object: "verification_otp",
        id: expect.stringMatching(/^ver_/),
        status: "unverified",
        strategy: "email_code",
        attempts: 0,
        expire_at: NOW + 10 * 60 * 1000
      })
      const emulator = yield* Emulator.Emulator
      const sent = emulator.webhooks.events().at(-1)!
      expect(sent).toMatchObject({
        type: "email.created",
        data: { slug: "verification_code", to_email_address: "ada@example.com", email_address_id: email.id }
      })
      const code = yield* sentCode("email.created")
      expect(code).toMatch(/^\d{6}$/)

      const wrong = code === "000000" ? "111111" : "000000"
      const failed = yield* EmailAddresses.attemptVerification(email.id!, {
        verification_id: prepared.id!,
        code: wrong
      })
      expect(failed).toMatchObject({ status: "failed", attempts: 1 })
      expect((yield* EmailAddresses.get(email.id!)).verification).toBeNull()

      const verified = yield* EmailAddresses.attemptVerification(email.id!, { verification_id: prepared.id!, code })
      expect(verified).toMatchObject({ id: prepared.id, status: "verified", attempts: 2, strategy: "email_code" })
      const after = yield* Users.get(user.id)
      expect(after.email_addresses[0]!.verification).toEqual({
        object: "verification_otp",
        status: "verified",
        strategy: "email_code",
        attempts: 2,
        expire_at: NOW + 10 * 60 * 1000
      })

      expect(
        yield* failure(EmailAddresses.attemptVerification(email.id!, { verification_id: prepared.id!, code }))
      ).toEqual({ tag: "BadRequest", code: "verification_already_verified", param: "verification_id" })
    }).pipe(Effect.provide(sdk({ now: () => clock })))
  )

  it.effect(
    "phone: sms.created carries the code; an expired code reports expired; Clerk's test numbers use 424242",
    () =>
      Effect.gen(function* () {
        clock = NOW
        const user = yield* Users.create({})
        const phone = yield* PhoneNumbers.create({ user_id: user.id, phone_number: "+15551234567" })
        const prepared = yield* PhoneNumbers.prepareVerification(phone.id!)
        expect(prepared).toMatchObject({ strategy: "phone_code", status: "unverified", channel: "sms" })
        const emulator = yield* Emulator.Emulator
        expect(emulator.webhooks.events().at(-1)).toMatchObject({
          type: "sms.created",
          data: { slug: "verification_code", to_phone_number: "+15551234567", phone_number_id: phone.id }
        })
        const code = yield* sentCode("sms.created")
        clock = NOW + 10 * 60 * 1000 + 1
        const expired = yield* PhoneNumbers.attemptVerification(phone.id!, { verification_id: prepared.id!, code })
        expect(expired).toMatchObject({ status: "expired", attempts: 1 })
        expect((yield* PhoneNumbers.get(phone.id!)).verification).toBeNull()

        const test = yield* PhoneNumbers.create({ user_id: user.id, phone_number: "+12015550142" })
        const again = yield* PhoneNumbers.prepareVerification(test.id!)
        expect(yield* sentCode("sms.created")).toBe("424242")
        expect(
          yield* PhoneNumbers.attemptVerification(test.id!, { verification_id: again.id!, code: "424242" })
        ).toMatchObject({ status: "verified" })
        expect((yield* PhoneNumbers.get(test.id!)).verification).toMatchObject({ status: "verified" })

        const tester = yield* EmailAddresses.create({ user_id: user.id, email_address: "jane+clerk_test@example.com" })
        const forTester = yield* EmailAddresses.prepareVerification(tester.id!)
        expect(
          yield* EmailAddresses.attemptVerification(tester.id!, { verification_id: forTester.id!, code: "424242" })
        ).toMatchObject({ status: "verified" })
      }).pipe(Effect.provide(sdk({ now: () => clock })))
  )

  it.effect("404 for an unknown identification or a verification of another one", () =>
    Effect.gen(function* () {
      const user = yield* Users.create({})
      const a = yield* EmailAddresses.create({ user_id: user.id, email_address: "a@example.com" })
      const b = yield* EmailAddresses.create({ user_id: user.id, email_address: "b@example.com" })
      const ofA = yield* EmailAddresses.prepareVerification(a.id!)
      expect(yield* failure(EmailAddresses.prepareVerification("idn_missing"))).toMatchObject({
        tag: "NotFound",
        code: "resource_not_found"
      })
      expect(
        yield* failure(EmailAddresses.attemptVerification(b.id!, { verification_id: ofA.id!, code: "123456" }))
      ).toMatchObject({ tag: "NotFound", code: "resource_not_found" })
      expect(
        yield* failure(PhoneNumbers.attemptVerification(a.id!, { verification_id: ofA.id!, code: "123456" }))
      ).toMatchObject({ tag: "NotFound" })
    }).pipe(Effect.provide(sdk()))
  )
})
