/**
 * De-duplication on `svix-id` (issue 14, point 5), with the default in-memory store, on the
 * TestClock: the handler runs in the test's fiber (the request is built with `fromWeb`).
 */
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { Webhook as SvixWebhook } from "svix"
import * as Webhook from "../src/Webhook.js"
import * as WebhookDeduplication from "../src/WebhookDeduplication.js"
import { NOW } from "./helpers.js"

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const svix = new SvixWebhook(SECRET)
const body = `{"data":{"deleted":true,"id":"org_1","object":"organization"},"object":"event","type":"organization.deleted","timestamp":1716883200,"instance_id":"ins_1"}`

/** Signed now (on the TestClock, which the handler reads). */
const signed = (id: string) =>
  Effect.map(TestClock.currentTimeMillis, (now) => ({
    "svix-id": id,
    "svix-timestamp": String(Math.floor(now / 1000)),
    "svix-signature": svix.sign(id, new Date(now), body)
  }))

const post = <R>(app: HttpApp.Default<never, R | HttpServerRequest.HttpServerRequest>, id: string) =>
  Effect.gen(function* () {
    const request = new Request("http://127.0.0.1/webhooks/clerk", {
      method: "POST",
      body,
      headers: yield* signed(id)
    })
    const response = yield* Effect.provideService(
      app,
      HttpServerRequest.HttpServerRequest,
      HttpServerRequest.fromWeb(request)
    )
    const web = HttpServerResponse.toWeb(response)
    return { status: web.status, text: yield* Effect.promise(() => web.text()) }
  })

/** The messages logged, with their webhookId annotation. */
const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ annotations, message }) => {
    const id = [...annotations].find(([key]) => key === "webhookId")?.[1]
    lines.push(`${String(Array.isArray(message) ? message[0] : message)} [${String(id)}]`)
  })
  return { lines, layer: Logger.replace(Logger.defaultLogger, logger) }
}

describe("Webhook.handler: de-duplication on svix-id (in memory, on by default)", () => {
  it.effect("a second delivery of a handled id answers 204 without running the handler, and is logged", () => {
    const logs = captureLogs()
    return Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      let runs = 0
      const app = yield* Webhook.handler({ secret: Redacted.make(SECRET) }, { orElse: () => Effect.sync(() => runs++) })
      expect(yield* post(app, "msg_1")).toEqual({ status: 204, text: "" })
      expect(yield* post(app, "msg_1")).toEqual({ status: 204, text: "" })
      yield* TestClock.adjust("4 minutes") // a replay within the tolerance
      expect(yield* post(app, "msg_1")).toEqual({ status: 204, text: "" })
      expect(runs).toBe(1)
      expect(logs.lines.filter((line) => line.includes("duplicate"))).toEqual([
        "Clerk webhook duplicate skipped: already handled [msg_1]",
        "Clerk webhook duplicate skipped: already handled [msg_1]"
      ])
      expect(yield* post(app, "msg_2")).toEqual({ status: 204, text: "" })
      expect(runs).toBe(2)
    }).pipe(Effect.provide(logs.layer))
  })

  it.effect("of concurrent duplicates exactly one runs the handler; the others get 409 while it runs", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      let runs = 0
      const gate = yield* Deferred.make<void>()
      const app = yield* Webhook.handler(
        { secret: Redacted.make(SECRET) },
        {
          orElse: () =>
            Effect.zipRight(
              Effect.sync(() => runs++),
              Deferred.await(gate)
            )
        }
      )
      const first = yield* Effect.fork(post(app, "msg_c"))
      const others = yield* Effect.all(
        Array.from({ length: 20 }, () => post(app, "msg_c")),
        {
          concurrency: "unbounded"
        }
      )
      for (const answer of others) {
        expect(answer).toEqual({ status: 409, text: JSON.stringify({ error: "delivery-in-progress" }) })
      }
      yield* Deferred.succeed(gate, undefined)
      expect(yield* Fiber.join(first)).toEqual({ status: 204, text: "" })
      expect(yield* post(app, "msg_c")).toEqual({ status: 204, text: "" })
      expect(runs).toBe(1)
    })
  )

  it.effect("a failed handler does not mark its id handled: the retry runs it again", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      let runs = 0
      const app = yield* Webhook.handler(
        { secret: Redacted.make(SECRET) },
        { orElse: () => Effect.suspend(() => (++runs === 1 ? Effect.fail("database down") : Effect.void)) }
      )
      expect((yield* post(app, "msg_f")).status).toBe(500)
      expect((yield* post(app, "msg_f")).status).toBe(204)
      expect((yield* post(app, "msg_f")).status).toBe(204)
      expect(runs).toBe(2)
    })
  )

  it.effect("a handled id is remembered for ttl, and never for less than twice the tolerance", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      let runs = 0
      const app = yield* Webhook.handler(
        { secret: Redacted.make(SECRET), tolerance: "5 minutes", deduplication: { ttl: "1 second" } },
        { orElse: () => Effect.sync(() => runs++) }
      )
      yield* post(app, "msg_t")
      yield* TestClock.adjust("9 minutes")
      yield* post(app, "msg_t")
      expect(runs).toBe(1)
      yield* TestClock.adjust("2 minutes")
      yield* post(app, "msg_t")
      expect(runs).toBe(2)
    })
  )

  it.effect("deduplication: false runs the handler for every delivery", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      let runs = 0
      const app = yield* Webhook.handler(
        { secret: Redacted.make(SECRET), deduplication: false },
        { orElse: () => Effect.sync(() => runs++) }
      )
      yield* post(app, "msg_d")
      yield* post(app, "msg_d")
      expect(runs).toBe(2)
    })
  )

  it.effect("handlers sharing a Store from the context share the ids (several endpoints, one process)", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      let runs = 0
      const make = Webhook.handler({ secret: Redacted.make(SECRET) }, { orElse: () => Effect.sync(() => runs++) })
      const [a, b] = yield* Effect.all([make, make])
      yield* post(a, "msg_s")
      expect(yield* post(b, "msg_s")).toEqual({ status: 204, text: "" })
      expect(runs).toBe(1)
    }).pipe(Effect.provide(WebhookDeduplication.layerMemory()))
  )

  it.effect("a store that hangs or fails: 503 within its timeout, the handler does not run", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      let runs = 0
      const handlers = { orElse: () => Effect.sync(() => runs++) }
      const hanging = yield* Webhook.handler({ secret: Redacted.make(SECRET) }, handlers).pipe(
        Effect.provideService(WebhookDeduplication.Store, { claim: () => Effect.never })
      )
      const pending = yield* Effect.fork(post(hanging, "msg_h"))
      yield* TestClock.adjust("2 seconds")
      expect(yield* Fiber.join(pending)).toEqual({
        status: 503,
        text: JSON.stringify({ error: "deduplication-unavailable" })
      })
      const failing = yield* Webhook.handler({ secret: Redacted.make(SECRET) }, handlers).pipe(
        Effect.provideService(WebhookDeduplication.Store, {
          claim: () => Effect.fail(new WebhookDeduplication.DeduplicationError({ message: "down" }))
        })
      )
      expect((yield* post(failing, "msg_h")).status).toBe(503)
      expect(runs).toBe(0)
    })
  )
})

describe("WebhookDeduplication.makeMemory", () => {
  const options = { lease: Duration.seconds(30), ttl: Duration.minutes(10) }

  it.effect("a claim whose holder never settles frees its id after the lease", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const store = WebhookDeduplication.makeMemory()
      expect((yield* store.claim("msg_l", options))._tag).toBe("Claimed")
      expect((yield* store.claim("msg_l", options))._tag).toBe("InProgress")
      yield* TestClock.adjust("31 seconds")
      const again = yield* store.claim("msg_l", options)
      expect(again._tag).toBe("Claimed")
      if (again._tag === "Claimed") yield* again.complete
      expect((yield* store.claim("msg_l", options))._tag).toBe("Handled")
    })
  )

  it.effect("a holder whose lease ran out cannot release another's claim", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const store = WebhookDeduplication.makeMemory()
      const stale = yield* store.claim("msg_o", options)
      yield* TestClock.adjust("31 seconds")
      expect((yield* store.claim("msg_o", options))._tag).toBe("Claimed")
      if (stale._tag === "Claimed") yield* stale.release
      expect((yield* store.claim("msg_o", options))._tag).toBe("InProgress")
    })
  )

  it.effect("at most maxEntries ids are kept: expired ones go first, then the oldest", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(NOW)
      const store = WebhookDeduplication.makeMemory({ maxEntries: 3 })
      for (const id of ["a", "b", "c", "d"]) {
        const claim = yield* store.claim(id, options)
        if (claim._tag === "Claimed") yield* claim.complete
      }
      // "a" was dropped to make room for "d"
      expect((yield* store.claim("a", options))._tag).toBe("Claimed")
      expect((yield* store.claim("d", options))._tag).toBe("Handled")
    })
  )
})
