/**
 * Serves an emulator over HTTP on `127.0.0.1` for clients that are not Effect programs
 * (or that must go through a real socket). Requires the optional peer `@effect/platform-node`.
 *
 * Import from `@effect-clerk/emulator/EmulatorServer` (it is deliberately not part of the package root,
 * so that the root never loads `@effect/platform-node`).
 *
 * @since 0.1.0
 */
import * as HttpServer from "@effect/platform/HttpServer"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { createServer, type IncomingMessage } from "node:http"
import type { Duplex } from "node:stream"
import * as ApiError from "./ApiError.js"
import * as Emulator from "./Emulator.js"
import * as Reply from "./internal/response.js"

/**
 * The loopback host the server binds to. Never `0.0.0.0`.
 *
 * @since 0.1.0
 * @category constants
 */
export const host = "127.0.0.1"

/**
 * Options of {@link serve}, {@link layer} and {@link start}: the emulator options (used when no
 * `emulator` is given) plus the port.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions extends Emulator.Options {
  /** TCP port on 127.0.0.1; `0` (the default) picks a free port. */
  readonly port?: number
  /** Serve this existing emulator instead of creating a new one. */
  readonly emulator?: Emulator.ClerkEmulator
}

/**
 * A running server.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunningServer {
  /** Backend API base URL, e.g. `http://127.0.0.1:54321/v1`. */
  readonly url: string
  /** Origin without the `/v1` prefix, e.g. `http://127.0.0.1:54321`. */
  readonly origin: string
  readonly port: number
  readonly emulator: Emulator.ClerkEmulator
}

/**
 * The {@link RunningServer} provided by {@link layer}.
 *
 * @since 0.1.0
 * @category tags
 */
export class Server extends Context.Tag("@effect-clerk/emulator/EmulatorServer/Server")<Server, RunningServer>() {}

const COMMON = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])

// the methods a web Request refuses (fetch's forbidden methods and anything that is no HTTP token)
const canCarry = (method: string): boolean => {
  if (COMMON.has(method)) return true
  try {
    new Request("http://127.0.0.1/", { method })
    return true
  } catch {
    return false
  }
}

// A JSON answer written on the socket itself, for what never reaches the app; then the socket closes.
const writeAndClose = (socket: Duplex, status: string, failure: ApiError.ApiError): void => {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const body = JSON.stringify(failure.toBody())
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `connection: close\r\n\r\n${body}`
  )
}

// What Node's HTTP parser cannot read (a method it does not know, such as TRACK; a broken request
// line) never reaches the app: Node would answer a 400 with an empty body. Answer it Clerk-shaped.
const unparsable = (error: Error & { readonly code?: string }, socket: Duplex): void =>
  error.code === "HPE_HEADER_OVERFLOW"
    ? writeAndClose(
        socket,
        "431 Request Header Fields Too Large",
        ApiError.make(431, {
          message: "request headers too large",
          long_message: "The request headers are too large.",
          code: "request_header_fields_too_large"
        })
      )
    : writeAndClose(
        socket,
        "400 Bad Request",
        ApiError.make(400, {
          message: "malformed request",
          long_message: "The request could not be parsed as HTTP.",
          code: "malformed_request"
        })
      )

// Node hands CONNECT to a `connect` listener instead of the app (and closes the socket when there
// is none): no operation has it, so it is the 404 of an unrouted request.
const connect = (request: IncomingMessage, socket: Duplex): void =>
  writeAndClose(socket, "404 Not Found", ApiError.noRoute(request.method ?? "CONNECT", request.url ?? "/"))

/**
 * The request body as a web stream that pulls from the socket only as it is read. Cancelling it
 * (the emulator's body cap does, past `maxBodyBytes`) pauses the socket instead of destroying it,
 * so that the 413 still reaches the client; its `connection: close` then ends the connection.
 */
const bodyStream = (message: IncomingMessage): ReadableStream<Uint8Array> => {
  const onData = (chunk: Buffer) => {
    controller?.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
    if ((controller?.desiredSize ?? 0) <= 0) message.pause()
  }
  const onEnd = () => controller?.close()
  const onError = (error: Error) => controller?.error(error)
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined
  return new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c
      message.pause()
      message.on("data", onData).once("end", onEnd).once("error", onError)
    },
    pull: () => {
      message.resume()
    },
    cancel: () => {
      message.off("data", onData).off("end", onEnd).off("error", onError)
      message.pause()
      controller = undefined
    }
  })
}

/**
 * Starts serving an emulator on 127.0.0.1 (via `NodeHttpServer.layer`); the server is closed when
 * the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const serve = (
  options: ServeOptions = {}
): Effect.Effect<RunningServer, HttpServerError.ServeError, Scope.Scope> =>
  Effect.gen(function* () {
    const emulator = options.emulator ?? Emulator.make(options)
    const serverLayer = NodeHttpServer.layer(
      () => createServer().on("clientError", unparsable).on("connect", connect),
      {
        port: options.port ?? 0,
        host
      }
    )
    // emulator.respond answers "reset" for a reset fault: the socket is then destroyed with a TCP RST
    // (resetAndDestroy), so the client sees ECONNRESET and no response
    const app = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
      // TRACE, CONNECT, TRACK: no web Request carries them, and no operation has them
      if (!canCarry(request.method)) {
        return Effect.succeed(HttpServerResponse.fromWeb(Reply.unroutable(request.method, request.url)))
      }
      const url = HttpServerRequest.toURL(request)
      if (url._tag === "None") {
        return Effect.succeed(
          HttpServerResponse.fromWeb(Reply.error(ApiError.malformedBody("The request URL is invalid.")))
        )
      }
      const message = NodeHttpServerRequest.toIncomingMessage(request)
      const hasBody = request.method !== "GET" && request.method !== "HEAD"
      let web: Request
      try {
        web = new Request(url.value, {
          method: request.method,
          headers: request.headers,
          ...(hasBody ? { body: bodyStream(message), duplex: "half" } : {})
        } as RequestInit)
      } catch {
        return Effect.succeed(
          HttpServerResponse.fromWeb(Reply.error(ApiError.malformedBody("The request could not be read.")))
        )
      }
      return Effect.map(
        Effect.promise(() => emulator.respond(web)),
        (response) => {
          if (response !== "reset") return HttpServerResponse.fromWeb(response)
          if (typeof message.socket.resetAndDestroy === "function") message.socket.resetAndDestroy()
          else message.socket.destroy()
          return HttpServerResponse.empty({ status: 500 })
        }
      )
    })
    const context = yield* Layer.build(HttpServer.serve(app).pipe(Layer.provideMerge(serverLayer)))
    const address = Context.get(context, HttpServer.HttpServer).address
    const port = address._tag === "TcpAddress" ? address.port : 0
    const origin = `http://${host}:${port}`
    return { url: `${origin}/v1`, origin, port, emulator }
  })

/**
 * A layer serving an emulator on 127.0.0.1 for the lifetime of the layer, providing the
 * {@link Server} information and the {@link Emulator.Emulator} instance.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: ServeOptions): Layer.Layer<Server | Emulator.Emulator, HttpServerError.ServeError> =>
  Layer.scopedContext(
    serve(options).pipe(
      Effect.map((running) => Context.make(Server, running).pipe(Context.add(Emulator.Emulator, running.emulator)))
    )
  )

/**
 * Promise API for non-Effect users: starts a server and returns it with an idempotent `close()`.
 * (Shown as text, not an `@example`: docgen runs examples from a folder where a package's own
 * subpaths do not resolve; the emulator README's snippets, which `pnpm check` compiles, show it too.)
 *
 * ```ts
 * import * as EmulatorServer from "@effect-clerk/emulator/EmulatorServer"
 *
 * const server = await EmulatorServer.start()
 * await fetch(`${server.url}/users`, { headers: { authorization: "Bearer sk_test_x" } })
 * await server.close()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = async (
  options?: ServeOptions
): Promise<RunningServer & { readonly close: () => Promise<void> }> => {
  const scope = Effect.runSync(Scope.make())
  try {
    const running = await Effect.runPromise(Scope.extend(serve(options), scope))
    let closing: Promise<void> | undefined
    return {
      ...running,
      close: () => (closing ??= Effect.runPromise(Scope.close(scope, Exit.void)))
    }
  } catch (error) {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    throw error
  }
}
