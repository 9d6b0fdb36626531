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
import * as ApiError from "./ApiError.js"
import * as Emulator from "./Emulator.js"

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

const clerkError = (error: ApiError.ApiError) => HttpServerResponse.unsafeJson(error.toBody(), { status: error.status })

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
    const serverLayer = NodeHttpServer.layer(() => createServer(), { port: options.port ?? 0, host })
    // emulator.respond answers "reset" for a reset fault: the socket is then destroyed with a TCP RST
    // (resetAndDestroy), so the client sees ECONNRESET and no response
    const app = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
      const message = NodeHttpServerRequest.toIncomingMessage(request)
      let web: Request
      try {
        const url = HttpServerRequest.toURL(request)
        if (url._tag === "None")
          return Effect.succeed(clerkError(ApiError.malformedBody("The request URL is invalid.")))
        const hasBody = request.method !== "GET" && request.method !== "HEAD"
        web = new Request(url.value, {
          method: request.method,
          headers: request.headers,
          ...(hasBody ? { body: bodyStream(message), duplex: "half" } : {})
        } as RequestInit)
      } catch {
        // a method a web Request cannot carry (TRACE, CONNECT): no operation of the API uses one
        return Effect.succeed(clerkError(ApiError.notFound()))
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
