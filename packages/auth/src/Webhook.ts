/**
 * Clerk's webhooks: verify the Svix / Standard Webhooks signature over the raw body (with the
 * `standardwebhooks` package, as Clerk's own `verifyWebhook` does), decode the typed event, and
 * dispatch it to a handler per event type. A delivery whose signature is valid always reaches the
 * application: an event that does not decode goes to the `undecodable` handler (or `orElse`).
 *
 * @since 0.1.0
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as Events from "./generated/WebhookEvents.js"
import * as Delivery from "./internal/delivery.js"
import * as Signature from "./internal/signature.js"
import * as App from "./internal/webhookApp.js"

import {
  type DeduplicationOptions,
  type DeliveryInfo,
  InvalidSecret,
  type SignedEvent,
  type UndecodableEvent,
  type VerifiedEvent,
  type Verifier,
  WebhookVerificationError
} from "./internal/webhookModel.js"

export {
  /**
   * Why a webhook was rejected (\`reason\`: \`missing-headers\`, \`invalid-timestamp\`,
   * \`timestamp-too-old\`, \`timestamp-too-new\`, \`invalid-signature\`, \`invalid-body\`,
   * \`body-too-large\`, \`invalid-event\`).
   *
   * @since 0.1.0
   * @category errors
   */
  WebhookVerificationError,
  /**
   * The signing secret is not a \`whsec_\` secret (a configuration error, raised when the verifier is made).
   *
   * @since 0.1.0
   * @category errors
   */
  InvalidSecret
}

export type {
  /**
   * De-duplication of \`handler\` (on by default): see \`WebhookDeduplication\`.
   *
   * @since 0.2.0
   * @category models
   */
  DeduplicationOptions,
  /**
   * One delivery: its id and when Clerk signed it.
   *
   * @since 0.2.0
   * @category models
   */
  DeliveryInfo,
  /**
   * A delivery whose signature is valid: its event decoded, or not.
   *
   * @since 0.2.0
   * @category models
   */
  SignedEvent,
  /**
   * A signed delivery whose payload is not an event of its type's shape, kept as sent.
   *
   * @since 0.2.0
   * @category models
   */
  UndecodableEvent,
  /**
   * A delivery whose signature is valid and whose event decoded.
   *
   * @since 0.1.0
   * @category models
   */
  VerifiedEvent,
  /**
   * Verifies deliveries: \`verify\` (the event must decode) and \`verifySigned\` (the signature only).
   *
   * @since 0.1.0
   * @category models
   */
  Verifier
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The endpoint's signing secret (`whsec_...`). Several secrets are tried in turn, for a rotation
   * where both the old and the new one may sign.
   */
  readonly secret: Redacted.Redacted<string> | ReadonlyArray<Redacted.Redacted<string>>
  /**
   * How far the signed timestamp may be from now, each way (read from Effect's `Clock`). Default 5
   * minutes (Svix's); a longer or shorter one is applied as given.
   */
  readonly tolerance?: Duration.DurationInput | undefined
}

/**
 * A verifier for the given secrets. Fails with `InvalidSecret` when a secret is not `whsec_` base64.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Verifier, InvalidSecret> =>
  Effect.gen(function* () {
    const secrets = Array.isArray(options.secret)
      ? (options.secret as ReadonlyArray<Redacted.Redacted<string>>)
      : [options.secret as Redacted.Redacted<string>]
    if (secrets.length === 0) return yield* new InvalidSecret({ message: "no webhook signing secret given" })
    const signers = yield* Effect.forEach(secrets, (secret) => {
      const signer = Signature.signer(Redacted.value(secret))
      return signer === undefined
        ? Effect.fail(new InvalidSecret({ message: "the webhook signing secret is not a whsec_ secret" }))
        : Effect.succeed(signer)
    })
    const tolerance = Math.floor(Duration.toSeconds(options.tolerance ?? Duration.minutes(5)))

    const check = (body: Uint8Array | string, headers: Readonly<Record<string, string | undefined>>) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const checked = Delivery.check(signers, tolerance, Math.floor(now / 1000), body, headers)
        return checked._tag === "Left"
          ? Effect.fail(new WebhookVerificationError(checked.left))
          : Effect.succeed(checked.right)
      })

    const verifySigned = (body: Uint8Array | string, headers: Readonly<Record<string, string | undefined>>) =>
      Effect.map(check(body, headers), ({ id, text, timestamp }): SignedEvent => ({
        id,
        timestamp: new Date(timestamp * 1000),
        event: Delivery.decode(text)
      }))

    const verify = (body: Uint8Array | string, headers: Readonly<Record<string, string | undefined>>) =>
      Effect.flatMap(check(body, headers), ({ id, text, timestamp }) => {
        const event = Delivery.decode(text)
        if (event.type !== "undecodable") return Effect.succeed({ id, timestamp: new Date(timestamp * 1000), event })
        const type = event.eventType === undefined ? "webhook" : JSON.stringify(event.eventType.slice(0, 60))
        return Effect.fail(
          typeof event.payload === "string" && !Delivery.isJson(text)
            ? new WebhookVerificationError({ reason: "invalid-body", message: "the webhook body is not JSON" })
            : new WebhookVerificationError({
                reason: "invalid-event",
                message: `the ${type} event does not have its type's shape: ${event.message}`
              })
        )
      })

    return { verify, verifySigned }
  })

/**
 * Verifies and decodes the request's raw body (read once, as bytes: never re-serialized), as
 * `Verifier.verify`. A body over `maxBodySize` (default 1 MiB), declared or streamed, is
 * `body-too-large` and is read no further.
 *
 * @since 0.1.0
 * @category verification
 */
export const verifyRequest = (
  verifier: Verifier,
  request: HttpServerRequest.HttpServerRequest,
  maxBodySize: number = Delivery.MAX_BODY_SIZE
): Effect.Effect<VerifiedEvent, WebhookVerificationError> =>
  Effect.flatMap(
    Effect.mapError(Delivery.readBody(request, maxBodySize), (e) => new WebhookVerificationError(e)),
    (body) => verifier.verify(body, request.headers)
  )

/**
 * The handler of one event type.
 *
 * @since 0.2.0
 * @category models
 */
export type EventHandler<Event, E, R> = (event: Event, delivery: DeliveryInfo) => Effect.Effect<void, E, R>

/**
 * One handler per event type: without `orElse`, every type must be handled (the compiler checks
 * it), plus `unknown` for types added later and `undecodable` for payloads that do not decode. With
 * `orElse`, unlisted types go there, and so do undecodable payloads when `undecodable` is not given.
 *
 * @since 0.1.0
 * @category models
 */
export type Handlers<E, R> =
  | ({
      readonly [K in Events.EventType]: EventHandler<Extract<Events.KnownEvent, { readonly type: K }>, E, R>
    } & {
      readonly unknown: EventHandler<Events.UnknownEvent, E, R>
      readonly undecodable: EventHandler<UndecodableEvent, E, R>
      readonly orElse?: undefined
    })
  | ({
      readonly [K in Events.EventType]?: EventHandler<Extract<Events.KnownEvent, { readonly type: K }>, E, R>
    } & {
      readonly unknown?: EventHandler<Events.UnknownEvent, E, R>
      readonly undecodable?: EventHandler<UndecodableEvent, E, R>
      readonly orElse: EventHandler<Events.WebhookEvent | UndecodableEvent, E, R>
    })

/**
 * Runs the handler for a signed event: its type's, else `undecodable` / `unknown`, else `orElse`.
 * An event no handler takes is a success (only possible for a known type with `orElse` absent,
 * which the types rule out).
 *
 * @since 0.1.0
 * @category handlers
 */
export const dispatch = <E, R>(handlers: Handlers<E, R>, signed: SignedEvent): Effect.Effect<void, E, R> => {
  const { event, ...delivery } = signed
  const specific = (handlers as Record<string, EventHandler<never, E, R> | undefined>)[event.type]
  if (specific !== undefined) return specific(event as never, delivery)
  if (handlers.orElse !== undefined) return handlers.orElse(event, delivery)
  return Effect.void
}

/**
 * @since 0.2.0
 * @category models
 */
export interface HandlerOptions extends Options {
  /**
   * `false` turns de-duplication off. The store is the `WebhookDeduplication.Store` in the context
   * when `handler` runs, else a new in-memory one.
   */
  readonly deduplication?: DeduplicationOptions | false | undefined
  /** Bodies larger than this are answered 413 without being read further. Default 1 MiB. */
  readonly maxBodySize?: number | undefined
}

/**
 * An `HttpApp` for a webhook endpoint (`POST /webhooks/clerk`): verifies the signature, decodes the
 * event, claims its delivery id, runs the event's handler, and answers
 *
 * - `204` when the handler succeeded, and when the id was already handled (the handler does not
 *   run again; the duplicate is logged);
 * - `400` with `{ "error": <reason> }` when the headers, the timestamp or the signature are wrong
 *   (logged without the body or the secret); `413` when the body is too large;
 * - `409` `{ "error": "delivery-in-progress" }` while another delivery of the id runs its handler;
 * - `500` when the handler failed (its id is released, so Svix's retry runs it again);
 * - `503` `{ "error": "deduplication-unavailable" }` when the de-duplication store cannot be asked.
 *
 * A signed event that does not decode is not refused: it goes to `undecodable` (or `orElse`) with
 * its type, raw payload and decode issue.
 *
 * @example
 * ```ts
 * import { Webhook } from "@effect-clerk/auth"
 * import * as HttpRouter from "@effect/platform/HttpRouter"
 * import * as Console from "effect/Console"
 * import * as Effect from "effect/Effect"
 *
 * export const router = Effect.gen(function* () {
 *   const secret = yield* Webhook.secretConfig
 *   const handle = yield* Webhook.handler(
 *     { secret },
 *     {
 *       "user.created": (event) => Console.log(`new user ${event.data.id}`),
 *       undecodable: (event, delivery) =>
 *         Console.warn(`${delivery.id}: ${event.eventType} did not decode: ${event.message}`),
 *       orElse: () => Effect.void
 *     }
 *   )
 *   return HttpRouter.empty.pipe(HttpRouter.post("/webhooks/clerk", handle))
 * })
 * ```
 *
 * @since 0.1.0
 * @category handlers
 */
export const handler = <E, R>(
  options: HandlerOptions,
  handlers: Handlers<E, R>
): Effect.Effect<HttpApp.Default<never, R | HttpServerRequest.HttpServerRequest>, InvalidSecret> =>
  Effect.flatMap(make(options), (verifier) =>
    App.make({
      verifier,
      dispatch: (signed: SignedEvent) => dispatch(handlers, signed),
      tolerance: Duration.decode(options.tolerance ?? Duration.minutes(5)),
      deduplication: options.deduplication,
      maxBodySize: options.maxBodySize ?? Delivery.MAX_BODY_SIZE,
      toError: (e) => new WebhookVerificationError(e)
    })
  )

/**
 * The signing secret from `CLERK_WEBHOOK_SIGNING_SECRET`, as Clerk's SDK reads it.
 *
 * @since 0.1.0
 * @category config
 */
export const secretConfig: Config.Config<Redacted.Redacted<string>> = Config.redacted("CLERK_WEBHOOK_SIGNING_SECRET")

/**
 * `make` with the secret from `CLERK_WEBHOOK_SIGNING_SECRET`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeConfig = (
  options: Omit<Options, "secret"> = {}
): Effect.Effect<Verifier, InvalidSecret | ConfigError.ConfigError> =>
  Effect.flatMap(secretConfig, (secret) => make({ ...options, secret }))
