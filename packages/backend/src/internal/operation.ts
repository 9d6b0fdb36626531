/**
 * The runtime every generated operation calls: validate and encode the input, build the request,
 * send it through the configured client, and turn every possible answer into a typed value or a
 * typed error. Generated modules hold only data (path, schemas, documented statuses); the
 * behaviour lives here, once.
 *
 * @internal
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Random from "effect/Random"
import * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"
import {
  type ClerkClient,
  CurrentAttemptSignal,
  CurrentRequestOptions,
  mergeRequestOptions,
  type RequestOptions
} from "../ClerkClient.js"
import * as ClerkError from "../ClerkError.js"
import type { ClerkOperation } from "../ClerkOperation.js"
import * as Decode from "./decode.js"

/** A query value as it goes on the URL; arrays repeat the key (`style: form`, `explode: true`). */
export type QueryValue = string | number | boolean | ReadonlyArray<string | number | boolean> | null | undefined

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

const BODY_SNIPPET = 4096
/** Error bodies, and the bodies of operations without content, are read up to this, then dropped. */
const ERROR_BODY_CAP = 64 * 1024

/**
 * The settings of one call: the defaults, under the client's options, under the call's.
 */
interface Settings {
  readonly timeout: Duration.Duration
  readonly maxResponseBytes: number
  readonly retry:
    | {
        readonly maxAttempts: number
        readonly initialDelay: number
        readonly factor: number
        readonly maxDelay: number
        readonly maxRetryAfter: number
        readonly budget: number
      }
    | undefined
}

const millis = (value: Duration.DurationInput | undefined, fallback: number): number =>
  value === undefined ? fallback : Duration.toMillis(value)

const resolveSettings = (options: RequestOptions): Settings => {
  const retry = options.retry
  return {
    timeout: Duration.decode(options.timeout ?? "30 seconds"),
    maxResponseBytes: options.maxResponseBytes ?? 32 * 1024 * 1024,
    retry:
      retry === false
        ? undefined
        : {
            maxAttempts: retry?.maxAttempts ?? 4,
            initialDelay: millis(retry?.initialDelay, 500),
            factor: retry?.factor ?? 1.5,
            maxDelay: millis(retry?.maxDelay, 10_000),
            maxRetryAfter: millis(retry?.maxRetryAfter, 30_000),
            budget: millis(retry?.budget, 60_000)
          }
  }
}

/** One call, as every attempt of it shares it. */
interface Call<A> {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly settings: Settings
  /** The 2xx body's decoder (the envelope's under `paginated: true`); none without content. */
  readonly decode: ((input: unknown) => Either.Either<A, ParseResult.ParseIssue>) | undefined
  /** The operation's span. */
  readonly span: Tracer.Span
  readonly clock: Clock.Clock
  readonly limit: Limit
}

/** Methods that may be sent twice: the spec's GET, PUT and DELETE (and HEAD, OPTIONS). */
const IDEMPOTENT: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])

/** Inputs reject keys the spec does not declare. */
const encodeOptions = { errors: "all", onExcessProperty: "error" } as const

/**
 * Prepares one operation for a client: compiles its schemas once, splits its path template once.
 */
export const make = <A, Status extends number = never, Path extends string = never, Query = never, Body = never>(
  client: ClerkClient.Service,
  spec: Spec<A, Status, Path, Query, Body>
): Run<A, ErrorOf<Status>, Path, Query, Body> => {
  type E = ErrorOf<Status>
  const pathParts = spec.path.split(/\{([^}]+)\}/)
  const encodeQuery = spec.query ? ParseResult.encodeUnknownEither(spec.query, encodeOptions) : undefined
  const encodePath = spec.pathSchema ? ParseResult.encodeUnknownEither(spec.pathSchema, encodeOptions) : undefined
  const encodeBody = spec.body ? ParseResult.encodeUnknownEither(spec.body, encodeOptions) : undefined
  // Responses keep fields the spec does not declare; a valid body is returned as parsed (decode.ts).
  const decodeSuccess = spec.success ? Decode.decoder(spec.success) : undefined
  const decodePaginated = spec.paginated ? Decode.decoder(spec.paginated) : undefined
  const spanOptions = {
    kind: "client",
    // A stack trace per call costs tens of µs; the span's name and attributes locate the call.
    captureStackTrace: false,
    attributes: { "clerk.operation_id": spec.operationId, "http.request.method": spec.method, "http.route": spec.path }
  } as const

  const invalid = (location: "body" | "query" | "path", description: string) =>
    new ClerkError.InvalidInput({ operation: spec.name, location, description })

  const queryCsv = new Set(spec.queryCsv ?? [])

  const buildRequest = (
    input: Input<Path, Query, Body>
  ): Effect.Effect<HttpClientRequest.HttpClientRequest, ClerkError.InvalidInput> => {
    let url = pathParts[0]!
    for (let i = 1; i < pathParts.length; i += 2) {
      const name = pathParts[i]!
      const value: unknown = (input.path as Record<string, unknown> | undefined)?.[name]
      if (typeof value !== "string" || value.length === 0) {
        return Either.left(invalid("path", `${name} must be a non-empty string`))
      }
      // Encoding leaves dots alone, and the URL parser resolves a "." or ".." segment: the request
      // would reach another endpoint (`ActorTokens.revoke("..")` as `POST /v1/revoke`).
      if (value === "." || value === "..") {
        return Either.left(invalid("path", `${name} must not be "." or ".." (it would change the request's path)`))
      }
      const encoded = encodePathSegment(value)
      if (encoded === undefined) {
        return Either.left(invalid("path", `${name} is not well-formed Unicode (it holds a lone surrogate)`))
      }
      url += encoded + pathParts[i + 1]!
    }
    if (encodePath) {
      const checked = encodePath(input.path)
      if (Either.isLeft(checked)) {
        return Either.left(invalid("path", ParseResult.TreeFormatter.formatIssueSync(checked.left)))
      }
    }
    let request = HttpClientRequest.make(spec.method)(url)
    if (encodeQuery && input.query !== undefined) {
      const encoded = encodeQuery(input.query)
      if (Either.isLeft(encoded)) {
        return Either.left(invalid("query", ParseResult.TreeFormatter.formatIssueSync(encoded.left)))
      }
      request = HttpClientRequest.setUrlParams(
        request,
        queryParams(encoded.right as Record<string, QueryValue>, queryCsv)
      )
    }
    if (encodeBody && !(input.body === undefined && spec.optionalBody)) {
      const encoded = encodeBody(input.body)
      if (Either.isLeft(encoded)) {
        return Either.left(invalid("body", ParseResult.TreeFormatter.formatIssueSync(encoded.left)))
      }
      if (spec.multipart) {
        const withBody = request
        return Effect.map(formData(client, spec.name, encoded.right), (form) =>
          HttpClientRequest.bodyUint8Array(withBody, form.bytes, form.contentType)
        )
      }
      request = HttpClientRequest.bodyUnsafeJson(request, encoded.right)
    }
    return Either.right(request)
  }

  const readResponse = (
    response: HttpClientResponse.HttpClientResponse,
    { decode, settings, span }: Call<A>,
    attempt: number
  ): Effect.Effect<A, Failure<E>> => {
    const status = response.status
    span.attribute("http.response.status_code", status)
    if (status >= 200 && status < 300) {
      // No content documented (or HTML, for getPublicInterstitial): read a little and drop it, so
      // the connection goes back to the pool; a failure to read it does not undo the status.
      if (decode === undefined) {
        return Effect.ignore(readCapped(spec.name, response, ERROR_BODY_CAP, attempt)) as Effect.Effect<A>
      }
      return Effect.flatMap(readCapped(spec.name, response, settings.maxResponseBytes, attempt), (body) =>
        body.complete
          ? decodeBody(body.text, status, decode, attempt)
          : Effect.fail(
              new ClerkError.UnexpectedResponse({
                operation: spec.name,
                status,
                reason: "TooLarge",
                description: `the body is larger than maxResponseBytes (${settings.maxResponseBytes} bytes); it was read no further`,
                errors: [],
                attempts: attempt
              })
            )
      )
    }
    return Effect.flatMap(readCapped(spec.name, response, ERROR_BODY_CAP, attempt), (body) =>
      Effect.fail(statusError(response, body.text, attempt))
    )
  }

  const decodeBody = (
    text: string,
    status: number,
    decode: NonNullable<typeof decodeSuccess>,
    attempts: number
  ): Effect.Effect<A, ClerkError.UnexpectedResponse> => {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (cause) {
      return Effect.fail(
        new ClerkError.UnexpectedResponse({
          operation: spec.name,
          status,
          reason: "InvalidJson",
          description: `the body is not JSON (${String((cause as Error).message ?? cause)})`,
          errors: [],
          attempts,
          body: text.slice(0, BODY_SNIPPET)
        })
      )
    }
    const decoded = decode(json)
    return Either.isRight(decoded)
      ? Effect.succeed(decoded.right)
      : Effect.fail(
          new ClerkError.UnexpectedResponse({
            operation: spec.name,
            status,
            reason: "SchemaMismatch",
            description: ParseResult.TreeFormatter.formatIssueSync(decoded.left),
            errors: [],
            attempts,
            body: text.slice(0, BODY_SNIPPET)
          })
        )
  }

  const statusError = (response: HttpClientResponse.HttpClientResponse, text: string, attempts: number): Failure<E> => {
    const status = response.status
    const clerk = parseClerkErrors(text)
    const details = {
      operation: spec.name,
      attempts,
      ...(clerk
        ? { errors: clerk.errors, clerk_trace_id: clerk.clerk_trace_id }
        : { errors: [], body: text.slice(0, BODY_SNIPPET) })
    }
    if (spec.errors.includes(status as Status)) {
      const Documented = ClerkError.statusClasses[status as keyof typeof ClerkError.statusClasses]
      // (`as never`: the class is the one of this very status, whose `status` field is its literal)
      return new Documented({ status, ...details } as never, true) as E
    }
    if (status === 401) return new ClerkError.Unauthorized({ status, ...details }, true)
    if (status === 429) {
      return new ClerkError.TooManyRequests(
        { status, ...details, retryAfter: parseRetryAfter(response.headers["retry-after"]) },
        true
      )
    }
    if (status >= 500 && status < 600) return new ClerkError.ServerError({ status, ...details }, true)
    const location = status >= 300 && status < 400 ? response.headers["location"] : undefined
    return new ClerkError.UnexpectedResponse({
      status,
      reason: "UnexpectedStatus",
      ...details,
      ...(location !== undefined ? { location } : {})
    })
  }

  const retryable = IDEMPOTENT.has(spec.method)
  const url = (request: HttpClientRequest.HttpClientRequest) => client.baseUrl + request.url

  /** One attempt: send, read, decode, within the timeout. */
  const attemptOnce = (call: Call<A>, attempt: number): Effect.Effect<A, Failure<E>> =>
    // Interrupting the attempt aborts the request: the connection is closed, not left to the GC.
    within(
      Effect.flatMap(
        Effect.catchTag(client.httpClient.execute(call.request), "RequestError", "ResponseError", (error) =>
          Effect.fail(transportError(spec.name, error, attempt))
        ),
        (response) => readResponse(response, call, attempt)
      ),
      call.settings.timeout,
      call.limit,
      () =>
        new ClerkError.TransportError({
          operation: spec.name,
          method: spec.method,
          url: url(call.request),
          reason: "Timeout",
          description: `no complete response within ${Duration.format(call.settings.timeout)}; the connection was closed`,
          attempts: attempt
        })
    )

  /**
   * How long to wait before the next attempt, or `undefined` to stop. Decided by the typed error:
   * a 429 for any method (Clerk refused it before running it), a 5xx or a broken connection only
   * for idempotent methods, unless nothing was sent (refused, DNS).
   */
  const nextDelay = (
    error: Failure<E>,
    retry: NonNullable<Settings["retry"]>,
    attempt: number
  ): Effect.Effect<number | undefined> => {
    if (attempt >= retry.maxAttempts) return Effect.succeed(undefined)
    const failure = error as ClerkError.ClerkError
    const backoff = () =>
      Effect.map(
        Random.nextRange(0.8, 1.2),
        (jitter) => Math.min(retry.maxDelay, retry.initialDelay * retry.factor ** (attempt - 1)) * jitter
      )
    switch (failure._tag) {
      case "TooManyRequests": {
        const retryAfter = failure.retryAfter
        if (retryAfter === undefined) return backoff()
        const wait = retryAfter * 1000
        if (wait > retry.maxRetryAfter) return Effect.succeed(undefined)
        // never before Retry-After; spread a storm of waiting callers over the next 10%
        return Effect.map(Random.next, (r) => wait + Math.min(1000, wait * 0.1) * r)
      }
      case "ServerError":
        return retryable ? backoff() : Effect.succeed(undefined)
      case "TransportError": {
        const reason = failure.reason
        if (reason === "ConnectionRefused" || reason === "DnsFailure") return backoff()
        if (reason === "InvalidRequest") return Effect.succeed(undefined)
        return retryable ? backoff() : Effect.succeed(undefined)
      }
      default:
        return Effect.succeed(undefined)
    }
  }

  const send = (call: Call<A>): Effect.Effect<A, Failure<E>> => {
    const retry = call.settings.retry
    if (retry === undefined) {
      return Effect.ensuring(
        attemptOnce(call, 1),
        Effect.sync(() => call.span.attribute("clerk.attempts", 1))
      )
    }
    return retryLoop(call, retry, call.clock.unsafeCurrentTimeMillis(), 1)
  }

  // (callbacks passed as arguments, not named closures made per call: tsx and esbuild's
  // `keepNames` wrap each of those in a `__name` call, a few µs a call in the benchmark's profile)
  const retryLoop = (
    call: Call<A>,
    retry: NonNullable<Settings["retry"]>,
    started: number,
    attempt: number
  ): Effect.Effect<A, Failure<E>> =>
    Effect.catchAll(
      Effect.tap(attemptOnce(call, attempt), () => {
        call.span.attribute("clerk.attempts", attempt)
      }),
      (error) =>
        Effect.flatMap(nextDelay(error, retry, attempt), (delay) => {
          if (delay === undefined || call.clock.unsafeCurrentTimeMillis() - started + delay > retry.budget) {
            call.span.attribute("clerk.attempts", attempt)
            return Effect.fail(error)
          }
          retryEvent(call.span, call.clock, attempt, delay, error as ClerkError.ClerkError)
          // whole milliseconds: a fractional Duration cannot become the clock's bigint nanos
          return Effect.zipRight(
            Effect.sleep(Duration.millis(Math.ceil(delay))),
            retryLoop(call, retry, started, attempt + 1)
          )
        })
    )

  // InvalidInput only arises from a path parameter, a query or a body: an operation without
  // any has none of them, which `Failure` states at the type level.
  const clientOptions = client.requestOptions ?? {}
  const clientSettings = resolveSettings(clientOptions)
  const run = (input: Input<Path, Query, Body>, span: Tracer.Span): Effect.Effect<A, Failure<E>> =>
    Effect.flatMap(buildRequest(input), (request) =>
      Effect.flatMap(CurrentRequestOptions, (options) =>
        Effect.clockWith((clock) =>
          send({
            request,
            settings:
              options.timeout === undefined && options.retry === undefined && options.maxResponseBytes === undefined
                ? clientSettings
                : resolveSettings(mergeRequestOptions(clientOptions, options)),
            decode:
              decodePaginated && (input.query as { paginated?: unknown } | undefined)?.paginated === true
                ? decodePaginated
                : decodeSuccess,
            span,
            clock,
            limit: clock.constructor !== LiveClock ? "clock" : client.attemptSignal === true ? "signal" : "fiber"
          })
        )
      )
    )
  // `Effect.withSpan` spelled out: the runtime writes the span's attributes and events directly,
  // rather than finding the current span again for each one. The span is made the current one
  // inside the call only when something there may read it (`readsSpan`): that copies the fiber's
  // context, the largest cost left in the runtime's own code in the list(10) benchmark.
  const readsSpan = client.readsSpan !== false
  return (input) =>
    Effect.useSpan(spec.name, spanOptions, (span) =>
      readsSpan ? Effect.withParentSpan(run(input, span), span) : run(input, span)
    ) as Effect.Effect<A, Failure<E, Path, Query, Body>>
}

/** The class of Effect's live `Clock`: under it a time limit can be a plain timer. */
const LiveClock = Clock.make().constructor

/**
 * How an attempt's time limit is kept:
 * - `signal`: the HttpClient is `signalAware` (the undici client of the Node layers): the attempt
 *   runs on the caller's fiber with `CurrentAttemptSignal` set, and its deadline aborts that signal,
 *   which fails the request or the body read in progress;
 * - `fiber`: any other HttpClient under the live clock: the attempt runs on a forked fiber, which
 *   its deadline interrupts (which aborts the request, as every @effect/platform client does);
 * - `clock`: any other clock (the TestClock of tests, a user's clock): `Effect.timeoutFail`, so
 *   that time is the clock's.
 */
type Limit = "signal" | "fiber" | "clock"

/**
 * `self` within `duration`, else the `onTimeout` error; on time out `self` is stopped (its request
 * aborted) before the error is returned.
 *
 * Measured (`pnpm bench`, interleaved; and ActorTokens.create on a mocked client): `Effect.timeoutFail`
 * forks two fibers (the effect and a sleep), races them and joins their FiberRefs, about 55 µs a
 * call; a forked fiber with a `setTimeout`, about 25; with the deadline in `Deadlines` (one timer for
 * every attempt in flight), about 15; by signal, a few. In `list(10)` at 64 in flight the fork alone
 * cost about 50 µs of CPU a call and an eighth of the calls per second.
 */
const within = <A, E, E2>(
  self: Effect.Effect<A, E>,
  duration: Duration.Duration,
  limit: Limit,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> => {
  if (limit === "clock") return Effect.timeoutFail(self, { duration, onTimeout })
  const millis = Duration.toMillis(duration)
  // beyond what a JS timer can hold (or infinite): no limit, as `Effect.sleep` does
  if (!(millis <= MAX_TIMER_MILLIS)) return self
  if (limit === "signal") {
    return Effect.suspend((): Effect.Effect<A, E | E2> => {
      const controller = new AbortController()
      let timedOut = false
      const deadline = Deadlines.add(millis, () => {
        timedOut = true
        controller.abort(TIMED_OUT)
      })
      return Effect.locally(self, CurrentAttemptSignal, controller.signal).pipe(
        // The attempt is over (a finalizer: a failure handler would not run when the caller
        // interrupts). If it failed or was interrupted, the signal is aborted: that closes a request
        // or a body left unread. A successful attempt read its body (or ended the stream it read,
        // which the client closes itself).
        Effect.onExit((exit) =>
          Effect.sync(() => {
            Deadlines.remove(deadline)
            if (exit._tag === "Failure") controller.abort(ATTEMPT_ENDED)
          })
        ),
        // whatever the abort made of the attempt (a reset, a failed body read) is a time out
        Effect.catchAllCause((cause): Effect.Effect<never, E | E2> =>
          timedOut && !Cause.isInterruptedOnly(cause) ? Effect.fail(onTimeout()) : Effect.failCause(cause)
        )
      )
    })
  }
  return Effect.flatMap(Effect.forkDaemon(self), (fiber) =>
    Effect.async<A, E | E2>((resume) => {
      let timedOut = false
      const deadline = Deadlines.add(millis, () => {
        timedOut = true
        fiber.unsafeInterruptAsFork(FiberId.none)
      })
      fiber.addObserver((exit) => {
        Deadlines.remove(deadline)
        resume(timedOut && Exit.isFailure(exit) && Cause.isInterrupted(exit.cause) ? Effect.fail(onTimeout()) : exit)
      })
      // the caller was interrupted: so is the attempt, and the caller waits for it to end
      return Effect.suspend(() => {
        Deadlines.remove(deadline)
        return Fiber.interrupt(fiber)
      })
    })
  )
}

interface Deadline {
  readonly at: number
  readonly fire: () => void
}

/**
 * The deadlines of the attempts in flight, kept by one timer set for the earliest of them (the
 * approach of undici's own `lib/util/timers.js`: a timer per request costs more than the request's
 * bookkeeping). Adding a deadline later than the timer's (the common case: one timeout for every
 * call) touches no timer; the timer, when it fires, ends what is due and sets itself for the next
 * one. With nothing in flight the timer is unref'd (not cleared, so that calls one after another do
 * not set and clear a timer each; where timers cannot be unref'd, cleared): it never keeps a process
 * alive by itself.
 */
const Deadlines = (() => {
  const pending = new Set<Deadline>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let timerAt = Infinity
  let held = false
  const hold = (on: boolean) => {
    if (timer === undefined || held === on) return
    // Node's and Bun's timers can be unref'd; a runtime whose timers are numbers (browsers, Deno,
    // workers) gets the timer cleared instead
    const handle = timer as { ref?: () => void; unref?: () => void }
    if (typeof handle.unref !== "function" || typeof handle.ref !== "function") {
      if (!on) {
        clearTimeout(timer)
        timer = undefined
        timerAt = Infinity
      }
      return
    }
    held = on
    if (on) handle.ref()
    else handle.unref()
  }
  const schedule = (at: number) => {
    if (timer !== undefined && timerAt <= at) return hold(true)
    if (timer !== undefined) clearTimeout(timer)
    timerAt = at
    timer = setTimeout(tick, Math.max(0, Math.ceil(at - performance.now())))
    held = true
  }
  const tick = () => {
    timer = undefined
    timerAt = Infinity
    const now = performance.now()
    let next = Infinity
    for (const deadline of pending) {
      if (deadline.at <= now) {
        pending.delete(deadline)
        // one failing abort listener must not keep the others' deadlines, nor escape as an
        // uncaught exception from a timer
        try {
          deadline.fire()
        } catch {
          // the attempt is interrupted or its signal aborted all the same
        }
      } else if (deadline.at < next) {
        next = deadline.at
      }
    }
    if (next !== Infinity) schedule(next)
  }
  return {
    add: (millis: number, fire: () => void): Deadline => {
      const deadline = { at: performance.now() + millis, fire }
      pending.add(deadline)
      schedule(deadline.at)
      return deadline
    },
    remove: (deadline: Deadline): void => {
      pending.delete(deadline)
      if (pending.size === 0) hold(false)
    }
  }
})()

const MAX_TIMER_MILLIS = 2 ** 31 - 1

/**
 * The reasons the attempt's signal is aborted with, made once: `abort()` without a reason builds a
 * `DOMException` with its stack for every attempt (about 20 µs a call in
 * `pnpm bench --scenario list10 --profile "effect-clerk undici"`, a tenth of the runtime's CPU).
 */
const TIMED_OUT = Object.assign(new Error("the attempt's time limit was reached"), { name: "TimeoutError" })
const ATTEMPT_ENDED = Object.assign(new Error("the attempt has ended"), { name: "AbortError" })

const utf8 = new TextDecoder()

/** A span event per retry: which attempt failed, how, and how long the wait is. */
const retryEvent = (
  span: Tracer.Span,
  clock: Clock.Clock,
  attempt: number,
  delay: number,
  error: ClerkError.ClerkError
): void =>
  span.event("clerk.retry", clock.unsafeCurrentTimeNanos(), {
    "clerk.attempt": attempt,
    "clerk.retry.delay_ms": Math.round(delay),
    "error.type": error._tag === "TransportError" ? `TransportError.${error.reason}` : error._tag
  })

interface Body {
  readonly bytes: Uint8Array
  /** `false` when the body was longer than the cap: `bytes` then holds only the first `cap`. */
  readonly complete: boolean
}

/**
 * A body as the runtime uses it: its text; `complete: false` when it was beyond the cap (the text
 * then holds at most the first `cap` bytes).
 */
interface Text {
  readonly text: string
  readonly complete: boolean
}

const EMPTY: Text = { text: "", complete: true }
const textBody = (text: string): Text => (text.length === 0 ? EMPTY : { text, complete: true })
const TRUNCATED: Text = { text: "", complete: false }

/**
 * Reads at most `cap` bytes of the body, as text. Stopping early ends the stream, which aborts the
 * request (every client does on the end of `stream`): the rest is never read, the socket is closed.
 * A body announced longer than the cap is not read at all.
 */
const readCapped = (
  operation: string,
  response: HttpClientResponse.HttpClientResponse,
  cap: number,
  attempts: number
): Effect.Effect<Text, ClerkError.TransportError> => {
  const status = response.status
  // no body by definition (fetch gives none, and `stream` would fail)
  if (status === 204 || status === 205 || status === 304 || response.request.method === "HEAD") {
    return Effect.succeed(EMPTY)
  }
  const length = Number(response.headers["content-length"])
  const encoding = response.headers["content-encoding"]
  if (Number.isFinite(length) && length <= cap && (encoding === undefined || encoding === "identity")) {
    // The common case: a body of a known length within the cap, not encoded (fetch inflates an
    // encoded one, so its length would not bound what is read), is read in one piece: undici and
    // fetch both enforce Content-Length. In `pnpm bench --scenario create` the chunked read below (a
    // Stream over the body, then the platform's abort) took a call from about 510 to 1330 µs of CPU.
    //
    // It is read as text (the runtime wants text): in `pnpm bench --scenario list10 --profile`,
    // `arrayBuffer` then a TextDecoder cost about 12 µs a call where `text` costs about 3. Both
    // platform clients cache the text, so a `transformClient` that read it first does no harm.
    return Effect.mapError(Effect.map(response.text, textBody), (error) => transportError(operation, error, attempts))
  }
  const stream = response.stream
  if (Number.isFinite(length) && length > cap) {
    // pulling one chunk, then stopping, ends the stream and so aborts the request
    return Effect.as(Effect.ignore(Stream.runForEachWhile(stream, () => Effect.succeed(false))), TRUNCATED)
  }
  const chunks: Array<Uint8Array> = []
  let size = 0
  return stream.pipe(
    Stream.runForEachWhile((chunk) =>
      Effect.sync(() => {
        chunks.push(chunk)
        size += chunk.length
        return size <= cap
      })
    ),
    // fetch's `Response` has no body at all for some answers: that is an empty body
    Effect.catchIf(
      (error) => error.reason === "EmptyBody",
      () => Effect.void
    ),
    // A `transformClient` that read `response.text` (a logger, a test tap) left the stream used:
    // the platform caches that text, so take it (it is in memory already). A stream that fails
    // after some bytes is a broken connection, not this.
    Effect.catchAllCause((cause) =>
      size > 0 || Cause.isInterrupted(cause)
        ? Effect.failCause(cause)
        : Effect.map(response.text, (text) => {
            const bytes = new TextEncoder().encode(text)
            chunks.push(bytes)
            size = bytes.length
          })
    ),
    Effect.mapError((error) => transportError(operation, error, attempts)),
    Effect.map((): Body => concat(chunks, size, cap)),
    Effect.flatMap((body) =>
      isGzip(response, body)
        ? Effect.map(gunzip(body.bytes, cap), (inflated) => inflated ?? body)
        : Effect.succeed(body)
    ),
    // (beyond the cap, the first `cap` bytes: an error body's snippet)
    Effect.map((body): Text => ({ text: utf8.decode(body.bytes), complete: body.complete }))
  )
}

const concat = (chunks: ReadonlyArray<Uint8Array>, size: number, cap: number): Body => {
  const complete = size <= cap
  const total = Math.min(size, cap)
  if (chunks.length === 1 && complete) return { bytes: chunks[0]!, complete }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    if (offset >= total) break
    const part = chunk.length > total - offset ? chunk.subarray(0, total - offset) : chunk
    bytes.set(part, offset)
    offset += part.length
  }
  return { bytes, complete }
}

/**
 * A gzip body the HTTP stack left encoded: fetch decodes one (even unasked), undici does not, so
 * a body still starting with gzip's magic bytes under `Content-Encoding: gzip` is decoded here, so
 * both layers give the same outcome.
 */
const isGzip = (response: HttpClientResponse.HttpClientResponse, body: Body): boolean =>
  body.complete &&
  body.bytes.length > 2 &&
  body.bytes[0] === 0x1f &&
  body.bytes[1] === 0x8b &&
  /gzip/i.test(response.headers["content-encoding"] ?? "")

/** Inflates within the cap (a small body may inflate to a huge one); `undefined` if it is not gzip. */
const gunzip = (bytes: Uint8Array, cap: number): Effect.Effect<Body | undefined> =>
  Effect.promise(async (): Promise<Body | undefined> => {
    try {
      const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")).getReader()
      const chunks: Array<Uint8Array> = []
      let size = 0
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        chunks.push(value)
        size += value.length
        if (size > cap) {
          await reader.cancel()
          return { bytes: new Uint8Array(0), complete: false }
        }
      }
      return concat(chunks, size, cap)
    } catch {
      return undefined
    }
  })

/** `encodeURIComponent`, which throws on a lone surrogate: then `undefined`. */
const encodePathSegment = (value: string): string | undefined => {
  try {
    return encodeURIComponent(value)
  } catch {
    return undefined
  }
}

/** Node's and undici's error codes, on the error or anywhere down its `cause` chain. */
const errorCodes = (cause: unknown): Array<string> => {
  const codes: Array<string> = []
  const seen = new Set<unknown>()
  const visit = (value: unknown, depth: number) => {
    if (depth > 5 || value === null || typeof value !== "object" || seen.has(value)) return
    seen.add(value)
    const code = (value as { code?: unknown }).code
    if (typeof code === "string") codes.push(code)
    const name = (value as { name?: unknown }).name
    if (typeof name === "string") codes.push(name)
    visit((value as { cause?: unknown }).cause, depth + 1)
    const errors = (value as { errors?: unknown }).errors
    if (Array.isArray(errors)) for (const inner of errors) visit(inner, depth + 1)
  }
  visit(cause, 0)
  return codes
}

const REASONS: ReadonlyArray<readonly [ClerkError.TransportReason, ReadonlySet<string>, string]> = [
  ["ConnectionRefused", new Set(["ECONNREFUSED"]), "connection refused (nothing was sent)"],
  ["DnsFailure", new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL"]), "DNS lookup failed (nothing was sent)"],
  [
    "Timeout",
    new Set([
      "ETIMEDOUT",
      "UND_ERR_CONNECT_TIMEOUT",
      "UND_ERR_HEADERS_TIMEOUT",
      "UND_ERR_BODY_TIMEOUT",
      "TimeoutError"
    ]),
    "the connection timed out"
  ],
  [
    "ConnectionReset",
    new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "UND_ERR_ABORTED"]),
    "the connection was reset before the response was complete"
  ],
  [
    "InvalidRequest",
    new Set(["ERR_INVALID_CHAR", "ERR_INVALID_HTTP_TOKEN", "UND_ERR_INVALID_ARG", "ERR_INVALID_URL"]),
    "the HTTP stack refused to send the request (nothing was sent)"
  ]
]

/**
 * A failed exchange as a `TransportError` that says what happened. A request the stack refused
 * keeps no `cause`: Node's message quotes the offending header value.
 */
const transportError = (
  operation: string,
  error: HttpClientError.HttpClientError,
  attempts: number
): ClerkError.TransportError => {
  const base = { operation, method: error.request.method, url: error.request.url, attempts }
  if (error._tag === "RequestError" && error.reason !== "Transport") {
    return new ClerkError.TransportError({
      ...base,
      reason: "InvalidRequest",
      description: `the request could not be built (${error.reason}); nothing was sent`
    })
  }
  const codes = errorCodes(error.cause)
  const found = REASONS.find(([, set]) => codes.some((code) => set.has(code)))
  const headerValue = codes.includes("TypeError") && /header/i.test(String((error.cause as Error)?.message))
  if (found?.[0] === "InvalidRequest" || headerValue) {
    return new ClerkError.TransportError({
      ...base,
      reason: "InvalidRequest",
      description: "the HTTP stack refused to send the request (nothing was sent)"
    })
  }
  const code = codes.find((c) => /^[A-Z_]+$/.test(c))
  const during = error._tag === "ResponseError" ? " while reading the response body" : ""
  return new ClerkError.TransportError({
    ...base,
    reason: found?.[0] ?? (error._tag === "ResponseError" ? "ConnectionReset" : "Other"),
    description: `${found?.[2] ?? "the connection failed"}${during}${code ? ` (${code})` : ""}`,
    cause: error.cause
  })
}

const decodeClerkErrors = ParseResult.decodeUnknownOption(ClerkError.ClerkErrorBody)

const parseClerkErrors = (text: string): ClerkError.ClerkErrorBody | undefined => {
  if (text.length === 0) return undefined
  try {
    const decoded = decodeClerkErrors(JSON.parse(text))
    return decoded._tag === "Some" ? decoded.value : undefined
  } catch {
    return undefined
  }
}

/** `Retry-After` is either delta-seconds or an HTTP-date; both become seconds from now. */
export const parseRetryAfter = (value: string | undefined, now: number = Date.now()): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000))
}

const queryParams = (
  encoded: { readonly [key: string]: QueryValue },
  csv: ReadonlySet<string>
): Array<[string, string]> => {
  const params: Array<[string, string]> = []
  for (const key of Object.keys(encoded)) {
    const value = encoded[key]
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) {
      if (csv.has(key)) params.push([key, value.map(String).join(",")])
      else for (const item of value) params.push([key, String(item)])
    } else {
      params.push([key, String(value)])
    }
  }
  return params
}

const CONTENT_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml"
}

/**
 * A multipart form from an encoded body: files become Blobs, other values strings (objects JSON).
 * The form is serialized here (by the platform's own `Response`), so every HttpClient sends the same
 * bytes: undici 7 cannot send a `FormData` made by Node 20's built-in fetch.
 */
const formData = (
  client: ClerkClient.Service,
  operation: string,
  body: unknown
): Effect.Effect<{ readonly bytes: Uint8Array; readonly contentType: string }, ClerkError.InvalidInput> =>
  Effect.gen(function* () {
    const form = new FormData()
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (value === undefined || value === null) continue
      if (value instanceof Blob) form.append(key, value, value instanceof File ? value.name : key)
      else if (value instanceof Uint8Array) form.append(key, new Blob([value]), key)
      else if (typeof value === "object" && typeof (value as { path?: unknown }).path === "string") {
        const file = value as { readonly path: string; readonly type?: string | undefined }
        const bytes = yield* readPath(client, operation, file.path)
        const name = file.path.split(/[\\/]/).pop() ?? key
        const type =
          file.type ?? CONTENT_TYPES[name.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream"
        form.append(key, new Blob([bytes], { type }), name)
      } else if (Array.isArray(value)) for (const item of value) form.append(key, String(item))
      else form.append(key, typeof value === "object" ? JSON.stringify(value) : String(value))
    }
    const encoded = new Response(form)
    const bytes = yield* Effect.promise(() => encoded.arrayBuffer())
    return { bytes: new Uint8Array(bytes), contentType: encoded.headers.get("content-type")! }
  })

const readPath = (
  client: ClerkClient.Service,
  operation: string,
  path: string
): Effect.Effect<Uint8Array, ClerkError.InvalidInput> =>
  Option.match(client.fileSystem, {
    onNone: () =>
      Effect.fail(
        new ClerkError.InvalidInput({
          operation,
          location: "body",
          description: `reading ${path} needs a FileSystem in context (the Node layers provide one); pass a Blob or Uint8Array instead`
        })
      ),
    onSome: (fs) =>
      Effect.mapError(
        fs.readFile(path),
        (error) =>
          new ClerkError.InvalidInput({
            operation,
            location: "body",
            description: `cannot read ${path}: ${error.message}`
          })
      )
  })
