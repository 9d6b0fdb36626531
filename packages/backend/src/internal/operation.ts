/**
 * The runtime every generated operation calls: the types of an operation, `make` (which compiles an
 * operation once into a record, its plan), and the loop of one call. Generated modules hold only
 * data (the `operations` table, see `ClerkOperation`); the behaviour lives here and in the stages, each in a
 * module of its own, in the order a call meets them:
 *
 * - request.ts (and multipart.ts): the input checked and encoded into the request;
 * - settings.ts: the client's and the call's `RequestOptions` as the call's settings;
 * - rateLimit.ts: before each attempt, the client's pause (a 429's `Retry-After`) and the pacing budget;
 * - deadline.ts (and timers.ts): each attempt within its time limit;
 * - transportErrors.ts: a failed exchange as a `TransportError` with its reason;
 * - response.ts (and body.ts, decode.ts): a response as the typed value or the typed error;
 * - retry.ts: whether and when a failed attempt is tried again;
 * - metrics.ts: each call and each attempt counted, each call timed.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Tracer from "effect/Tracer"
import { type ClerkClient, CurrentRequestOptions, type RequestOptions } from "../ClerkClient.js"
import * as ClerkError from "../ClerkError.js"
import type { ClerkOperation } from "../ClerkOperation.js"
import * as Deadline from "./deadline.js"
import * as Decode from "./decode.js"
import * as Metrics from "./metrics.js"
import * as RateLimit from "./rateLimit.js"
import * as Request from "./request.js"
import * as Response from "./response.js"
import * as Retry from "./retry.js"
import * as RuntimeFlags from "./runtimeFlags.js"
import * as Settings from "./settings.js"
import { transportError } from "./transportErrors.js"

/** The classes of the documented statuses, as a union of instances. */
export type ErrorOf<Status extends number> = ClerkError.ForStatus<Status>

/** An operation as the runtime runs it: an entry of a generated group's `operations` table. */
export type Spec<A, Status extends number, Path extends string, Query, Body> = ClerkOperation<
  A,
  Status,
  Path,
  Query,
  Body,
  any
>

export interface Input<Path extends string, Query, Body> {
  readonly path?: { readonly [K in Path]: string }
  readonly query?: Query | undefined
  readonly body?: Body | undefined
}

/** What a run can fail with: `InvalidInput` only when the operation takes input. */
export type Failure<E, Path extends string = string, Query = unknown, Body = unknown> =
  E | ClerkError.Always | ([Path, Query, Body] extends [never, never, never] ? never : ClerkError.InvalidInput)

/** A run of one operation: input in, typed success or typed error out. */
export type Run<A, E, Path extends string, Query, Body> = (
  input: Input<Path, Query, Body>
) => Effect.Effect<A, Failure<E, Path, Query, Body>>

/** An operation compiled for one client: the record every stage reads, made once in `make`. */
interface Plan extends Request.RequestPlan, Response.ResponsePlan {
  readonly httpClient: HttpClient.HttpClient
  readonly baseUrl: string
  readonly clientOptions: RequestOptions
  /** The client's options resolved once: the settings of every call that sets none. */
  readonly clientSettings: Settings.Settings
  readonly idempotent: boolean
  /** The client keeps the signal contract (`ClerkTransport.signalAware`, no `transformClient`). */
  readonly attemptSignal: boolean
  /** The client's pause and pacing, for an operation Clerk's rate limit counts. */
  readonly limits: RateLimit.Limits | undefined
  /** The operation's metrics, tagged once (metrics.ts). */
  readonly metrics: Metrics.OperationMetrics
}

/** One call, as every attempt of it shares it. */
interface Call extends Response.Reading {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly settings: Settings.Settings
  /** The operation's span. */
  readonly span: Tracer.Span
  readonly clock: Clock.Clock
  readonly limit: Deadline.Limit
}

/**
 * Prepares one operation for a client: compiles its schemas once, splits its path template once.
 */
export const make = <A, Status extends number = never, Path extends string = never, Query = never, Body = never>(
  client: ClerkClient.Service,
  spec: Spec<A, Status, Path, Query, Body>
): Run<A, ErrorOf<Status>, Path, Query, Body> => {
  const flags = RuntimeFlags.of(client)
  const clientOptions = client.requestOptions ?? {}
  const plan: Plan = {
    ...Request.compile(spec, client.fileSystem),
    errors: spec.errors,
    // Responses keep fields the spec does not declare; a valid body is returned as parsed (decode.ts).
    decodeSuccess: spec.success ? Decode.decoder(spec.success) : undefined,
    decodePaginated: spec.paginated ? Decode.decoder(spec.paginated) : undefined,
    httpClient: client.httpClient,
    baseUrl: client.baseUrl,
    clientOptions,
    clientSettings: Settings.resolve(clientOptions),
    idempotent: Retry.isIdempotent(spec.method),
    attemptSignal: flags.attemptSignal,
    limits: RateLimit.forOperation(client, flags.pacing, spec),
    metrics: Metrics.forOperation(spec.operationId)
  }
  const spanOptions = {
    kind: "client",
    // no stack trace per call: it is costly, and the span's name and attributes locate the call
    captureStackTrace: false,
    attributes: { "clerk.operation_id": spec.operationId, "http.request.method": spec.method, "http.route": spec.path }
  } as const
  // `Effect.withSpan` spelled out: the runtime writes the span's attributes and events directly,
  // rather than finding the current span again for each one. The span is made the current one
  // inside the call only when something there may read it (`readsSpan`): that copies the fiber's
  // context, the largest cost left in the runtime's own code in the list(10) benchmark.
  // (InvalidInput only arises from a path parameter, a query or a body: an operation without any
  // has none of them, which `Failure` states at the type level.)
  const run: (input: Input<Path, Query, Body>) => Effect.Effect<unknown, ClerkError.ClerkError> = flags.readsSpan
    ? (input) =>
        Metrics.call(
          plan.metrics,
          Effect.useSpan(spec.name, spanOptions, (span) => Effect.withParentSpan(call(plan, input, span), span))
        )
    : (input) =>
        Metrics.call(
          plan.metrics,
          Effect.useSpan(spec.name, spanOptions, (span) => call(plan, input, span))
        )
  return run as Run<A, ErrorOf<Status>, Path, Query, Body>
}

/** One call: its request, its settings, then its attempts. */
const call = (
  plan: Plan,
  input: Request.RequestInput,
  span: Tracer.Span
): Effect.Effect<unknown, ClerkError.ClerkError> =>
  Effect.flatMap(Request.build(plan, input), (request) =>
    Effect.flatMap(CurrentRequestOptions, (options) =>
      Effect.clockWith((clock) =>
        send(plan, {
          request,
          settings: Settings.forCall(plan.clientOptions, plan.clientSettings, options),
          decode: Response.decoderFor(plan, input.query),
          span,
          clock,
          limit: Deadline.limitFor(plan.attemptSignal, clock)
        })
      )
    )
  )

const send = (plan: Plan, call: Call): Effect.Effect<unknown, ClerkError.ClerkError> => {
  const retry = call.settings.retry
  if (retry === undefined) {
    return Effect.ensuring(
      attemptOnce(plan, call, 1),
      Effect.sync(() => call.span.attribute("clerk.attempts", 1))
    )
  }
  return retryLoop(plan, call, retry, call.clock.unsafeCurrentTimeMillis(), 1)
}

// (callbacks written inline, not as named closures made per call: a build with esbuild's
// `keepNames`, as tsx and many bundlers run it, wraps each named one in a `__name` call)
const retryLoop = (
  plan: Plan,
  call: Call,
  retry: Settings.RetrySettings,
  started: number,
  attempt: number
): Effect.Effect<unknown, ClerkError.ClerkError> =>
  Effect.catchAll(
    Effect.tap(attemptOnce(plan, call, attempt), () => {
      call.span.attribute("clerk.attempts", attempt)
    }),
    (error) =>
      Effect.flatMap(Retry.nextDelay(error, retry, attempt, plan.idempotent), (delay) => {
        if (delay === undefined || call.clock.unsafeCurrentTimeMillis() - started + delay > retry.budget) {
          call.span.attribute("clerk.attempts", attempt)
          return Effect.fail(error)
        }
        Retry.retryEvent(call.span, call.clock, attempt, delay, error)
        // whole milliseconds: a fractional Duration cannot become the clock's bigint nanos; the
        // next attempt is made after the wait (it reads the client's pause when it starts)
        return Effect.zipRight(
          Effect.sleep(Duration.millis(Math.ceil(delay))),
          Effect.suspend(() => retryLoop(plan, call, retry, started, attempt + 1))
        )
      })
  )

/**
 * One attempt: the rate limit's wait when there is one, then the exchange, within the time limit.
 * Built when the attempt starts (the retry loop builds the next one after its wait): it reads the
 * client's pause then.
 */
const attemptOnce = (plan: Plan, call: Call, attempt: number): Effect.Effect<unknown, ClerkError.ClerkError> => {
  const limits = plan.limits
  if (limits === undefined || !RateLimit.mustWait(limits, call.clock)) {
    return exchange(plan, limits, call, attempt, call.settings.timeout)
  }
  return Effect.flatMap(
    RateLimit.before(limits, call, Duration.toMillis(call.settings.timeout), (description, cause) =>
      timedOut(plan, call, attempt, description, cause)
    ),
    (left) => exchange(plan, limits, call, attempt, Duration.millis(left))
  )
}

/**
 * Send, read, decode, within `timeout` (the attempt's time limit, less any wait for the rate limit);
 * counted as an attempt (a request sent) in the operation's metrics, the wait before it not.
 */
const exchange = (
  plan: Plan,
  limits: RateLimit.Limits | undefined,
  call: Call,
  attempt: number,
  timeout: Duration.Duration
): Effect.Effect<unknown, ClerkError.ClerkError> =>
  Metrics.attempt(
    plan.metrics,
    Deadline.within(
      Effect.flatMap(
        Effect.catchTag(plan.httpClient.execute(call.request), "RequestError", "ResponseError", (error) =>
          Effect.fail(transportError(plan.name, error, attempt))
        ),
        (response) =>
          // a 429 with Retry-After pauses every call of the client (or of this operation)
          limits !== undefined && response.status === 429
            ? Effect.tapError(Response.read(plan, response, call, attempt), (error) =>
                Effect.sync(() => RateLimit.noteTooManyRequests(limits, call.clock, call.span, error))
              )
            : Response.read(plan, response, call, attempt)
      ),
      timeout,
      call.limit,
      () =>
        timedOut(
          plan,
          call,
          attempt,
          `no complete response within ${Duration.format(call.settings.timeout)}; the connection was closed`
        )
    )
  )

const timedOut = (
  plan: Plan,
  call: Call,
  attempt: number,
  description: string,
  cause?: unknown
): ClerkError.TransportError =>
  new ClerkError.TransportError({
    operation: plan.name,
    method: plan.method,
    url: plan.baseUrl + call.request.url,
    reason: "Timeout",
    description,
    ...(cause !== undefined ? { cause } : {}),
    attempts: attempt
  })
