/**
 * Waitlist entries through @effect-clerk/backend: create (once per address), bulk, list (filters,
 * order), invite (an instance invitation; completed once accepted), reject, delete, and the 409
 * for an entry that is no longer pending.
 */
import { Invitations, Users, WaitlistEntries } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import * as Instance from "../src/resources/invitations/instance.js"
import { failure, sdk } from "./sdk.js"

let clock = 1_700_000_000_000

describe("WaitlistEntries", () => {
  it.effect("create once per address, bulk (all or nothing), list with query, status and order_by", () =>
    Effect.gen(function* () {
      clock = 1_700_000_000_000
      const ada = yield* WaitlistEntries.create({ email_address: "Ada@Example.com" })
      expect(ada).toEqual({
        object: "waitlist_entry",
        id: expect.stringMatching(/^wle_/),
        email_address: "ada@example.com",
        status: "pending",
        is_locked: false,
        invitation: null,
        created_at: clock,
        updated_at: clock
      })
      clock += 1000
      expect(yield* WaitlistEntries.create({ email_address: "ada@example.com", notify: false })).toEqual(ada)
      const bulk = yield* WaitlistEntries.bulkCreate([
        { email_address: "bob@example.com" },
        { email_address: "ada@example.com" },
        { email_address: "carol@example.com", notify: false }
      ])
      expect(bulk.map((e) => e.email_address)).toEqual(["bob@example.com", "ada@example.com", "carol@example.com"])
      expect(bulk[1]).toEqual(ada)

      // newest first by default (spec `ListWaitlistEntries`), the same instant newest created first
      const all = yield* WaitlistEntries.list()
      expect(all.total_count).toBe(3)
      expect(all.data.map((e) => e.email_address)).toEqual(["carol@example.com", "bob@example.com", "ada@example.com"])
      const byEmail = yield* WaitlistEntries.list({ order_by: "+email_address", limit: 2 })
      expect(byEmail).toMatchObject({ total_count: 3 })
      expect(byEmail.data.map((e) => e.email_address)).toEqual(["ada@example.com", "bob@example.com"])
      expect((yield* WaitlistEntries.list({ query: "bo" })).data.map((e) => e.id)).toEqual([bulk[0]!.id])
      expect((yield* WaitlistEntries.list({ query: ada.id })).data.map((e) => e.id)).toEqual([ada.id])
      expect(yield* failure(WaitlistEntries.list({ order_by: "name" }))).toMatchObject({
        code: "form_param_format_invalid",
        param: "order_by"
      })

      const emulator = yield* Emulator.Emulator
      const events = emulator.webhooks.events()
      expect(events.filter((e) => e.type === "waitlistEntry.created")).toHaveLength(3)
      // notify: the default sends a confirmation; notify: false does not
      const confirmations = events.filter(
        (e) => e.type === "email.created" && (e.data as { slug: string }).slug === "waitlist_confirmation"
      )
      expect(confirmations.map((e) => (e.data as { to_email_address: string }).to_email_address)).toEqual([
        "ada@example.com",
        "bob@example.com"
      ])

      expect(yield* failure(WaitlistEntries.create({ email_address: "nope" }))).toMatchObject({
        tag: "UnprocessableEntity",
        code: "form_param_format_invalid"
      })
      expect(
        yield* failure(
          WaitlistEntries.bulkCreate([{ email_address: "dan@example.com" }, { email_address: "DAN@example.com" }])
        )
      ).toMatchObject({ tag: "UnprocessableEntity", code: "form_param_value_invalid" })
      expect(
        yield* failure(WaitlistEntries.bulkCreate([{ email_address: "erin@example.com" }, { email_address: "x" }]))
      ).toMatchObject({ code: "form_param_format_invalid" })
      // all or nothing: erin was not kept
      expect((yield* WaitlistEntries.list()).total_count).toBe(3)
    }).pipe(Effect.provide(sdk({ now: () => clock })))
  )

  it.effect("invite makes an invitation (completed once accepted), reject, delete; 409 unless pending", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const ada = yield* WaitlistEntries.create({ email_address: "ada@example.com" })
      const bob = yield* WaitlistEntries.create({ email_address: "bob@example.com" })
      const carol = yield* WaitlistEntries.create({ email_address: "carol@example.com" })

      const invited = yield* WaitlistEntries.invite(ada.id, {})
      expect(invited).toMatchObject({
        status: "invited",
        invitation: { status: "pending", email_address: ada.email_address }
      })
      const invitations = yield* Invitations.list()
      expect(invitations.map((i) => i.id)).toEqual([invited.invitation!.id])
      const mail = emulator.webhooks
        .events()
        .filter((e) => e.type === "email.created")
        .at(-1)
      expect(mail?.data).toMatchObject({ slug: "waitlist_invitation", to_email_address: "ada@example.com" })

      Instance.accept(emulator, invited.invitation!.id)
      const completed = (yield* WaitlistEntries.list({ status: "completed" })).data
      expect(completed.map((e) => e.id)).toEqual([ada.id])
      expect(completed[0]!.invitation).toMatchObject({ status: "accepted" })

      expect(yield* WaitlistEntries.reject(bob.id)).toMatchObject({ status: "rejected", invitation: null })
      expect((yield* WaitlistEntries.list({ status: "rejected" })).data.map((e) => e.id)).toEqual([bob.id])
      for (const call of [
        failure(WaitlistEntries.invite(bob.id, {})),
        failure(WaitlistEntries.reject(bob.id)),
        failure(WaitlistEntries.delete(bob.id)),
        failure(WaitlistEntries.invite(ada.id, {}))
      ]) {
        expect(yield* call).toEqual({
          tag: "Conflict",
          code: "waitlist_entry_not_pending",
          param: "waitlist_entry_id"
        })
      }

      expect(yield* WaitlistEntries.delete(carol.id)).toEqual({ object: "waitlist_entry", id: carol.id, deleted: true })
      expect((yield* failure(WaitlistEntries.delete(carol.id))).tag).toBe("NotFound")
      expect((yield* failure(WaitlistEntries.invite("wle_missing", {}))).tag).toBe("NotFound")

      const updates = emulator.webhooks.events().filter((e) => e.type === "waitlistEntry.updated")
      expect(updates.map((e) => (e.data as { status: string }).status)).toEqual(["invited", "rejected"])
    }).pipe(Effect.provide(sdk()))
  )

  it.effect(
    "invite follows POST /invitations: a user or a pending invitation with the address, unless ignore_existing",
    () =>
      Effect.gen(function* () {
        yield* Users.create({ email_address: ["ada@example.com"] })
        const ada = yield* WaitlistEntries.create({ email_address: "ada@example.com" })
        expect(yield* failure(WaitlistEntries.invite(ada.id, {}))).toMatchObject({
          tag: "UnprocessableEntity",
          code: "form_identifier_exists"
        })
        expect((yield* WaitlistEntries.invite(ada.id, { ignore_existing: true })).status).toBe("invited")

        yield* Invitations.create({ email_address: "bob@example.com", notify: false })
        const bob = yield* WaitlistEntries.create({ email_address: "bob@example.com" })
        expect(yield* failure(WaitlistEntries.invite(bob.id, {}))).toMatchObject({
          tag: "BadRequest",
          code: "duplicate_record"
        })
        expect((yield* WaitlistEntries.list({ status: "pending" })).data.map((e) => e.id)).toEqual([bob.id])
      }).pipe(Effect.provide(sdk()))
  )
})
