/**
 * The undici side of packages/backend/test/Secrets.test.ts: over NodeClerk against a real socket,
 * the secret key appears on no surface (errors, Cause.pretty, Debug logs, spans and their exits)
 * when the layer refuses a key or a base URL, or a call is refused, reset or times out.
 */
import { JWKS } from "@effect-clerk/backend"
import * as NodeClerk from "@effect-clerk/platform-node/NodeClerk"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Tracer from "effect/Tracer"
import { inspect } from "node:util"
import { refusedUrl, serve } from "./faultServer.js"

const SECRET = "sk_live_UNDICIcanary0123456789"
const CANARY = "UNDICIcanary0123456789"

/** Every span (attributes, events, exit) and every Debug log, as text, plus the exit itself. */
const surfaces = <A, E>(program: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const texts: Array<string> = []
    const tracer = Tracer.make({
      span(name, parent, context, links, startTime, kind) {
        const attributes = new Map<string, unknown>()
        const span: Tracer.Span = {
          _tag: "Span",
          name,
          spanId: `span${texts.length}`,
          traceId: "trace",
          parent,
          context,
          status: { _tag: "Started", startTime },
          attributes,
          links,
          sampled: true,
          kind,
          end(_endTime, exit) {
            texts.push(
              `${name} ${inspect(Object.fromEntries(attributes), { depth: 10 })}`,
              inspect(exit, { depth: 10 })
            )
            if (Exit.isFailure(exit)) texts.push(Cause.pretty(exit.cause))
          },
          attribute: (key, value) => attributes.set(key, value),
          event: (eventName, _time, eventAttributes) => texts.push(`${eventName} ${inspect(eventAttributes)}`),
          addLinks() {}
        }
        return span
      },
      context: (f) => f()
    })
    const logger = Logger.make(({ message, cause }) => texts.push(inspect(message, { depth: 10 }), Cause.pretty(cause)))
    const exit = yield* program.pipe(
      Effect.tapErrorCause((cause) => Effect.logDebug("failed", cause)),
      Effect.withSpan("program"),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.Debug),
      Effect.withTracer(tracer),
      Effect.exit
    )
    texts.push(String(exit), JSON.stringify(exit), inspect(exit, { depth: 10 }))
    if (Exit.isFailure(exit)) {
      const error = Cause.squash(exit.cause)
      texts.push(Cause.pretty(exit.cause), String(error), JSON.stringify(error), inspect(error, { depth: 10 }))
    }
    return { exit, texts }
  })

const tagOf = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isFailure(exit) ? (Cause.squash(exit.cause) as { _tag?: string })._tag : "ok"

describe("the secret key never leaks over undici", () => {
  const refused: ReadonlyArray<readonly [string, () => Layer.Layer<any, any>]> = [
    [
      "a newline inside the key",
      () => NodeClerk.layer({ secretKey: Redacted.make(`sk_live_UNDICI\ncanary0123456789`) })
    ],
    [
      "key and base URL swapped",
      () => NodeClerk.layer({ secretKey: Redacted.make("https://x.test"), baseUrl: SECRET })
    ],
    [
      "the key in CLERK_API_URL",
      () =>
        NodeClerk.layerConfig().pipe(
          Layer.provide(
            Layer.setConfigProvider(
              ConfigProvider.fromMap(
                new Map([
                  ["CLERK_SECRET_KEY", "sk_test_fine"],
                  ["CLERK_API_URL", SECRET]
                ])
              )
            )
          )
        )
    ]
  ]
  for (const [name, layer] of refused) {
    it.live(`${name}: ConfigError, on no surface`, () =>
      Effect.gen(function* () {
        const { exit, texts } = yield* surfaces(JWKS.get().pipe(Effect.provide(layer())))
        expect(tagOf(exit)).toBe("ConfigError")
        for (const text of texts) expect(text).not.toContain("canary0123456789")
      })
    )
  }

  it.live("refused, reset, timed out: TransportError, the key on no surface (the request did carry it)", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const seen: Array<string | undefined> = []
        const reset = yield* serve((req) => {
          seen.push(req.headers.authorization)
          req.socket.destroy()
        })
        const silent = yield* serve((req) => {
          seen.push(req.headers.authorization)
        })
        const urls = [yield* refusedUrl, reset.url, silent.url]
        for (const baseUrl of urls) {
          const { exit, texts } = yield* surfaces(
            JWKS.get().pipe(
              Effect.provide(
                NodeClerk.layer({
                  secretKey: Redacted.make(SECRET),
                  baseUrl,
                  timeout: "200 millis",
                  retry: { maxAttempts: 2, initialDelay: "5 millis" }
                })
              )
            )
          )
          expect(tagOf(exit)).toBe("TransportError")
          expect(texts.some((text) => text.includes("clerk.retry"))).toBe(true)
          for (const text of texts) {
            const at = text.indexOf(CANARY)
            expect(at === -1 ? "" : text.slice(Math.max(0, at - 600), at + 40)).toBe("")
          }
        }
        expect(seen).toEqual([`Bearer ${SECRET}`, `Bearer ${SECRET}`, `Bearer ${SECRET}`, `Bearer ${SECRET}`])
      })
    )
  )
})
