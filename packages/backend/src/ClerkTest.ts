/**
 * Test layers: a `ClerkClient` over a mocked HttpClient. Script Clerk's answers with a handler,
 * then inspect every request the SDK built. Nothing touches the network.
 *
 * ```ts
 * const TestClerk = ClerkTest.layer((request) =>
 *   request.url.pathname === "/v1/actor_tokens/act_1/revoke"
 *     ? ClerkTest.clerkError(404, "resource_not_found", "not found")
 *     : ClerkTest.json(200, token)
 * )
 * it.effect("revoking twice is a NotFound", () =>
 *   Effect.gen(function* () {
 *     const error = yield* Effect.flip(ActorTokens.revoke("act_1"))
 *     expect(error._tag).toBe("NotFound")
 *     const [request] = yield* ClerkTest.requests
 *     expect(request.method).toBe("POST")
 *   }).pipe(Effect.provide(ActorTokens.layer.pipe(Layer.provideMerge(TestClerk))))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as ClerkClient from "./ClerkClient.js"

/**
 * A request as the SDK sent it.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: string
  readonly url: URL
  /** Lower-cased names, as sent (including `authorization` with the test key). */
  readonly headers: { readonly [name: string]: string }
  /** The body's bytes, as sent (multipart uploads included). */
  readonly bytes: Uint8Array
  /** The body as UTF-8 text; `""` when there was none. */
  readonly text: string
  /** The body parsed as JSON; `undefined` when there was none or it was not JSON. */
  readonly json: unknown
}

/**
 * What a handler answers: a web `Response` (or a promise of one). Throwing, or rejecting,
 * simulates a failed connection.
 *
 * @since 0.1.0
 * @category models
 */
export type Handler = (request: RecordedRequest) => Response | Promise<Response>

/**
 * The recorder of a test layer.
 *
 * @since 0.1.0
 * @category tags
 */
export class ClerkTest extends Context.Tag("@effect-clerk/backend/ClerkTest")<
  ClerkTest,
  { readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>> }
>() {}

/**
 * The key test layers send. It is not a secret, so tests may assert on it.
 *
 * @since 0.1.0
 * @category constants
 */
export const TEST_SECRET_KEY = "sk_test_effect_clerk_mock"

/**
 * Every request sent so far, oldest first.
 *
 * @since 0.1.0
 * @category accessors
 */
export const requests: Effect.Effect<ReadonlyArray<RecordedRequest>, never, ClerkTest> = Effect.flatMap(
  ClerkTest,
  (recorder) => recorder.requests
)

const record = async (input: string | URL | Request, init?: RequestInit): Promise<RecordedRequest> => {
  const request = new Request(input, init)
  const bytes = new Uint8Array(await request.arrayBuffer())
  const text = new TextDecoder().decode(bytes)
  let json: unknown = undefined
  if (text.length > 0) {
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
  }
  return {
    method: request.method,
    url: new URL(request.url),
    headers: Object.fromEntries(request.headers),
    bytes,
    text,
    json
  }
}

/**
 * A `ClerkClient` (and the `ClerkTest` recorder) whose requests go to `handler` instead of the
 * network. `options` are those of `ClerkClient.layer`; the secret key defaults to `TEST_SECRET_KEY`,
 * and retries are off (`retry: false`) so that a scripted 429 or 5xx reaches the code under test
 * at once, and `it.effect`'s TestClock never waits on a backoff. Pass `retry` to test them.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  handler: Handler,
  options?: Partial<ClerkClient.Options>
): Layer.Layer<ClerkClient.ClerkClient | ClerkTest> =>
  // Built anew each time the layer is provided, so tests sharing one layer value never share
  // recorded requests.
  Layer.unwrapEffect(
    Effect.sync(() => {
      const recorded: Array<RecordedRequest> = []
      const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
        const request = await record(input, init)
        recorded.push(request)
        return handler(request)
      }
      const client = ClerkClient.layer({ secretKey: Redacted.make(TEST_SECRET_KEY), retry: false, ...options }).pipe(
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch as typeof globalThis.fetch)),
        Layer.orDie
      )
      return Layer.merge(client, Layer.succeed(ClerkTest, { requests: Effect.sync(() => recorded.slice()) }))
    })
  )

/**
 * A JSON response.
 *
 * @since 0.1.0
 * @category responses
 */
export const json = (status: number, body: unknown, headers?: Record<string, string>): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers }
  })

/**
 * A Clerk-shaped error response: `{ errors: [{ code, message, long_message }], clerk_trace_id }`.
 *
 * @since 0.1.0
 * @category responses
 */
export const clerkError = (
  status: number,
  code: string,
  message: string,
  options?: {
    readonly longMessage?: string | undefined
    readonly traceId?: string | undefined
    readonly meta?: Record<string, unknown> | undefined
    readonly headers?: Record<string, string> | undefined
  }
): Response =>
  json(
    status,
    {
      errors: [
        {
          code,
          message,
          long_message: options?.longMessage ?? message,
          ...(options?.meta ? { meta: options.meta } : {})
        }
      ],
      ...(options?.traceId ? { clerk_trace_id: options.traceId } : {})
    },
    options?.headers
  )
