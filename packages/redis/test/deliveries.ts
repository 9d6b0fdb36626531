/**
 * Signed deliveries (by the `svix` package) posted to a `Webhook.handler` app in the test's fiber.
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { Webhook as SvixWebhook } from "svix"

export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const svix = new SvixWebhook(SECRET)
const body = `{"data":{"deleted":true,"id":"org_1","object":"organization"},"object":"event","type":"organization.deleted","timestamp":1716883200,"instance_id":"ins_1"}`

export const post = <R>(app: HttpApp.Default<never, R | HttpServerRequest.HttpServerRequest>, id: string) =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const request = new Request("http://127.0.0.1/webhooks/clerk", {
      method: "POST",
      body,
      headers: {
        "svix-id": id,
        "svix-timestamp": String(Math.floor(now / 1000)),
        "svix-signature": svix.sign(id, new Date(now), body)
      }
    })
    const response = yield* Effect.provideService(
      app,
      HttpServerRequest.HttpServerRequest,
      HttpServerRequest.fromWeb(request)
    )
    const web = HttpServerResponse.toWeb(response)
    return { status: web.status, text: yield* Effect.promise(() => web.text()) }
  })
