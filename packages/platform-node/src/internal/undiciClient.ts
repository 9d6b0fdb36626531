/**
 * The HttpClient under `NodeClerkClient`: undici's `Dispatcher.request`, and nothing the SDK's
 * runtime already does. It keeps the runtime's transport contract (`ClerkTransport.signalAware`).
 *
 * `NodeHttpClient.layerUndici` wraps every request in what a general-purpose client needs: a `URL`
 * object, a tracer check and an `http.client` span, an interruption mask, a `FinalizationRegistry`
 * entry per response (to abort one nobody reads), a wrapper around every body accessor, and a new
 * `Headers` copy on each `response.headers`. The runtime of @effect-clerk/backend has its own span,
 * time limit, interruption and body handling (it reads or drops every body, within a cap), so here
 * a request is one `Effect.async` over `dispatcher.request`, aborted by its canceler or, under the
 * runtime's attempt signal, by that signal.
 *
 * What that client adds is a large share of a call's CPU; the benchmark's "Effect floor" and
 * "Effect floor (SDK client)" rows (`pnpm bench`) send the same hand-written request through each.
 *
 * The same outcomes as the platform's clients (the fault suite checks each case on this client and
 * on fetch, and expects the same outcome of both):
 * - a request that cannot be sent is a `RequestError` (reason `Transport`, undici's error as its
 *   cause, so the runtime reads the same codes); a URL that does not parse, reason `InvalidUrl`;
 * - a body that fails while read is a `ResponseError` (reason `Decode`);
 * - interrupting the request or a body read aborts the request (the connection is closed), and so
 *   does the end of `response.stream`, as the platform's client does; under the runtime's
 *   `CurrentAttemptSignal`, that signal is the request's, and the runtime aborts it when the attempt
 *   times out, fails or is interrupted.
 *
 * Internal: a response whose body nobody reads holds its connection until it is read or aborted
 * (undici's rule); the SDK's runtime always does one or the other.
 *
 * @internal
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as ClerkTransport from "@effect-clerk/backend/ClerkTransport"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeStream from "@effect/platform-node/NodeStream"
import type * as Undici from "@effect/platform-node/Undici"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

/**
 * An HttpClient over `dispatcher`, `signalAware`: it aborts a request and its body reads when the
 * runtime's `CurrentAttemptSignal` aborts (an attempt's time is up), follows no redirect (undici's
 * `request` does not) and records no span.
 */
export const make = (dispatcher: Undici.Dispatcher): HttpClient.HttpClient =>
  ClerkTransport.signalAware(
    HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
      (effect) => Effect.flatMap(effect, (request) => send(dispatcher, request)),
      Effect.succeed
    )
  )

/** The client over a new undici `Agent`, destroyed with the layer. */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(NodeHttpClient.Dispatcher, make)
).pipe(Layer.provide(NodeHttpClient.dispatcherLayer))

const send = (
  dispatcher: Undici.Dispatcher,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError> =>
  Effect.withFiberRuntime((fiber) => {
    const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
    if (Either.isLeft(url)) {
      return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
    }
    const attempt = fiber.getFiberRef(ClerkTransport.CurrentAttemptSignal)
    const body = request.body
    if (body._tag === "Stream") {
      return Effect.flatMap(NodeStream.toReadable(body.stream), (readable) =>
        dispatch(dispatcher, request, url.right, readable, attempt)
      )
    }
    return dispatch(dispatcher, request, url.right, bodyOf(body), attempt)
  })

type DispatchBody = Exclude<Undici.Dispatcher.DispatchOptions["body"], undefined>

const bodyOf = (body: Exclude<HttpBody.HttpBody, HttpBody.Stream>): DispatchBody => {
  switch (body._tag) {
    case "Empty":
      return null
    case "Uint8Array":
    case "Raw":
      return body.body as Uint8Array
    case "FormData":
      return body.formData as unknown as Undici.FormData
  }
}

const dispatch = (
  dispatcher: Undici.Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  body: DispatchBody,
  attempt: AbortSignal | undefined
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError> =>
  Effect.async((resume) => {
    // Under the runtime's attempt signal, that signal is the request's: the runtime aborts it when
    // the attempt times out, fails or is interrupted; the end of a stream destroys the body.
    // Otherwise the request has its own, aborted on interruption and at the end of a stream.
    const controller = attempt === undefined ? new AbortController() : undefined
    dispatcher
      .request({
        method: request.method,
        headers: request.headers,
        origin: url.origin,
        path: url.pathname + url.search + url.hash,
        body,
        signal: attempt ?? controller!.signal,
        // time limits are the runtime's (per attempt, headers and body together)
        headersTimeout: 60 * 60 * 1000,
        bodyTimeout: 0
      })
      .then(
        (source: Undici.Dispatcher.ResponseData) =>
          resume(Effect.succeed(new UndiciResponse(request, source, controller))),
        (cause: unknown) =>
          resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
      )
    if (controller !== undefined) return Effect.sync(() => controller.abort())
  })

const noop = () => {}
const utf8 = new TextEncoder()

class UndiciResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders?: Headers.Headers
  private cachedCookies?: Cookies.Cookies
  private textRead?: Promise<string>
  private bytesRead?: Promise<ArrayBuffer>

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    private readonly source: Undici.Dispatcher.ResponseData,
    private readonly controller: AbortController | undefined
  ) {
    super()
    // a body that fails after nobody listens must not become an unhandled 'error' event
    source.body.on("error", noop)
  }

  get status(): number {
    return this.source.statusCode
  }

  get statusText(): string | undefined {
    return undefined
  }

  get headers(): Headers.Headers {
    return (this.cachedHeaders ??= Headers.fromInput(this.source.headers as Headers.Input))
  }

  get cookies(): Cookies.Cookies {
    if (this.cachedCookies === undefined) {
      const header = this.source.headers["set-cookie"]
      this.cachedCookies =
        header === undefined ? Cookies.empty : Cookies.fromSetCookie(Array.isArray(header) ? header : [header])
    }
    return this.cachedCookies
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  /** A body read as a promise, failing as a `ResponseError`; interrupting it aborts the request. */
  private read<A>(promise: () => Promise<A>): Effect.Effect<A, HttpClientError.ResponseError> {
    return Effect.async((resume) => {
      promise().then(
        (value) => resume(Effect.succeed(value)),
        (cause) =>
          resume(
            Effect.fail(
              new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
            )
          )
      )
      if (this.controller !== undefined) return Effect.sync(() => this.controller!.abort())
    })
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return this.read(
      () =>
        (this.textRead ??=
          this.bytesRead === undefined
            ? this.source.body.text()
            : this.bytesRead.then((bytes) => new TextDecoder().decode(bytes)))
    )
  }

  /** The bytes; after `text` (a `transformClient` that logged the body), the bytes of that text. */
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return this.read(
      () =>
        (this.bytesRead ??=
          this.textRead === undefined
            ? this.source.body.arrayBuffer()
            : this.textRead.then((text) => utf8.encode(text).buffer as ArrayBuffer))
    )
  }

  /** The text made into something else; a failure to do so is a `ResponseError` too. */
  private fromText<A>(f: (text: string) => A): Effect.Effect<A, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => f(text),
        catch: (cause) =>
          new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
      })
    )
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return this.fromText((text) => (text === "" ? null : (JSON.parse(text) as unknown)))
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return this.fromText((text) => UrlParams.fromInput(new URLSearchParams(text)))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return this.read(() => this.source.body.formData() as Promise<FormData>)
  }

  /**
   * The body as it arrives; its end (complete, failed or interrupted) aborts what is left. After
   * `text` or `arrayBuffer`, the bytes already read, in one chunk.
   */
  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    // read already (a `transformClient` that logged the body): the bytes kept of it
    if (this.textRead !== undefined || this.bytesRead !== undefined) {
      return Stream.fromEffect(Effect.map(this.arrayBuffer, (buffer) => new Uint8Array(buffer)))
    }
    return Stream.ensuring(
      NodeStream.fromReadable(
        () => this.source.body,
        (cause) => new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
      ),
      Effect.sync(() => this.release())
    )
  }

  /**
   * Stops the request: by its own controller, or (under the runtime's attempt signal, which only
   * the runtime aborts) by destroying a body that has not ended, which makes undici abort it.
   */
  private release(): void {
    if (this.controller !== undefined) this.controller.abort()
    else if (!this.source.body.readableEnded) this.source.body.destroy()
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}
