import { ActorTokens, Clerk, ClerkClient, type ClerkError, ClerkTest, JWKS, Users } from "@effect-clerk/backend"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as Tracer from "effect/Tracer"
import { inspect } from "node:util"

const SECRET = "sk_live_LEAKCANARY0123456789abcdef"
const CANARY = "LEAKCANARY0123456789abcdef"

/** A tracer that keeps every span with its attributes and events, as text. */
const recordingTracer = () => {
  const captured: Array<string> = []
  let next = 0
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const attributes = new Map<string, unknown>()
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: `span${++next}`,
        traceId: "trace",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes,
        links,
        sampled: true,
        kind,
        end(endTime, exit) {
          ;(span as { status: Tracer.SpanStatus }).status = { _tag: "Ended", startTime, endTime, exit }
          captured.push(`${name} ${inspect(Object.fromEntries(attributes), { depth: 10 })}`)
          if (Exit.isFailure(exit)) captured.push(Cause.pretty(exit.cause))
        },
        attribute(key, value) {
          attributes.set(key, value)
        },
        event(eventName, _time, eventAttributes) {
          captured.push(`event ${eventName} ${inspect(eventAttributes, { depth: 10 })}`)
        },
        addLinks() {}
      }
      return span
    },
    context: (f) => f()
  })
  return { tracer, captured }
}

const scenarios: ReadonlyArray<readonly [string, ClerkTest.Handler]> = [
  [
    "success",
    () =>
      ClerkTest.json(200, {
        object: "actor_token",
        id: "act_1",
        status: "pending",
        user_id: "u",
        actor: { sub: "a" },
        created_at: 1,
        updated_at: 1
      })
  ],
  ["401", () => ClerkTest.clerkError(401, "authentication_invalid", "Invalid authentication")],
  ["500", () => new Response("upstream exploded", { status: 500 })],
  ["non-JSON 200", () => new Response("<html>", { status: 200 })],
  ["wrong shape", () => ClerkTest.json(200, { id: 1 })],
  ["undocumented 418", () => ClerkTest.json(418, { teapot: true })],
  [
    "transport failure",
    () => {
      throw new TypeError("fetch failed")
    }
  ]
]

describe("the secret key never leaks", () => {
  for (const [name, handler] of scenarios) {
    it.effect(`${name}: not in errors, logs or spans`, () =>
      Effect.gen(function* () {
        const { tracer, captured } = recordingTracer()
        const logs: Array<string> = []
        const logger = Logger.make(({ message, cause, annotations, spans }) => {
          logs.push(inspect({ message, annotations, spans }, { depth: 10 }), Cause.pretty(cause))
        })
        const program = Effect.gen(function* () {
          const calls: Array<Effect.Effect<unknown, ClerkError.ClerkError, ActorTokens.ActorTokens | Users.Users>> = [
            ActorTokens.create({ user_id: "user_1", actor: { sub: "user_2" } }),
            ActorTokens.revoke("act_1"),
            // invalid input, rejected before sending
            ActorTokens.create({ user_id: "user_1", actor: {} } as unknown as ActorTokens.CreateBody),
            Users.list({ limit: 0 })
          ]
          const outcomes = yield* Effect.all(calls.map((effect) => Effect.either(effect)))
          for (const outcome of outcomes) {
            if (outcome._tag === "Left") {
              const error = outcome.left
              yield* Effect.logError("call failed", error)
              logs.push(String(error), error.message, JSON.stringify(error), inspect(error, { depth: 10 }))
              if (error.stack) logs.push(error.stack)
            }
          }
          yield* Effect.logInfo("outcomes", outcomes)
          return outcomes
        })
        const outcomes = yield* program.pipe(
          Effect.provide(Layer.mergeAll(ActorTokens.layer, Users.layer)),
          Effect.provide(ClerkTest.layer(handler, { secretKey: Redacted.make(SECRET) })),
          Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
          Effect.withTracer(tracer)
        )
        // the scenarios really ran: the key was sent, spans and logs were written
        expect(outcomes).toHaveLength(4)
        expect(captured.some((line) => line.startsWith("ActorTokens.create"))).toBe(true)
        // the calls that were sent recorded their attempts
        expect(captured.some((line) => line.includes("'clerk.attempts': 1"))).toBe(true)
        expect(logs.length).toBeGreaterThan(2)
        for (const line of [...captured, ...logs]) {
          expect(line).not.toContain(CANARY)
        }
      })
    )
  }

  it.effect("the request did carry the key (so the checks above could have failed)", () =>
    Effect.gen(function* () {
      yield* Effect.either(ActorTokens.revoke("act_1"))
      const [request] = yield* ClerkTest.requests
      expect(request!.headers["authorization"]).toBe(`Bearer ${SECRET}`)
      const client = yield* ClerkClient.ClerkClient
      expect(inspect(client, { depth: 10 })).not.toContain(CANARY)
    }).pipe(
      Effect.provide(
        ActorTokens.layer.pipe(
          Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(404, {}), { secretKey: Redacted.make(SECRET) }))
        )
      )
    )
  )
})

/**
 * Runs `program` with a Debug logger and a recording tracer, and returns every text a user could
 * see: the exit (String, JSON, inspect, Cause.pretty), the logs and the spans with their exits.
 */
const surfaces = <A, E>(program: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const { tracer, captured } = recordingTracer()
    const logs: Array<string> = []
    const logger = Logger.make(({ message, cause, annotations, spans }) => {
      logs.push(inspect({ message, annotations, spans }, { depth: 10 }), Cause.pretty(cause))
    })
    const exit = yield* program.pipe(
      Effect.tapErrorCause((cause) => Effect.logDebug("failed", cause)),
      Effect.withSpan("program"),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.Debug),
      Effect.withTracer(tracer),
      Effect.exit
    )
    const texts = [...captured, ...logs, String(exit), JSON.stringify(exit), inspect(exit, { depth: 10 })]
    if (Exit.isFailure(exit)) {
      texts.push(Cause.pretty(exit.cause))
      const error = Cause.squash(exit.cause)
      texts.push(String(error), JSON.stringify(error), inspect(error, { depth: 10 }))
    }
    return { exit, texts, logs, spans: captured }
  })

const fetchReturning =
  (answer: () => Response | Promise<Response>): typeof globalThis.fetch =>
  async () =>
    answer()

describe("the secret key never leaks from layer construction or the HTTP stack (fetch layer)", () => {
  const layerWith = (options: Partial<ClerkClient.Options>, fetch: typeof globalThis.fetch) =>
    Clerk.layerFetch({ secretKey: Redacted.make(SECRET), retry: false, ...options }).pipe(
      Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch))
    )

  const cases: ReadonlyArray<readonly [string, Partial<ClerkClient.Options>]> = [
    ["a newline inside the key", { secretKey: Redacted.make(`sk_live_LEAK\nCANARY0123456789abcdef`) }],
    ["a space inside the key", { secretKey: Redacted.make(`sk_live_LEAK CANARY0123456789abcdef`) }],
    ["a non-ASCII character in the key", { secretKey: Redacted.make(`sk_live_LEAKCANARY0123456789abcdéf`) }],
    ["key and base URL swapped", { secretKey: Redacted.make("https://api.clerk.com/v1"), baseUrl: SECRET }],
    ["the key as the base URL", { baseUrl: SECRET }]
  ]
  for (const [name, options] of cases) {
    it.effect(`${name}: a ConfigError, nothing sent, the value on no surface`, () =>
      Effect.gen(function* () {
        const sent: Array<string> = []
        const fetch: typeof globalThis.fetch = async (input) => {
          sent.push(String(input))
          return ClerkTest.json(200, { keys: [] })
        }
        const { exit, texts } = yield* surfaces(JWKS.get().pipe(Effect.provide(layerWith(options, fetch))))
        expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toMatchObject({ _tag: "ConfigError" })
        expect(sent).toEqual([])
        for (const text of texts) {
          expect(text).not.toContain("CANARY")
          expect(text).not.toContain("LEAK")
        }
      })
    )
  }

  it.effect("a key ending in a newline is trimmed and works", () =>
    Effect.gen(function* () {
      const headers: Array<string | null> = []
      const fetch: typeof globalThis.fetch = async (_input, init) => {
        headers.push(new Headers(init?.headers).get("authorization"))
        return ClerkTest.json(200, { keys: [] })
      }
      const { exit } = yield* surfaces(
        JWKS.get().pipe(Effect.provide(layerWith({ secretKey: Redacted.make(`  ${SECRET}\r\n`) }, fetch)))
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(headers).toEqual([`Bearer ${SECRET}`])
    })
  )

  it.effect("an HTTP stack that quotes our header in its error: InvalidRequest without the cause", () =>
    Effect.gen(function* () {
      const fetch: typeof globalThis.fetch = async () => {
        throw new TypeError(`Headers.append: "Bearer ${SECRET}" is an invalid header value.`)
      }
      const { exit, texts, spans } = yield* surfaces(JWKS.get().pipe(Effect.provide(layerWith({}, fetch))))
      const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
      expect(error).toMatchObject({ _tag: "TransportError", reason: "InvalidRequest" })
      expect(spans.some((line) => line.startsWith("JWKS.get"))).toBe(true)
      for (const text of texts) expect(text).not.toContain(CANARY)
    })
  )

  it.effect("timeouts, resets and refusals carry no key (spans included)", () =>
    Effect.gen(function* () {
      const failures: ReadonlyArray<typeof globalThis.fetch> = [
        fetchReturning(() => {
          throw new TypeError("fetch failed", {
            cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })
          })
        }),
        fetchReturning(() => {
          throw new TypeError("fetch failed", {
            cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })
          })
        }),
        fetchReturning(() => new Promise<Response>(() => {}))
      ]
      for (const fetch of failures) {
        const { exit, texts } = yield* surfaces(
          JWKS.get().pipe(Effect.provide(layerWith({ timeout: "50 millis" }, fetch)))
        ).pipe(
          Effect.fork,
          Effect.tap(() => TestClock.adjust("1 second")),
          Effect.flatMap(Fiber.join)
        )
        expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toMatchObject({ _tag: "TransportError" })
        for (const text of texts) expect(text).not.toContain(CANARY)
      }
    })
  )

  it.effect("a missing CLERK_SECRET_KEY reads as a sentence; a key in CLERK_API_URL is not echoed", () =>
    Effect.gen(function* () {
      const run = (env: Record<string, string>) =>
        surfaces(
          JWKS.get().pipe(
            Effect.provide(
              Clerk.layerFetchConfig().pipe(
                Layer.provide(
                  Layer.succeed(
                    FetchHttpClient.Fetch,
                    fetchReturning(() => ClerkTest.json(200, {}))
                  )
                ),
                Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
              )
            )
          )
        )
      const missing = yield* run({})
      const error = Exit.isFailure(missing.exit) ? Cause.squash(missing.exit.cause) : undefined
      expect(String(error)).toContain("CLERK_SECRET_KEY is not set")
      expect(String(error)).not.toContain("<redacted>")
      const swapped = yield* run({ CLERK_SECRET_KEY: "https://api.clerk.com/v1", CLERK_API_URL: SECRET })
      expect(Exit.isFailure(swapped.exit)).toBe(true)
      for (const text of swapped.texts) expect(text).not.toContain(CANARY)
      const both = String(Exit.isFailure(swapped.exit) ? Cause.squash(swapped.exit.cause) : "")
      expect(both).toContain("CLERK_SECRET_KEY")
    })
  )
})
