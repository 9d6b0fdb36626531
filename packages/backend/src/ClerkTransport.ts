/**
 * The contract between the SDK's runtime and an HttpClient that keeps each attempt's time limit by
 * an `AbortSignal`, for authors of HttpClients (the undici client of `@effect-clerk/platform-node`
 * keeps it). A program only chooses a layer; it never needs this module.
 *
 * The runtime keeps an attempt's time limit (`RequestOptions.timeout`) in one of two ways:
 * - the signal path, for a `signalAware` client without `transformClient`, under the live clock: the
 *   attempt runs with `CurrentAttemptSignal` set, and its deadline aborts that signal. Where timers
 *   are process-global (Node, Bun) one timer serves the deadlines of every attempt in flight;
 *   elsewhere (Deno, browsers, Cloudflare's workerd, which scopes a timer to the request that set
 *   it) each attempt sets its own;
 * - `Effect.timeoutFail` for every other client, and under any other clock (a `TestClock`): time
 *   is the clock's, and the attempt is interrupted when its time is up, which aborts its request.
 *
 * @since 0.2.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import * as RuntimeFlags from "./internal/runtimeFlags.js"

/**
 * The `AbortSignal` of the attempt in flight, set by the runtime around each attempt when the
 * `ClerkClient`'s HttpClient is `signalAware`. Aborted when the attempt's time is up, or when it
 * fails or is interrupted.
 *
 * @example
 * import { ClerkTransport } from "@effect-clerk/backend"
 * import * as Effect from "effect/Effect"
 * import * as FiberRef from "effect/FiberRef"
 *
 * // what a signal-aware client reads when it sends a request
 * const signal = Effect.runSync(FiberRef.get(ClerkTransport.CurrentAttemptSignal))
 * console.log(signal === undefined) // outside an attempt: no signal
 *
 * @since 0.2.0
 * @category transport
 */
export const CurrentAttemptSignal: FiberRef.FiberRef<AbortSignal | undefined> = globalValue(
  Symbol.for("@effect-clerk/backend/ClerkClient/CurrentAttemptSignal"),
  () => FiberRef.unsafeMake<AbortSignal | undefined>(undefined)
)

/**
 * Declares that an HttpClient keeps the SDK's transport contract, so that the runtime can rely on
 * it instead of wrapping each request:
 * - it aborts the request, and any read of its body, when `CurrentAttemptSignal` (read when the
 *   request is sent) aborts; the runtime aborts it when an attempt times out, fails or is
 *   interrupted (without that signal, the client aborts on interruption itself);
 * - the end of `response.stream` (complete or not) closes what is left of the body;
 * - it never follows a redirect;
 * - it records no span of its own.
 *
 * The runtime then keeps each attempt's time limit with that signal (the signal path above);
 * `ClerkClient.make` adds no redirect or tracer wrapper. Any other HttpClient, or any
 * `transformClient` (which may add waits of its own), gets `Effect.timeoutFail`. Returns the same
 * client.
 *
 * @example
 * import { ClerkTransport } from "@effect-clerk/backend"
 * import * as HttpClient from "@effect/platform/HttpClient"
 * import * as HttpClientError from "@effect/platform/HttpClientError"
 * import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
 * import * as Effect from "effect/Effect"
 * import * as FiberRef from "effect/FiberRef"
 *
 * // A sketch over fetch (requests without a query or a body): the attempt's signal aborts the
 * // request and the reads of its body, no redirect is followed, no span is recorded.
 * const client = ClerkTransport.signalAware(
 *   HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
 *     (effect) =>
 *       Effect.flatMap(effect, (request) =>
 *         Effect.flatMap(FiberRef.get(ClerkTransport.CurrentAttemptSignal), (attempt) =>
 *           Effect.map(
 *             Effect.tryPromise({
 *               // without the attempt's signal, the request's own: aborted on interruption
 *               try: (own) =>
 *                 fetch(request.url, {
 *                   method: request.method,
 *                   headers: request.headers,
 *                   redirect: "manual",
 *                   signal: attempt ?? own
 *                 }),
 *               catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
 *             }),
 *             (response) => HttpClientResponse.fromWeb(request, response)
 *           )
 *         )
 *       ),
 *     Effect.succeed
 *   )
 * )
 * console.log(typeof client.execute) // "function"
 *
 * @since 0.2.0
 * @category transport
 */
export const signalAware = <Client extends HttpClient.HttpClient>(client: Client): Client => {
  RuntimeFlags.markSignalAware(client)
  return client
}
