import { ActorTokens, ClerkClient, type ClerkError, ClerkTest, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
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
        expect(captured.some((line) => line.startsWith("http.client POST"))).toBe(true)
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
