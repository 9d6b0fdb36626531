/**
 * The JWKS cache against a real HTTP server on 127.0.0.1 that accepts `GET /v1/jwks` and never
 * answers (issue 14, point 1). Real time: the bounds below are behaviour (how long a request may be
 * held), with margins wide enough for a loaded 2-core machine; the queue they rule out (each waiter
 * starting its own fetch after the previous one timed out) would take 50 fetch limits.
 */
import { ClerkClient, JWKS } from "@effect-clerk/backend"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import * as Keys from "../src/Keys.js"
import * as SessionToken from "../src/SessionToken.js"
import { makeKey, sessionClaims, sign } from "./helpers.js"

const k1 = await makeKey("ins_k1")

/** A server that records each request, how many are open at once, and never answers. */
const hangingServer = Effect.acquireRelease(
  Effect.async<{ server: Server; url: string; stats: { requests: Array<number>; open: number; maxOpen: number } }>(
    (resume) => {
      const stats = { requests: [] as Array<number>, open: 0, maxOpen: 0 }
      const server = createServer((request, response) => {
        stats.requests.push(Date.now())
        stats.open++
        stats.maxOpen = Math.max(stats.maxOpen, stats.open)
        response.on("close", () => stats.open--)
        request.resume()
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ server, url: `http://127.0.0.1:${port}/v1`, stats }))
      })
    }
  ),
  ({ server }) =>
    Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
)

const FETCH_LIMIT = 1_000
/** What a loaded machine may add to a wait: scheduling, the TCP connect, the abort. */
const MARGIN = 3_000

describe("Keys.layerJwks against a hanging server on 127.0.0.1", () => {
  it.live(
    "50 concurrent verifications, then tokens for 3 s: one fetch in flight, every wait within one limit, fetches spaced",
    () =>
      Effect.gen(function* () {
        const { url, stats } = yield* hangingServer
        const layer = Keys.layerJwks({ fetchTimeout: FETCH_LIMIT, minRefetchInterval: FETCH_LIMIT }).pipe(
          Layer.provide(JWKS.layer),
          Layer.provide(ClerkClient.layer({ secretKey: Redacted.make("sk_test_hanging"), baseUrl: url })),
          Layer.provide(FetchHttpClient.layer),
          Layer.orDie
        )
        const keys = yield* Layer.build(layer)
        const token = yield* Effect.promise(() =>
          sign(k1, sessionClaims({ iat: undefined, nbf: undefined, exp: Math.floor(Date.now() / 1000) + 600 }))
        )
        const timed = Effect.gen(function* () {
          const started = Date.now()
          const error = yield* Effect.flip(SessionToken.verify(token).pipe(Effect.provide(keys)))
          return { reason: error.reason, waited: Date.now() - started }
        })

        const cold = yield* Effect.all(
          Array.from({ length: 50 }, () => timed),
          { concurrency: "unbounded" }
        )
        for (const { reason, waited } of cold) {
          expect(reason).toBe("jwks-unavailable")
          expect(waited).toBeLessThanOrEqual(FETCH_LIMIT + MARGIN)
        }
        expect(stats.requests.length).toBe(1)

        const later: Array<{ reason: string; waited: number }> = []
        const until = Date.now() + 3_000
        while (Date.now() < until) {
          later.push(
            ...(yield* Effect.all(
              Array.from({ length: 5 }, () => timed),
              { concurrency: "unbounded" }
            ))
          )
          yield* Effect.sleep("200 millis")
        }
        for (const { reason, waited } of later) {
          expect(reason).toBe("jwks-unavailable")
          expect(waited).toBeLessThanOrEqual(FETCH_LIMIT + MARGIN)
        }
        // a fetch (1 s at most) and then the interval (1 s) between two starts, whatever came in. Seen
        // from the server, an arrival may lag its start by a loaded machine's scheduling; counting the
        // interval from the last fetch's start (main's defect) puts starts 1 s apart, hence 1.5 s.
        expect(stats.requests.length).toBeGreaterThanOrEqual(2)
        for (let i = 1; i < stats.requests.length; i++) {
          expect(stats.requests[i]! - stats.requests[i - 1]!).toBeGreaterThanOrEqual(2 * FETCH_LIMIT - 500)
        }
        expect(stats.maxOpen).toBe(1)
      }).pipe(Effect.scoped),
    30_000
  )
})
