/**
 * A failed exchange as a `TransportError` (internal/transportErrors.ts), with the error shapes each
 * runtime gives: Node's and undici's codes down the cause chain, Bun's code. End to end over real
 * sockets: packages/platform-node/test/FaultSuite.test.ts.
 */
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import { transportError } from "../src/internal/transportErrors.js"

const request = HttpClientRequest.post("/actor_tokens")

const failed = (cause: unknown) =>
  transportError("ActorTokens.create", new HttpClientError.RequestError({ request, reason: "Transport", cause }), 1)

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
