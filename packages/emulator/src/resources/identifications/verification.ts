/**
 * One-time codes for an email address or a phone number, sent and checked through the Backend API
 * (spec `PrepareEmailAddressVerification`, `AttemptEmailAddressVerification` and the phone number
 * pair): a backend-driven flow that never creates a session.
 *
 * - Preparing makes a `verification_otp` (`email_code` or `phone_code`, `unverified`, 0 attempts,
 *   expiring in 10 minutes: the spec documents `expire_at`, not the lifetime) and "sends" its
 *   6-digit code the way Clerk reports a message: an `email.created` or `sms.created` webhook event
 *   whose `data.otp_code` is the code (as in the spec's `email.created` example). A test reads it
 *   there (`emulator.webhooks.events()`, the control API's webhook record).
 * - Clerk's test identifiers get Clerk's test code `424242`: an email address with a `+clerk_test`
 *   subaddress, a phone number +1 (XXX) 555-0100 to 555-0199 (Clerk docs, "Test emails and phones",
 *   https://clerk.com/docs/guides/development/testing/test-emails-and-phones).
 * - Attempting answers the verification, "an incorrect or expired code is reported through the
 *   status, not as an error" (spec): `verified`, `failed` for a wrong code (another attempt may
 *   follow), `expired` after `expire_at`; each attempt counts. A correct code also verifies the
 *   identification when it is not verified yet. A verification already verified is a 400
 *   `verification_already_verified`; a verification id that is not one of this identification's a
 *   404.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import { randomInt } from "node:crypto"
import * as ApiError from "../../ApiError.js"
import type * as Resource from "../../Resource.js"
import * as Store from "../../Store.js"
import * as Shared from "./shared.js"

/**
 * A prepared verification and its code (never answered).
 *
 * @since 0.2.0
 * @category models
 */
export interface VerificationRecord {
  readonly id: string
  readonly identificationId: string
  readonly code: string
  readonly strategy: "email_code" | "phone_code"
  readonly status: "unverified" | "verified" | "failed" | "expired"
  readonly attempts: number
  readonly expireAt: number
}

/**
 * The prepared verifications, by id.
 *
 * @since 0.2.0
 * @category tables
 */
export const verifications: Store.Table<VerificationRecord> =
  Store.table<VerificationRecord>("identification_verifications")

/**
 * Clerk's code for test identifiers in test mode.
 *
 * @since 0.2.0
 * @category constants
 */
export const TEST_CODE = "424242"

const LIFETIME_MS = 10 * 60 * 1000
const TEST_PHONE = /^\+1\d{3}55501\d{2}$/

const isTestIdentifier = (value: string): boolean => /\+clerk_test@/i.test(value) || TEST_PHONE.test(value)

// the verification as an identification carries it (`verification_otp`) ...
const otp = (record: VerificationRecord) => ({
  object: "verification_otp" as const,
  status: record.status,
  strategy: record.strategy,
  attempts: record.attempts,
  expire_at: record.expireAt,
  ...(record.strategy === "phone_code" ? { channel: "sms" } : {})
})

// ... and as prepare/attempt answer it, with the id to attempt
const json = (record: VerificationRecord) => ({ ...otp(record), id: record.id })

const send = (
  emulator: Resource.EmulatorContext,
  found: Shared.Found<Shared.Kind>,
  address: string,
  code: string
): void => {
  const user_id = found.user.json.id
  if (found.item.object === "email_address") {
    const subject = `${code} is your verification code`
    emulator.emit("email.created", {
      object: "email",
      id: emulator.generateId("ema_"),
      slug: "verification_code",
      from_email_name: "notifications",
      to_email_address: address,
      email_address_id: found.item.id,
      user_id,
      subject,
      body: subject,
      body_plain: subject,
      status: "queued",
      data: { otp_code: code },
      delivered_by_clerk: true
    })
  } else {
    emulator.emit("sms.created", {
      object: "sms_message",
      id: emulator.generateId("sms_"),
      slug: "verification_code",
      from_phone_number: "+15555550100",
      to_phone_number: address,
      phone_number_id: found.item.id,
      user_id,
      message: `Your verification code is ${code}`,
      status: "queued",
      data: { otp_code: code },
      delivered_by_clerk: true,
      created_at_ms: emulator.now()
    })
  }
}

const addressOf = (item: Shared.Item<Shared.Kind>): string =>
  "email_address" in item ? item.email_address : item.phone_number

/**
 * Prepares a verification of the identification `id` and sends its code.
 *
 * @since 0.2.0
 * @category operations
 */
export const prepare = (emulator: Resource.EmulatorContext, kind: Shared.Kind, id: string) =>
  Effect.map(Shared.find<Shared.Kind>(emulator, kind, id), (found) => {
    const address = addressOf(found.item)
    const record: VerificationRecord = {
      id: emulator.generateId("ver_"),
      identificationId: id,
      code: isTestIdentifier(address) ? TEST_CODE : String(randomInt(0, 1_000_000)).padStart(6, "0"),
      strategy: kind === "email_addresses" ? "email_code" : "phone_code",
      status: "unverified",
      attempts: 0,
      expireAt: emulator.now() + LIFETIME_MS
    }
    emulator.store.get(verifications).set(record.id, record)
    send(emulator, found, address, record.code)
    return json(record)
  })

/**
 * Checks `code` against the verification `verificationId` of the identification `id`.
 *
 * @since 0.2.0
 * @category operations
 */
export const attempt = <K extends Shared.Kind>(
  emulator: Resource.EmulatorContext,
  kind: K,
  id: string,
  body: { readonly verification_id: string; readonly code: string }
) =>
  Effect.gen(function* () {
    const found = yield* Shared.find(emulator, kind, id)
    const table = emulator.store.get(verifications)
    const record = table.get(body.verification_id)
    if (record === undefined || record.identificationId !== id) {
      return yield* ApiError.notFound(`No verification was found with id ${body.verification_id}.`)
    }
    if (record.status === "verified") {
      return yield* ApiError.make(400, {
        message: "already verified",
        long_message: "This verification has already been verified.",
        code: "verification_already_verified",
        meta: { param_name: "verification_id" }
      })
    }
    const attempts = record.attempts + 1
    const status = emulator.now() > record.expireAt ? "expired" : body.code === record.code ? "verified" : "failed"
    const next: VerificationRecord = { ...record, attempts, status }
    table.set(record.id, next)
    if (status === "verified" && found.item.verification?.status !== "verified") {
      const verification = otp(next)
      const items = (found.user.json[kind] as ReadonlyArray<Shared.Item<K>>).map((i): Shared.Item<K> =>
        i.id === id ? { ...i, verification, updated_at: emulator.now() } : i
      )
      Shared.write(emulator, found.user, kind, items)
    }
    return json(next)
  })
