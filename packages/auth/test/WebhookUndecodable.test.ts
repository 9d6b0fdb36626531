/**
 * A delivery with a valid signature always reaches the application (issue 14, point 4): an event
 * that does not decode goes to `undecodable`, else to `orElse`, with its type, raw payload and issue.
 */
import * as HttpApp from "@effect/platform/HttpApp"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { Webhook as SvixWebhook } from "svix"
import * as Webhook from "../src/Webhook.js"

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const svix = new SvixWebhook(SECRET)
const signed = (payload: string, id: string) => {
  const at = new Date()
  return {
    "svix-id": id,
    "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
    "svix-signature": svix.sign(id, at, payload)
  }
}

// Clerk's documented user.created example (its webhooks docs, 2022): no has_image, no timestamp or
// instance_id at the top; Clerk's SDK (verifyWebhook) accepts it.
const userCreated2022 = JSON.stringify({
  data: {
    birthday: "",
    created_at: 1654012591514,
    email_addresses: [
      {
        email_address: "example@example.org",
        id: "idn_29w83yL7CwVlJXylYLxcslromF1",
        linked_to: [],
        object: "email_address",
        verification: { status: "verified", strategy: "ticket" }
      }
    ],
    external_accounts: [],
    external_id: "567772",
    first_name: "Example",
    gender: "",
    id: "user_29w83sxmDNGwOuEthce5gg56FcC",
    image_url: "https://img.clerk.com/xxxxxx",
    last_name: "Example",
    last_sign_in_at: 1654012591514,
    object: "user",
    password_enabled: true,
    phone_numbers: [],
    primary_email_address_id: "idn_29w83yL7CwVlJXylYLxcslromF1",
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    private_metadata: {},
    profile_image_url: "https://www.gravatar.com/avatar?d=mp",
    public_metadata: {},
    two_factor_enabled: false,
    unsafe_metadata: {},
    updated_at: 1654012591835,
    username: null,
    web3_wallets: []
  },
  object: "event",
  type: "user.created"
})

const post = (app: HttpApp.Default, payload: string, headers: Record<string, string>) =>
  Effect.promise(async () => {
    const response = await HttpApp.toWebHandler(app)(
      new Request("http://127.0.0.1/webhooks/clerk", { method: "POST", body: payload, headers })
    )
    return { status: response.status, text: await response.text() }
  })

describe("Webhook.handler: a signed delivery is never lost", () => {
  it.live("Clerk's 2022 user.created example goes to undecodable with its type, payload and issue: 204", () =>
    Effect.gen(function* () {
      const received: Array<{ event: Webhook.UndecodableEvent; id: string }> = []
      const typed: Array<string> = []
      const app = yield* Webhook.handler(
        { secret: Redacted.make(SECRET) },
        {
          "user.created": (event) => Effect.sync(() => typed.push(event.data.id)),
          undecodable: (event, delivery) => Effect.sync(() => received.push({ event, id: delivery.id })),
          orElse: () => Effect.die("orElse must not run when undecodable is given")
        }
      )
      const response = yield* post(app, userCreated2022, signed(userCreated2022, "msg_2022"))
      expect(response).toEqual({ status: 204, text: "" })
      expect(typed).toEqual([])
      expect(received).toHaveLength(1)
      const [{ event, id }] = received as [{ event: Webhook.UndecodableEvent; id: string }]
      expect(id).toBe("msg_2022")
      expect(event.type).toBe("undecodable")
      expect(event.eventType).toBe("user.created")
      expect(event.payload).toEqual(JSON.parse(userCreated2022))
      expect(event.issue._tag).toBeDefined()
      // one path and what was expected there
      expect(event.message).toMatch(/^at [\w.]+: (missing \(expected .+\)|expected .+)$/)
      expect(event.message).not.toContain("EmailCreatedEvent")
    })
  )

  it.live("without undecodable, orElse receives it in that form; a failing handler answers 500", () =>
    Effect.gen(function* () {
      const received: Array<Webhook.SignedEvent["event"]> = []
      const app = yield* Webhook.handler(
        { secret: Redacted.make(SECRET) },
        { orElse: (event) => Effect.sync(() => received.push(event)) }
      )
      expect((yield* post(app, userCreated2022, signed(userCreated2022, "msg_a"))).status).toBe(204)
      expect(received.map((e) => [e.type, e.type === "undecodable" ? e.eventType : undefined])).toEqual([
        ["undecodable", "user.created"]
      ])
      const failing = yield* Webhook.handler(
        { secret: Redacted.make(SECRET) },
        { undecodable: () => Effect.fail("database down"), orElse: () => Effect.void }
      )
      expect(yield* post(failing, userCreated2022, signed(userCreated2022, "msg_b"))).toEqual({
        status: 500,
        text: JSON.stringify({ error: "handler-failed" })
      })
    })
  )

  it.live("a signed body that is not JSON reaches undecodable with its raw text; only header failures are 400", () =>
    Effect.gen(function* () {
      const received: Array<Webhook.UndecodableEvent> = []
      const app = yield* Webhook.handler(
        { secret: Redacted.make(SECRET) },
        { undecodable: (event) => Effect.sync(() => received.push(event)), orElse: () => Effect.void }
      )
      expect((yield* post(app, "not json", signed("not json", "msg_text"))).status).toBe(204)
      expect(received.map((e) => [e.eventType, e.payload])).toEqual([[undefined, "not json"]])
      // a JSON value that is not an event object
      expect((yield* post(app, "[1,2]", signed("[1,2]", "msg_array"))).status).toBe(204)
      expect(received[1]?.payload).toEqual([1, 2])
      // unsigned, the same bodies are refused and reach nothing
      const h = signed("not json", "msg_unsigned")
      expect(yield* post(app, "not json", { ...h, "svix-signature": "v1,AAAA" })).toEqual({
        status: 400,
        text: JSON.stringify({ error: "invalid-signature" })
      })
      expect(received).toHaveLength(2)
    })
  )

  it.live("Webhook.make's strict verify still refuses it, naming the first failing path", () =>
    Effect.gen(function* () {
      const verifier = yield* Webhook.make({ secret: Redacted.make(SECRET) })
      const error = yield* Effect.flip(verifier.verify(userCreated2022, signed(userCreated2022, "msg_strict")))
      expect(error.reason).toBe("invalid-event")
      expect(error.message).toMatch(/^the "user\.created" event does not have its type's shape: at [\w.]+: /)
      const signedEvent = yield* verifier.verifySigned(userCreated2022, signed(userCreated2022, "msg_strict"))
      expect(signedEvent.event.type).toBe("undecodable")
    })
  )
})
