/**
 * The webhook endpoint of `Webhook.handler`: read, verify, claim the delivery id, run the handler,
 * answer. Every answer and why is in `Webhook.handler`'s documentation.
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { DeduplicationOptions, SignedEvent, Verifier, WebhookVerificationError } from "./webhookModel.js"
import * as WebhookDeduplication from "../WebhookDeduplication.js"
import { readBody, type Rejection } from "./delivery.js"

export interface Config<E, R> {
  readonly verifier: Verifier
  readonly dispatch: (signed: SignedEvent) => Effect.Effect<void, E, R>
  readonly tolerance: Duration.Duration
  readonly deduplication: DeduplicationOptions | false | undefined
  readonly maxBodySize: number
  readonly toError: (rejection: Rejection) => WebhookVerificationError
}

const answer = (status: number, error?: string) =>
  error === undefined
    ? HttpServerResponse.empty({ status })
    : HttpServerResponse.unsafeJson({ error }, { status, headers: status === 413 ? { connection: "close" } : {} })

export const make = <E, R>(
  config: Config<E, R>
): Effect.Effect<HttpApp.Default<never, R | HttpServerRequest.HttpServerRequest>> =>
  Effect.gen(function* () {
    const dedup = config.deduplication === false ? undefined : (config.deduplication ?? {})
    const store =
      dedup === undefined
        ? undefined
        : Option.getOrElse(yield* Effect.serviceOption(WebhookDeduplication.Store), () =>
            WebhookDeduplication.makeMemory()
          )
    const claimOptions = {
      // a replay verifies while its timestamp is within the tolerance of now, so its id must be
      // remembered for twice the tolerance at least
      ttl: Duration.max(Duration.decode(dedup?.ttl ?? Duration.hours(24)), Duration.times(config.tolerance, 2)),
      lease: Duration.decode(dedup?.lease ?? Duration.minutes(1))
    }
    const storeTimeout = Duration.decode(dedup?.timeout ?? Duration.seconds(2))
    const bounded = <A>(effect: Effect.Effect<A, WebhookDeduplication.DeduplicationError>) =>
      Effect.timeoutFail(effect, {
        duration: storeTimeout,
        onTimeout: () =>
          new WebhookDeduplication.DeduplicationError({
            message: `the de-duplication store did not answer within ${Duration.format(storeTimeout)}`
          })
      })

    const run = (signed: SignedEvent, annotations: Record<string, string>) =>
      Effect.gen(function* () {
        const outcome = yield* Effect.exit(config.dispatch(signed))
        if (outcome._tag === "Success") return true
        yield* Effect.logError("Clerk webhook handler failed", outcome.cause).pipe(Effect.annotateLogs(annotations))
        return false
      })

    return Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const verified = yield* Effect.either(
        Effect.flatMap(Effect.mapError(readBody(request, config.maxBodySize), config.toError), (body) =>
          config.verifier.verifySigned(body, request.headers)
        )
      )
      if (verified._tag === "Left") {
        const { reason } = verified.left
        yield* Effect.logWarning("Clerk webhook rejected").pipe(Effect.annotateLogs({ reason }))
        return answer(reason === "body-too-large" ? 413 : 400, reason)
      }
      const signed = verified.right
      const eventType =
        signed.event.type === "undecodable" ? `undecodable:${signed.event.eventType}` : signed.event.type
      const annotations = { webhookId: signed.id, eventType }
      if (signed.event.type === "undecodable") {
        yield* Effect.logWarning("Clerk webhook event did not decode", signed.event.message).pipe(
          Effect.annotateLogs(annotations)
        )
      }
      if (store === undefined) return (yield* run(signed, annotations)) ? answer(204) : answer(500, "handler-failed")

      const claim = yield* Effect.either(bounded(store.claim(signed.id, claimOptions)))
      if (claim._tag === "Left") {
        yield* Effect.logError("Clerk webhook not handled: de-duplication store unavailable", claim.left.message).pipe(
          Effect.annotateLogs(annotations)
        )
        return answer(503, "deduplication-unavailable")
      }
      switch (claim.right._tag) {
        case "Handled":
          yield* Effect.logInfo("Clerk webhook duplicate skipped: already handled").pipe(
            Effect.annotateLogs(annotations)
          )
          return answer(204)
        case "InProgress":
          yield* Effect.logInfo("Clerk webhook duplicate refused: in progress").pipe(Effect.annotateLogs(annotations))
          return answer(409, "delivery-in-progress")
        case "Claimed": {
          const { complete, release } = claim.right
          const handled = yield* run(signed, annotations).pipe(
            Effect.onInterrupt(() => Effect.ignore(bounded(release)))
          )
          const settle = yield* Effect.either(bounded(handled ? complete : release))
          if (settle._tag === "Left") {
            yield* Effect.logWarning(
              handled
                ? "Clerk webhook handled, but not marked handled: a redelivery would run it again"
                : "Clerk webhook claim not released: a redelivery waits for its lease",
              settle.left.message
            ).pipe(Effect.annotateLogs(annotations))
          }
          return handled ? answer(204) : answer(500, "handler-failed")
        }
      }
    })
  })
