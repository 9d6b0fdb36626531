/**
 * A failed exchange as a `TransportError` (internal/transportErrors.ts), with the error shapes each
 * runtime gives: Node's and undici's codes down the cause chain, Bun's code, Deno's words, workerd's
 * message. End to end over real sockets: packages/platform-node/test/FaultSuite.test.ts.
 */
import { ActorTokens, ClerkTest, JWKS } from "@effect-clerk/backend"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { transportError } from "../src/internal/transportErrors.js"

const request = HttpClientRequest.post("/actor_tokens")

const failed = (cause: unknown) =>
  transportError("ActorTokens.create", new HttpClientError.RequestError({ request, reason: "Transport", cause }), 1)

/** Deno 2's fetch, refused (no code anywhere). */
const denoRefused = () =>
  new TypeError("fetch failed", {
    cause: new Error("client error (Connect): tcp connect error: Connection refused (os error 111)")
  })

/** workerd's fetch, for a refused connection and for one lost after the request went out alike. */
const workerdLost = () => new Error("Network connection lost.")

describe("reasons from the error's shape", () => {
  it("Node's fetch (undici): the code on the cause", () => {
    const error = failed(
      new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })
      })
    )
    expect(error).toMatchObject({ reason: "ConnectionRefused", operation: "ActorTokens.create", method: "POST" })
    expect(error.description).toBe("connection refused (nothing was sent) (ECONNREFUSED)")
  })

  it("an AggregateError (happy eyeballs, IPv4 and IPv6 refused): the codes of its errors", () => {
    const both = new AggregateError([
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
      Object.assign(new Error("connect ECONNREFUSED ::1:9"), { code: "ECONNREFUSED" })
    ])
    expect(failed(new TypeError("fetch failed", { cause: both })).reason).toBe("ConnectionRefused")
  })

  it("Bun: the code on the error itself", () => {
    expect(failed(Object.assign(new Error("Unable to connect"), { code: "ECONNREFUSED" })).reason).toBe(
      "ConnectionRefused"
    )
  })

  it("Deno: `fetch failed` caused by hyper's words, no code, is a refused connection", () => {
    const error = failed(denoRefused())
    expect(error.reason).toBe("ConnectionRefused")
    expect(error.description).toBe("connection refused (nothing was sent)")
    expect(error.cause).toBeInstanceOf(TypeError)
  })

  it("Deno before 2.x: the same words in the TypeError's own message; macOS's and Windows' OS errors", () => {
    for (const message of [
      "error sending request for url (http://127.0.0.1:9/v1/actor_tokens): client error (Connect): tcp connect error: Connection refused (os error 111)",
      "client error (Connect): tcp connect error: Connection refused (os error 61)",
      "client error (Connect): tcp connect error: No connection could be made because the target machine actively refused it. (os error 10061)"
    ]) {
      expect(failed(new TypeError(message)).reason, message).toBe("ConnectionRefused")
    }
  })

  it("Deno's words elsewhere than the connect phase stay Other (the request may have gone out)", () => {
    const afterSend = new TypeError("fetch failed", {
      cause: new Error("client error (SendRequest): connection closed before message completed")
    })
    expect(failed(afterSend).reason).toBe("Other")
  })

  it("workerd: `Network connection lost.` is ambiguous (refused, or lost after sending) and stays Other", () => {
    const error = failed(workerdLost())
    expect(error.reason).toBe("Other")
    expect(error.description).toBe("the connection failed")
  })

  it("Node's codes for DNS, time-outs and resets", () => {
    const withCode = (code: string) =>
      failed(new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) }))
    expect(withCode("ENOTFOUND").reason).toBe("DnsFailure")
    expect(withCode("EAI_AGAIN").reason).toBe("DnsFailure")
    expect(withCode("UND_ERR_CONNECT_TIMEOUT").reason).toBe("Timeout")
    expect(withCode("ECONNRESET").reason).toBe("ConnectionReset")
    expect(withCode("UND_ERR_SOCKET").reason).toBe("ConnectionReset")
    expect(withCode("ESOMETHINGELSE").reason).toBe("Other")
  })

  it("a request the HTTP stack refused is InvalidRequest and keeps no cause (Node's message quotes the header)", () => {
    const header = failed(new TypeError('Headers.append: "sk_test_secret\\n" is an invalid header value.'))
    expect(header).toMatchObject({ reason: "InvalidRequest" })
    expect(header.cause).toBeUndefined()
    const invalidChar = failed(
      Object.assign(new TypeError("Invalid character in header"), { code: "ERR_INVALID_CHAR" })
    )
    expect(invalidChar).toMatchObject({ reason: "InvalidRequest" })
    expect(invalidChar.cause).toBeUndefined()
    const unbuilt = transportError(
      "ActorTokens.create",
      new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: "bad" }),
      1
    )
    expect(unbuilt).toMatchObject({
      reason: "InvalidRequest",
      description: "the request could not be built (InvalidUrl); nothing was sent"
    })
  })

  it("a body that fails while read is a reset, read off the response", () => {
    const response = HttpClientResponse.fromWeb(request, new Response("{}"))
    const error = transportError(
      "ActorTokens.create",
      new HttpClientError.ResponseError({ request, response, reason: "Decode", cause: new Error("terminated") }),
      2
    )
    expect(error).toMatchObject({ reason: "ConnectionReset", attempts: 2 })
    expect(error.description).toBe("the connection failed while reading the response body")
  })
})

describe("what the reason means for retries", () => {
  const throwing = (make: () => Error) => () => {
    throw make()
  }
  const retries = { retry: { maxAttempts: 3, initialDelay: "1 millis" } } as const

  it.live("Deno's refused connection: a POST is retried (nothing was sent)", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(ActorTokens.create({ user_id: "user_1", actor: { sub: "user_2" } }))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "ConnectionRefused", attempts: 3 })
      expect(yield* ClerkTest.requests).toHaveLength(3)
    }).pipe(Effect.provide(ActorTokens.layer), Effect.provide(ClerkTest.layer(throwing(denoRefused), retries)))
  )

  it.live("workerd's lost connection: a POST is not resent, a GET is", () =>
    Effect.gen(function* () {
      const post = yield* Effect.flip(ActorTokens.create({ user_id: "user_1", actor: { sub: "user_2" } }))
      expect(post).toMatchObject({ _tag: "TransportError", reason: "Other", attempts: 1 })
      const get = yield* Effect.flip(JWKS.get())
      expect(get).toMatchObject({ _tag: "TransportError", reason: "Other", attempts: 3 })
    }).pipe(
      Effect.provide(ActorTokens.layer),
      Effect.provide(JWKS.layer),
      Effect.provide(ClerkTest.layer(throwing(workerdLost), retries))
    )
  )
})
