/**
 * A signal-aware HttpClient for tests of the signal path (`ClerkTransport.signalAware`).
 */
import { ClerkTransport } from "@effect-clerk/backend"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"

/**
 * A signal-aware client: answers `{ keys: [] }` after `answerAfter` ms, or never; either way it
 * fails as soon as the attempt's signal aborts, and records whether it had one.
 */
export const signalClient = (answerAfter: number | undefined, seen: Array<AbortSignal | undefined>) =>
  ClerkTransport.signalAware(
    HttpClient.make((request, _url, own, fiber) => {
      const attempt = fiber.getFiberRef(ClerkTransport.CurrentAttemptSignal)
      seen.push(attempt)
      const signal = attempt ?? own
      return Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
        const timer =
          answerAfter === undefined
            ? undefined
            : setTimeout(
                () => resume(Effect.succeed(HttpClientResponse.fromWeb(request, Response.json({ keys: [] })))),
                answerAfter
              )
        signal.addEventListener("abort", () => {
          clearTimeout(timer)
          resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: signal.reason })))
        })
      })
    })
  )
