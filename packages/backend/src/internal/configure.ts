/**
 * The HttpClient a `ClerkClient` sends through: the base URL and Clerk's headers on every request,
 * no redirect followed, no span of the platform's; and the runtime's flags for it.
 *
 * @internal
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import * as Effect from "effect/Effect"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as RuntimeFlags from "./runtimeFlags.js"

export interface Configuration {
  readonly baseUrl: string
  /** Sent with every request (one object for all: the key in it is what `bearerToken` would set). */
  readonly headers: { readonly [name: string]: string }
  readonly tracerPropagation?: boolean | undefined
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/** W3C and B3 headers of the current span (the operation's), for `tracerPropagation: true`. */
const propagateTrace = HttpClient.mapRequestEffect((request: HttpClientRequest.HttpClientRequest) =>
  Effect.map(Effect.option(Effect.currentSpan), (span) =>
    Option.isSome(span) ? HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(span.value)) : request
  )
)

/** The fetch layer follows redirects unless told not to; Clerk's API does not redirect. */
const noRedirects = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transform(client, (effect) =>
    Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
      Effect.provideService(effect, FetchHttpClient.RequestInit, {
        ...Option.getOrElse(init, () => ({})),
        redirect: "manual"
      })
    )
  )

/**
 * The configured client over `base`, and how the runtime may run calls through it. A `signalAware`
 * base needs no redirect or tracer wrapper (it follows none and records none).
 */
export const configure = (
  base: HttpClient.HttpClient,
  configuration: Configuration
): { readonly httpClient: HttpClient.HttpClient; readonly flags: RuntimeFlags.RuntimeFlags } => {
  const aware = RuntimeFlags.isSignalAware(base)
  const { baseUrl, headers, tracerPropagation, transformClient } = configuration
  const configured = base.pipe(
    aware ? identity : noRedirects,
    HttpClient.mapRequest((request) =>
      HttpClientRequest.setHeaders(HttpClientRequest.prependUrl(request, baseUrl), headers)
    ),
    // The operation's own span (`Users.get`) records the call. The platform's inner span would
    // record its failures with the request, headers included: the key would reach the tracer.
    aware ? identity : HttpClient.withTracerDisabledWhen(() => true),
    tracerPropagation ? propagateTrace : identity
  )
  return {
    httpClient: transformClient ? transformClient(configured) : configured,
    flags: {
      attemptSignal: aware && transformClient === undefined,
      readsSpan: !aware || transformClient !== undefined || tracerPropagation === true
    }
  }
}
