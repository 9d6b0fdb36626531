import * as HttpApp from "@effect/platform/HttpApp"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { createHmac } from "node:crypto"
import { Webhook as SvixWebhook } from "svix"
import type * as WebhookEvents from "../src/generated/WebhookEvents.js"
import * as WebhookEventsModule from "../src/generated/WebhookEvents.js"
import * as Webhook from "../src/Webhook.js"

// Real time: standardwebhooks (and Svix) read Date.now, so these tests run on the live clock.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const OTHER = "whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXk="
const svix = new SvixWebhook(SECRET)

// Deliberately not in JSON.stringify's layout, so that re-serializing changes the bytes.
const body = `{"data": {"deleted": true, "id": "org_1", "object": "organization"}, "object": "event", "type": "organization.deleted", "timestamp": 1716883200, "instance_id": "ins_1"}`

const signed = (payload: string, options: { id?: string; at?: Date; secret?: string } = {}) => {
  const id = options.id ?? "msg_2abc"
  const at = options.at ?? new Date()
  const signer = options.secret ? new SvixWebhook(options.secret) : svix
  return {
    "svix-id": id,
    "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
    "svix-signature": signer.sign(id, at, payload)
  }
}

const verifier = Effect.runSync(Webhook.make({ secret: Redacted.make(SECRET) }))
const bytes = (text: string) => new TextEncoder().encode(text)

const rejects = (payload: string | Uint8Array, headers: Record<string, string | undefined>, reason: string) =>
  Effect.gen(function* () {
    const error = yield* Effect.flip(verifier.verify(payload, headers))
    expect(error._tag).toBe("WebhookVerificationError")
    expect(error.reason).toBe(reason)
    expect(error.message).not.toContain(SECRET.slice(6))
  })

describe("Webhook.verify: signed by the svix package", () => {
  it.live("a valid delivery decodes to its typed event, with the delivery id and time", () =>
    Effect.gen(function* () {
      const at = new Date()
      const verified = yield* verifier.verify(bytes(body), signed(body, { at }))
      expect(verified.id).toBe("msg_2abc")
      expect(verified.timestamp.getTime()).toBe(Math.floor(at.getTime() / 1000) * 1000)
      const event = verified.event
      expect(event.type).toBe("organization.deleted")
      if (event.type !== "organization.deleted") return
      expect(event.data).toEqual({ deleted: true, id: "org_1", object: "organization" })
      expect(event.instance_id).toBe("ins_1")
    })
  )

  it.live("Standard Webhooks header names (webhook-*) work too, and header names are case-insensitive", () =>
    Effect.gen(function* () {
      const h = signed(body)
      const verified = yield* verifier.verify(body, {
        "Webhook-Id": h["svix-id"],
        "WEBHOOK-TIMESTAMP": h["svix-timestamp"],
        "webhook-signature": h["svix-signature"]
      })
      expect(verified.event.type).toBe("organization.deleted")
    })
  )

  it.live("the signature is HMAC-SHA256 over id.timestamp.body (checked with node:crypto, not the library)", () =>
    Effect.gen(function* () {
      const timestamp = String(Math.floor(Date.now() / 1000))
      const key = Buffer.from(SECRET.slice("whsec_".length), "base64")
      const mac = createHmac("sha256", key).update(`msg_x.${timestamp}.${body}`).digest("base64")
      const verified = yield* verifier.verify(body, {
        "svix-id": "msg_x",
        "svix-timestamp": timestamp,
        "svix-signature": `v1,${mac}`
      })
      expect(verified.id).toBe("msg_x")
    })
  )

  it.live("a tampered body, the same body re-serialized -> invalid-signature", () =>
    Effect.gen(function* () {
      const h = signed(body)
      yield* rejects(body.replace("org_1", "org_2"), h, "invalid-signature")
      yield* rejects(JSON.stringify(JSON.parse(body)), h, "invalid-signature")
      yield* rejects(`${body} `, h, "invalid-signature")
    })
  )

  it.live("timestamps more than 5 minutes old or ahead -> too-old / too-new; within, accepted", () =>
    Effect.gen(function* () {
      const now = Date.now()
      yield* rejects(body, signed(body, { at: new Date(now - 6 * 60_000) }), "timestamp-too-old")
      yield* rejects(body, signed(body, { at: new Date(now + 6 * 60_000) }), "timestamp-too-new")
      expect((yield* verifier.verify(body, signed(body, { at: new Date(now - 4 * 60_000) }))).id).toBe("msg_2abc")
      expect((yield* verifier.verify(body, signed(body, { at: new Date(now + 4 * 60_000) }))).id).toBe("msg_2abc")
      yield* rejects(body, { ...signed(body), "svix-timestamp": "soon" }, "invalid-timestamp")
      yield* rejects(body, { ...signed(body), "svix-timestamp": "1e10" }, "invalid-timestamp")
    })
  )

  it.effect("tolerance means what it says, both ways: 1, 5 and 10 minutes against ±4, ±6 and ±9 minutes", () =>
    Effect.gen(function* () {
      // The window is read from Effect's Clock (TestClock here), not from Date.now.
      const now = Date.UTC(2026, 10, 29, 10, 0, 0)
      yield* TestClock.setTime(now)
      for (const tolerance of [1, 5, 10]) {
        const within = yield* Webhook.make({ secret: Redacted.make(SECRET), tolerance: Duration.minutes(tolerance) })
        for (const minutes of [-9, -6, -4, 4, 6, 9]) {
          const h = signed(body, { at: new Date(now + minutes * 60_000) })
          const outcome = yield* Effect.either(within.verify(body, h))
          const expected =
            Math.abs(minutes) <= tolerance ? "accepted" : minutes < 0 ? "timestamp-too-old" : "timestamp-too-new"
          expect([tolerance, minutes, outcome._tag === "Right" ? "accepted" : outcome.left.reason]).toEqual([
            tolerance,
            minutes,
            expected
          ])
        }
      }
    })
  )

  it.live("on the live clock too: tolerance 10 minutes accepts a delivery 6 minutes old or ahead", () =>
    Effect.gen(function* () {
      const wide = yield* Webhook.make({ secret: Redacted.make(SECRET), tolerance: "10 minutes" })
      for (const minutes of [-6, 6]) {
        const verified = yield* wide.verify(body, signed(body, { at: new Date(Date.now() + minutes * 60_000) }))
        expect(verified.id).toBe("msg_2abc")
      }
    })
  )

  it.live("a wrong secret -> invalid-signature", () =>
    rejects(body, signed(body, { secret: OTHER }), "invalid-signature")
  )

  it.live("missing headers -> missing-headers, naming them", () =>
    Effect.gen(function* () {
      const h = signed(body)
      for (const name of ["svix-id", "svix-timestamp", "svix-signature"] as const) {
        const { [name]: _, ...rest } = h
        const error = yield* Effect.flip(verifier.verify(body, rest))
        expect(error.reason).toBe("missing-headers")
        expect(error.message).toContain(name)
      }
      yield* rejects(body, { ...h, "svix-signature": "  " }, "missing-headers")
      yield* rejects(body, {}, "missing-headers")
    })
  )

  it.live("several signatures in one header, one valid -> accepted; none valid -> rejected", () =>
    Effect.gen(function* () {
      const h = signed(body)
      const other = signed(body, { secret: OTHER })["svix-signature"]
      const several = { ...h, "svix-signature": `${other} v1,AAAA ${h["svix-signature"]}` }
      expect((yield* verifier.verify(body, several)).id).toBe("msg_2abc")
      yield* rejects(body, { ...h, "svix-signature": `${other} v1,AAAA` }, "invalid-signature")
    })
  )

  it.live("secret rotation: a verifier with the old and the new secret accepts both", () =>
    Effect.gen(function* () {
      const both = yield* Webhook.make({ secret: [Redacted.make(OTHER), Redacted.make(SECRET)] })
      expect((yield* both.verify(body, signed(body))).id).toBe("msg_2abc")
      expect((yield* both.verify(body, signed(body, { secret: OTHER }))).id).toBe("msg_2abc")
    })
  )

  it.live("a malformed base64 signature, an unknown version -> invalid-signature", () =>
    Effect.gen(function* () {
      const h = signed(body)
      yield* rejects(body, { ...h, "svix-signature": "v1,!!!not*base64" }, "invalid-signature")
      yield* rejects(body, { ...h, "svix-signature": h["svix-signature"].replace("v1,", "v2,") }, "invalid-signature")
      yield* rejects(body, { ...h, "svix-signature": h["svix-signature"].replace("v1,", "") }, "invalid-signature")
    })
  )

  it.live("a replayed delivery (same id, within the tolerance) verifies again: dedupe on the id", () =>
    Effect.gen(function* () {
      const h = signed(body)
      const first = yield* verifier.verify(body, h)
      const replay = yield* verifier.verify(body, h)
      expect(replay.id).toBe(first.id)
    })
  )

  it.live("signed bodies that are not UTF-8 JSON, or a known type of the wrong shape, are rejected", () =>
    Effect.gen(function* () {
      const notJson = "not json"
      yield* rejects(notJson, signed(notJson), "invalid-body")
      const wrongShape = body.replace(`"deleted": true`, `"deleted": "yes"`)
      yield* rejects(wrongShape, signed(wrongShape), "invalid-event")
      // the message names the first failing path and what was expected, not the 45 event types,
      // nor the value found there (payloads carry personal data)
      const error = yield* Effect.flip(verifier.verify(wrongShape, signed(wrongShape)))
      expect(error.message).toBe(
        `the "organization.deleted" event does not have its type's shape: at data.deleted: expected boolean`
      )
      const latin1 = new Uint8Array([0x7b, 0xff, 0x7d])
      yield* rejects(latin1, signed("{\ufffd}"), "invalid-body")
    })
  )

  it.live("an event type this version does not know -> UnknownEvent keeping the raw payload", () =>
    Effect.gen(function* () {
      const future = `{"type":"agent.created","object":"event","data":{"id":"agt_1"},"timestamp":1,"instance_id":"ins_1"}`
      const { event } = yield* verifier.verify(future, signed(future))
      expect(event.type).toBe("unknown")
      if (event.type !== "unknown") return
      expect(event.eventType).toBe("agent.created")
      expect(event.payload).toEqual(JSON.parse(future))
    })
  )

  it.live("makeConfig reads CLERK_WEBHOOK_SIGNING_SECRET", () =>
    Effect.gen(function* () {
      const fromEnv = yield* Webhook.makeConfig().pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["CLERK_WEBHOOK_SIGNING_SECRET", SECRET]])))
      )
      expect((yield* fromEnv.verify(body, signed(body))).id).toBe("msg_2abc")
      const missing = yield* Effect.flip(
        Webhook.makeConfig().pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map())))
      )
      expect(String(missing)).toContain("CLERK_WEBHOOK_SIGNING_SECRET")
    })
  )

  it.effect("a secret that is not whsec_ base64 -> InvalidSecret, without echoing it", () =>
    Effect.gen(function* () {
      for (const secret of ["sk_test_abc", "whsec_", "whsec_***"]) {
        const error = yield* Effect.flip(Webhook.make({ secret: Redacted.make(secret) }))
        expect(error._tag).toBe("InvalidSecret")
        expect(error.message).toBe("the webhook signing secret is not a whsec_ secret")
      }
      expect((yield* Effect.flip(Webhook.make({ secret: [] })))._tag).toBe("InvalidSecret")
    })
  )
})

describe("Webhook.handler", () => {
  const seen: Array<string> = []
  const handlers: Webhook.Handlers<Error, never> = {
    "organization.deleted": (event, delivery) =>
      Effect.sync(() => seen.push(`${event.type}:${event.data.id}:${delivery.id}`)),
    "user.created": () => Effect.fail(new Error("database down")),
    orElse: (event) => Effect.sync(() => seen.push(`else:${event.type}`))
  }
  const web = HttpApp.toWebHandler(Effect.runSync(Webhook.handler({ secret: Redacted.make(SECRET) }, handlers)))

  const post = (payload: string, headers: Record<string, string>) =>
    Effect.promise(async () => {
      const response = await web(
        new Request("http://127.0.0.1/webhooks/clerk", { method: "POST", body: payload, headers })
      )
      return { status: response.status, text: await response.text() }
    })

  it.live("204 after the event's handler ran; orElse for the others", () =>
    Effect.gen(function* () {
      seen.length = 0
      expect((yield* post(body, signed(body))).status).toBe(204)
      const role = `{"type":"role.deleted","object":"event","data":{"object":"role","deleted":true},"timestamp":1,"instance_id":"i"}`
      expect((yield* post(role, signed(role, { id: "msg_2" }))).status).toBe(204)
      expect(seen).toEqual(["organization.deleted:org_1:msg_2abc", "else:role.deleted"])
    })
  )

  it.live("400 with the reason when verification fails; the handler does not run", () =>
    Effect.gen(function* () {
      seen.length = 0
      const response = yield* post(body, signed(body, { secret: OTHER }))
      expect(response).toEqual({ status: 400, text: JSON.stringify({ error: "invalid-signature" }) })
      expect(yield* post(body, {})).toEqual({ status: 400, text: JSON.stringify({ error: "missing-headers" }) })
      expect(seen).toEqual([])
    })
  )

  it.live("a body over 1 MiB is refused with 413 before verification (declared or not)", () =>
    Effect.gen(function* () {
      const big = `{"pad":"${"x".repeat(1024 * 1024)}"}`
      const tooLarge = { status: 413, text: JSON.stringify({ error: "body-too-large" }) }
      expect(yield* post(big, signed(big))).toEqual(tooLarge)
      expect(yield* post(body, { ...signed(body), "content-length": String(2 * 1024 * 1024) })).toEqual(tooLarge)
    })
  )

  it.live("a signed event that does not decode reaches orElse as an undecodable event, answered 204", () =>
    Effect.gen(function* () {
      seen.length = 0
      const user = body.replace("organization.deleted", "user.created")
      expect(yield* post(user, signed(user, { id: "msg_undecodable" }))).toEqual({ status: 204, text: "" })
      expect(seen).toEqual(["else:undecodable"])
    })
  )

  it("without orElse every event type must have a handler, and undecodable too (checked by the compiler)", () => {
    const incomplete = {
      "organization.deleted": () => Effect.void
    }
    // @ts-expect-error: 44 event types, `unknown` and `undecodable` are missing
    const handlers: Webhook.Handlers<never, never> = incomplete
    expect(handlers).toBe(incomplete)
    const all = Object.fromEntries([...WebhookEventsModule.eventTypes, "unknown"].map((t) => [t, () => Effect.void]))
    // @ts-expect-error: `undecodable` is missing
    const withoutUndecodable: Webhook.Handlers<never, never> = all
    expect(withoutUndecodable).toBe(all)
  })

  it.live("a handler failure answers 500, so that Svix retries", () =>
    Effect.gen(function* () {
      const failing = HttpApp.toWebHandler(
        yield* Webhook.handler(
          { secret: Redacted.make(SECRET) },
          { orElse: () => Effect.fail("boom"), unknown: () => Effect.void }
        )
      )
      const response = yield* Effect.promise(() =>
        failing(new Request("http://127.0.0.1/", { method: "POST", body, headers: signed(body) }))
      )
      expect(response.status).toBe(500)
      expect(yield* Effect.promise(() => response.text())).toBe(JSON.stringify({ error: "handler-failed" }))
    })
  )
})

// The type of a handler's event is the event's own type.
export const typed: (event: WebhookEvents.OrganizationDeletedEvent) => boolean = (event) => event.data.deleted
