/**
 * Clerk's webhook events for what changes in the emulator (`user.created`, `organization.updated`,
 * `session.revoked`, `email.created`, ...), signed as Clerk signs them: through Svix, with the
 * `svix-id`, `svix-timestamp` and `svix-signature` headers and a `whsec_` secret (the signature is
 * made by the `standardwebhooks` package, the scheme Svix implements). A handler that verifies
 * Clerk's webhooks (`verifyWebhook` of `@clerk/backend/webhooks`, `svix`'s `Webhook.verify`) accepts
 * them unchanged when given the emulator's secret.
 *
 * Every event is recorded (`emulator.webhooks.events()`); with a `url` it is POSTed there, with a
 * `handler` it is handed to that Effect as a web `Request`; each delivery is recorded with its
 * outcome (`emulator.webhooks.deliveries()`). Deliveries run one after the other, in event order;
 * `await emulator.webhooks.flush()` waits for the pending ones.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { Webhook } from "standardwebhooks"
import { randomBase62 } from "./internal/ids.js"
import type * as Resource from "./Resource.js"

/**
 * Where and how to deliver.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The signing secret, `whsec_` + base64. Default: a fresh random secret per instance. */
  readonly secret?: string | undefined
  /** POST every event to these URLs (e.g. `http://127.0.0.1:3000/webhooks/clerk`). */
  readonly url?: string | ReadonlyArray<string> | undefined
  /**
   * Hand every event to this in-process handler as the `Request` Clerk would send. A failure or a
   * non-2xx answer is recorded as a failed delivery.
   */
  readonly handler?: ((request: Request) => Effect.Effect<Response | void, unknown>) | undefined
  /** Only these event types (default: every type). */
  readonly events?: ReadonlyArray<string> | undefined
}

/**
 * A webhook event (spec `WebhookEventPayload` of Clerk's webhooks-2025-04-15.yml).
 *
 * @since 0.1.0
 * @category models
 */
export interface Event {
  readonly object: "event"
  readonly type: string
  readonly data: unknown
  /** Unix milliseconds, like every Clerk timestamp. */
  readonly timestamp: number
  readonly instance_id: string
  readonly event_attributes: { readonly http_request: { readonly client_ip: string; readonly user_agent: string } }
}

/**
 * One delivery attempt and its outcome.
 *
 * @since 0.1.0
 * @category models
 */
export interface Delivery {
  /** `"handler"` or the URL. */
  readonly target: string
  readonly event: Event
  /** The exact body that was signed and sent. */
  readonly payload: string
  readonly headers: { readonly "svix-id": string; readonly "svix-timestamp": string; readonly "svix-signature": string }
  /** The answer's status (a handler that returns nothing counts as 200); absent when it failed. */
  readonly status: number | undefined
  readonly ok: boolean
  readonly error: string | undefined
}

/**
 * The webhooks of one emulator instance.
 *
 * @since 0.1.0
 * @category models
 */
export interface Webhooks {
  /** The `whsec_` secret deliveries are signed with (what `CLERK_WEBHOOK_SIGNING_SECRET` holds). */
  readonly secret: string
  /** Every event emitted so far, oldest first (also without any delivery target). */
  readonly events: () => ReadonlyArray<Event>
  /** Every finished delivery, in order. */
  readonly deliveries: () => ReadonlyArray<Delivery>
  /** Resolves when every delivery queued so far has finished. */
  readonly flush: () => Promise<void>
  /** Forgets the recorded events and deliveries. */
  readonly clear: () => void
}

/**
 * A fresh `whsec_` secret (24 random bytes, base64), the format Svix uses.
 *
 * @since 0.1.0
 * @category constructors
 */
export const generateSecret = (): string => {
  const bytes = new Uint8Array(24)
  globalThis.crypto.getRandomValues(bytes)
  return "whsec_" + Buffer.from(bytes).toString("base64")
}

type Json = Record<string, unknown>

// Session events carry the session's user (webhooks-2025-04-15.yml `SessionEventPayload`: Session +
// `user`); that file's Session has no `tasks` (the Backend API's has), so it is left out.
const enrich = (context: Resource.EmulatorContext, type: string, data: unknown): unknown => {
  if (type.startsWith("session.") && typeof data === "object" && data !== null) {
    const { tasks: _tasks, ...session } = data as Json
    const user = context.store.get<{ readonly json: Json }>({ name: "users" }).get(String(session["user_id"]))
    return { ...structuredClone(session), user: user === undefined ? null : structuredClone(user.json) }
  }
  return structuredClone(data)
}

/** @internal */
export const make = (
  context: () => Resource.EmulatorContext,
  options: Options = {}
): Webhooks & { readonly emit: (type: string, data: unknown) => void } => {
  const secret = options.secret ?? generateSecret()
  const signer = new Webhook(secret) // throws here for a malformed secret
  const urls = options.url === undefined ? [] : typeof options.url === "string" ? [options.url] : options.url
  const events: Array<Event> = []
  const deliveries: Array<Delivery> = []
  let queue: Promise<void> = Promise.resolve()

  const deliver = async (target: string, event: Event): Promise<void> => {
    const id = "msg_" + randomBase62(27)
    const now = new Date(context().now())
    const payload = JSON.stringify(event)
    const headers = {
      "svix-id": id,
      "svix-timestamp": String(Math.floor(now.getTime() / 1000)),
      "svix-signature": signer.sign(id, now, payload)
    }
    const request = (url: string) =>
      new Request(url, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", "user-agent": "Svix-Webhooks/1.0 (emulator)" },
        body: payload
      })
    let status: number | undefined
    let error: string | undefined
    try {
      if (target === "handler") {
        const exit = await Effect.runPromiseExit(options.handler!(request("http://127.0.0.1/webhooks")))
        if (Exit.isSuccess(exit)) status = exit.value instanceof Response ? exit.value.status : 200
        else error = Cause.pretty(exit.cause).split("\n")[0]
      } else {
        const response = await fetch(request(target), { signal: AbortSignal.timeout(15_000) })
        status = response.status
        await response.body?.cancel()
      }
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause)
    }
    const ok = status !== undefined && status >= 200 && status < 300
    deliveries.push({
      target,
      event,
      payload,
      headers,
      status,
      ok,
      error: ok ? undefined : (error ?? `status ${status}`)
    })
  }

  return {
    secret,
    events: () => events.slice(),
    deliveries: () => deliveries.slice(),
    flush: () => queue,
    clear: () => {
      events.length = 0
      deliveries.length = 0
    },
    emit: (type, data) => {
      if (options.events !== undefined && !options.events.includes(type)) return
      const event: Event = {
        object: "event",
        type,
        data: enrich(context(), type, data),
        timestamp: context().now(),
        instance_id: "ins_emulator",
        event_attributes: { http_request: { client_ip: "127.0.0.1", user_agent: "@effect-clerk/emulator" } }
      }
      events.push(event)
      const targets = [...(options.handler === undefined ? [] : ["handler"]), ...urls]
      for (const target of targets) queue = queue.then(() => deliver(target, event))
    }
  }
}
