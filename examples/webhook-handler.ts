/**
 * Receive Clerk webhooks in an Effect HttpRouter server:
 *
 * 1. serve `POST /webhooks/clerk` on 127.0.0.1 with `Webhook.handler`: it verifies the Svix
 *    signature over the raw body, decodes the typed event and runs the handler for its type;
 * 2. deliver events signed by the `svix` package, as Clerk (through Svix) signs them: a
 *    `user.deleted` (twice, as a Svix retry: the handler runs once), an event type this SDK does not
 *    know yet, a tampered body, a stale timestamp.
 *
 * Offline: the deliveries come from this process. The secret is `CLERK_WEBHOOK_SIGNING_SECRET` when
 * set (the endpoint's "Signing Secret" in Clerk's Dashboard), else a demo secret.
 *
 *   npx tsx examples/webhook-handler.ts
 */
import { Webhook } from "@effect-clerk/auth"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { createServer } from "node:http"
import { Webhook as Svix } from "svix"

const DEMO_SECRET = "whsec_ZWZmZWN0LWNsZXJrIHdlYmhvb2sgZXhhbXBsZQ=="

// One handler per event type you care about; `orElse` takes the rest (and, without `undecodable`,
// signed events that do not decode). Without `orElse`, the compiler requires a handler for each of
// the 45 event types, `unknown` and `undecodable`.
const handlers: Webhook.Handlers<never, never> = {
  "user.deleted": (event, delivery) => Console.log(`  handled user.deleted ${event.data.id} (delivery ${delivery.id})`),
  "user.created": (event) => Console.log(`  handled user.created ${event.data.id}`),
  unknown: (event) => Console.log(`  kept an event of a type added later: ${event.eventType}`),
  orElse: (event) => Console.log(`  ignored ${event.type}`)
}

const deliver = (base: string, secret: string, options: { type: string; id: string; tamper?: boolean; age?: number }) =>
  Effect.promise(async () => {
    const body = JSON.stringify({
      data: { deleted: true, id: "user_2example", object: "user" },
      event_attributes: { http_request: { client_ip: "203.0.113.7", user_agent: "example" } },
      instance_id: "ins_example",
      object: "event",
      timestamp: Date.now(),
      type: options.type
    })
    const at = new Date(Date.now() - (options.age ?? 0) * 1000)
    const headers = {
      "content-type": "application/json",
      "svix-id": options.id,
      "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
      // signed by the svix package, not by this SDK
      "svix-signature": new Svix(secret).sign(options.id, at, body)
    }
    const response = await fetch(`${base}/webhooks/clerk`, {
      method: "POST",
      headers,
      body: options.tamper ? body.replace("user_2example", "user_2attacker") : body
    })
    const text = await response.text()
    return `${response.status}${text ? ` ${text}` : ""}`
  })

const program = Effect.gen(function* () {
  const secret = yield* Config.redacted("CLERK_WEBHOOK_SIGNING_SECRET").pipe(
    Config.withDefault(Redacted.make(DEMO_SECRET))
  )
  const webhook = yield* Webhook.handler({ secret }, handlers)
  const server = HttpRouter.empty.pipe(
    HttpRouter.post("/webhooks/clerk", webhook),
    HttpServer.serve(),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
  )

  yield* Effect.gen(function* () {
    const address = (yield* HttpServer.HttpServer).address
    if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("expected a TCP address")
    const base = `http://127.0.0.1:${address.port}`
    yield* Console.log(`receiving webhooks on ${base}/webhooks/clerk`)
    const signing = Redacted.value(secret)
    yield* Console.log("user.deleted:")
    yield* Console.log(`  -> ${yield* deliver(base, signing, { type: "user.deleted", id: "msg_1" })}`)
    yield* Console.log("user.deleted again, same svix-id (a Svix retry): not handled twice")
    yield* Console.log(`  -> ${yield* deliver(base, signing, { type: "user.deleted", id: "msg_1" })}`)
    yield* Console.log("agent.created (a type added later):")
    yield* Console.log(`  -> ${yield* deliver(base, signing, { type: "agent.created", id: "msg_2" })}`)
    yield* Console.log("user.deleted with a tampered body:")
    yield* Console.log(`  -> ${yield* deliver(base, signing, { type: "user.deleted", id: "msg_3", tamper: true })}`)
    yield* Console.log("user.deleted signed 10 minutes ago (a replay):")
    yield* Console.log(`  -> ${yield* deliver(base, signing, { type: "user.deleted", id: "msg_4", age: 600 })}`)
  }).pipe(Effect.provide(server))
}).pipe(Effect.scoped)

program.pipe(NodeRuntime.runMain)
