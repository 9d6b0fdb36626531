/**
 * Clerk's webhooks: verify the Svix / Standard Webhooks signature over the raw body (with the
 * `standardwebhooks` package, as Clerk's own `verifyWebhook` does), decode the typed event, and
 * dispatch it to a handler per event type.
 *
 * @since 0.1.0
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Events from "./generated/WebhookEvents.js"
import * as Signature from "./internal/signature.js"

/**
 * Why a webhook was rejected.
 *
 * - `missing-headers`: no `svix-id` / `svix-timestamp` / `svix-signature` (nor `webhook-*`)
 * - `invalid-timestamp`: the timestamp header is not a number of seconds
 * - `timestamp-too-old`, `timestamp-too-new`: outside the `tolerance` (5 minutes by default), each way
 * - `invalid-signature`: no signature in the header matches the body with the secret (a tampered or
 *   re-serialized body, another secret, malformed base64)
 * - `invalid-body`: the signed body is not UTF-8 JSON
 * - `invalid-event`: the body is signed and JSON, but an event of a known type does not have its shape
 *
 * @since 0.1.0
 * @category errors
 */
export class WebhookVerificationError extends Schema.TaggedError<WebhookVerificationError>(
  "@effect-clerk/auth/WebhookVerificationError"
)("WebhookVerificationError", {
  reason: Schema.Literal(
    "missing-headers",
    "invalid-timestamp",
    "timestamp-too-old",
    "timestamp-too-new",
    "invalid-signature",
    "invalid-body",
    "invalid-event"
  ),
  message: Schema.String
}) {}

/**
 * The signing secret is not a `whsec_` secret (a configuration error, raised when the verifier is made).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidSecret extends Schema.TaggedError<InvalidSecret>("@effect-clerk/auth/InvalidSecret")(
  "InvalidSecret",
  { message: Schema.String }
) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface VerifiedEvent {
  /** The delivery id (`svix-id`): the same for every retry of one delivery. Use it to drop replays. */
  readonly id: string
  /** When Clerk signed this attempt. */
  readonly timestamp: Date
  readonly event: Events.WebhookEvent
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Verifier {
  /** Verifies `body` (the raw bytes, or the raw text, exactly as received) against the headers. */
  readonly verify: (
    body: Uint8Array | string,
    headers: Readonly<Record<string, string | undefined>>
  ) => Effect.Effect<VerifiedEvent, WebhookVerificationError>
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

const header = (headers: Readonly<Record<string, string | undefined>>, name: string) => {
  const lower: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(headers)) lower[key.toLowerCase()] = value
  const value = lower[`svix-${name}`] ?? lower[`webhook-${name}`]
  return value === undefined || value.trim() === "" ? undefined : value.trim()
}

const utf8 = new TextDecoder("utf-8", { fatal: true })
const decodeEvent = Schema.decodeUnknownEither(Events.WebhookEvent, { onExcessProperty: "preserve" })

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

    const verify = (body: Uint8Array | string, headers: Readonly<Record<string, string | undefined>>) =>
      Effect.gen(function* () {
        const id = header(headers, "id")
        const timestampHeader = header(headers, "timestamp")
        const signature = header(headers, "signature")
        if (id === undefined || timestampHeader === undefined || signature === undefined) {
          const missing = [
            id === undefined ? "svix-id" : undefined,
            timestampHeader === undefined ? "svix-timestamp" : undefined,
            signature === undefined ? "svix-signature" : undefined
          ].filter((name) => name !== undefined)
          return yield* new WebhookVerificationError({
            reason: "missing-headers",
            message: `missing webhook headers: ${missing.join(", ")}`
          })
        }
        if (!/^\d{1,15}$/.test(timestampHeader)) {
          return yield* new WebhookVerificationError({
            reason: "invalid-timestamp",
            message: "the webhook timestamp is not a number of seconds"
          })
        }
        const timestamp = Number(timestampHeader)
        const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
        if (now - timestamp > tolerance) {
          return yield* new WebhookVerificationError({
            reason: "timestamp-too-old",
            message: `the webhook was signed more than ${tolerance} s ago`
          })
        }
        if (timestamp > now + tolerance) {
          return yield* new WebhookVerificationError({
            reason: "timestamp-too-new",
            message: `the webhook was signed more than ${tolerance} s in the future`
          })
        }
        let text: string
        try {
          text = typeof body === "string" ? body : utf8.decode(body)
        } catch {
          return yield* new WebhookVerificationError({
            reason: "invalid-body",
            message: "the webhook body is not UTF-8"
          })
        }
        // The window above is the only one: the HMAC is standardwebhooks', without its fixed 5 minutes.
        if (!Signature.matches(signers, id, timestamp, text, signature)) {
          return yield* new WebhookVerificationError({
            reason: "invalid-signature",
            message: "no webhook signature matches the body"
          })
        }
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          return yield* new WebhookVerificationError({
            reason: "invalid-body",
            message: "the webhook body is not JSON"
          })
        }
        const event = yield* decodeEvent(json).pipe(
          Effect.mapError(
            (error) =>
              new WebhookVerificationError({
                reason: "invalid-event",
                message: `the webhook event does not have its type's shape: ${ParseResult.TreeFormatter.formatErrorSync(error).slice(0, 1000)}`
              })
          )
        )
        return { id, timestamp: new Date(timestamp * 1000), event }
      })

    return { verify }
  })

/**
 * Verifies and decodes the request's raw body (read once, as bytes: never re-serialized).
 *
 * @since 0.1.0
 * @category verification
 */
export const verifyRequest = (
  verifier: Verifier,
  request: HttpServerRequest.HttpServerRequest,
  maxBodySize: number = MAX_BODY_SIZE
): Effect.Effect<VerifiedEvent, WebhookVerificationError> => {
  const tooLarge = new WebhookVerificationError({
    reason: "invalid-body",
    message: `the webhook body is larger than ${maxBodySize} bytes`
  })
  const declared = Number(request.headers["content-length"] ?? "0")
  if (!(declared <= maxBodySize)) return Effect.fail(tooLarge)
  return request.arrayBuffer.pipe(
    HttpIncomingMessage.withMaxBodySize(Option.some(maxBodySize)),
    Effect.mapError(
      () => new WebhookVerificationError({ reason: "invalid-body", message: "the webhook body could not be read" })
    ),
    Effect.flatMap((buffer) =>
      buffer.byteLength > maxBodySize ? Effect.fail(tooLarge) : verifier.verify(new Uint8Array(buffer), request.headers)
    )
  )
}

/** Clerk's events are a few KB; a body past 1 MiB is refused before it is verified. */
const MAX_BODY_SIZE = 1024 * 1024

/**
 * One handler per event type: without `orElse`, every type must be handled (the compiler checks
 * it), plus `unknown` for types added later. With `orElse`, unlisted types go there.
 *
 * @since 0.1.0
 * @category models
 */
export type Handlers<E, R> =
  | ({
      readonly [K in Events.EventType]: (
        event: Extract<Events.KnownEvent, { readonly type: K }>,
        delivery: Omit<VerifiedEvent, "event">
      ) => Effect.Effect<void, E, R>
    } & {
      readonly unknown: (
        event: Events.UnknownEvent,
        delivery: Omit<VerifiedEvent, "event">
      ) => Effect.Effect<void, E, R>
      readonly orElse?: undefined
    })
  | ({
      readonly [K in Events.EventType]?: (
        event: Extract<Events.KnownEvent, { readonly type: K }>,
        delivery: Omit<VerifiedEvent, "event">
      ) => Effect.Effect<void, E, R>
    } & {
      readonly unknown?: (
        event: Events.UnknownEvent,
        delivery: Omit<VerifiedEvent, "event">
      ) => Effect.Effect<void, E, R>
      readonly orElse: (event: Events.WebhookEvent, delivery: Omit<VerifiedEvent, "event">) => Effect.Effect<void, E, R>
    })

/**
 * Runs the handler for a verified event.
 *
 * @since 0.1.0
 * @category handlers
 */
export const dispatch = <E, R>(handlers: Handlers<E, R>, verified: VerifiedEvent): Effect.Effect<void, E, R> => {
  const { event, ...delivery } = verified
  const specific = (
    handlers as Record<string, ((event: never, delivery: never) => Effect.Effect<void, E, R>) | undefined>
  )[event.type]
  if (specific !== undefined) return specific(event as never, delivery as never)
  if (handlers.orElse !== undefined) return handlers.orElse(event, delivery)
  return Effect.void
}

/**
 * An `HttpApp` for a webhook endpoint (`POST /webhooks/clerk`): verifies, decodes, runs the
 * event's handler, and answers
 *
 * - `204` when the handler succeeded;
 * - `400` with `{ "error": <reason> }` when verification or decoding failed (Svix will retry, and the
 *   failure is logged without the body or the secret);
 * - `500` when the handler failed, so that Svix retries the delivery later.
 *
 * Replays: a captured delivery replayed within the tolerance verifies again (the signature covers
 * `svix-id` and the timestamp, not a nonce). Svix retries a delivery with the same `svix-id`, so
 * handlers should be idempotent, keyed on `delivery.id`; replays older than the tolerance are rejected.
 *
 * @since 0.1.0
 * @category handlers
 */
export const handler = <E, R>(
  options: Options,
  handlers: Handlers<E, R>
): Effect.Effect<HttpApp.Default<never, R | HttpServerRequest.HttpServerRequest>, InvalidSecret> =>
  Effect.map(make(options), (verifier) =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const verified = yield* Effect.either(verifyRequest(verifier, request))
      if (verified._tag === "Left") {
        yield* Effect.logWarning("Clerk webhook rejected").pipe(Effect.annotateLogs({ reason: verified.left.reason }))
        return HttpServerResponse.unsafeJson({ error: verified.left.reason }, { status: 400 })
      }
      const outcome = yield* Effect.exit(dispatch(handlers, verified.right))
      if (outcome._tag === "Failure") {
        yield* Effect.logError("Clerk webhook handler failed", outcome.cause).pipe(
          Effect.annotateLogs({ webhookId: verified.right.id, eventType: verified.right.event.type })
        )
        return HttpServerResponse.unsafeJson({ error: "handler-failed" }, { status: 500 })
      }
      return HttpServerResponse.empty({ status: 204 })
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
