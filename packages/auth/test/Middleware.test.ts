import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Auth from "../src/Auth.js"
import * as HttpApiAuth from "../src/HttpApiAuth.js"
import * as HttpAuth from "../src/HttpAuth.js"
import { makeKey, pemKeys, sign } from "./helpers.js"

// Real time here: the web handlers run outside the test's clock.
const key = await makeKey("ins_k1")
const now = () => Math.floor(Date.now() / 1000)
const validToken = (extra: Record<string, unknown> = {}) =>
  sign(key, {
    iss: "https://clerk.example.com",
    sub: "user_1",
    sid: "sess_1",
    v: 2,
    iat: now() - 1,
    exp: now() + 60,
    ...extra
  })

class Api extends HttpApi.make("api")
  .add(
    HttpApiGroup.make("me")
      .add(HttpApiEndpoint.get("me", "/me").addSuccess(Schema.Struct({ userId: Schema.String })))
      .middleware(HttpApiAuth.RequireSignedIn)
  )
  .add(
    HttpApiGroup.make("public")
      .add(HttpApiEndpoint.get("whoami", "/whoami").addSuccess(Schema.Struct({ who: Schema.String })))
      .middleware(HttpApiAuth.Authentication)
  ) {}

const Me = HttpApiBuilder.group(Api, "me", (handlers) =>
  handlers.handle("me", () => Effect.map(Auth.CurrentUser, (user) => ({ userId: user.userId })))
)
const Public = HttpApiBuilder.group(Api, "public", (handlers) =>
  handlers.handle("whoami", () =>
    Effect.map(Auth.CurrentAuth, (auth) => ({
      who: auth._tag === "SignedIn" ? auth.userId : auth._tag === "Machine" ? auth.subject : `signed-out:${auth.reason}`
    }))
  )
)

const authenticator = Auth.layerSession().pipe(Layer.provide(pemKeys(key)))
const apiLayer = HttpApiBuilder.api(Api).pipe(
  Layer.provide(Layer.mergeAll(Me, Public)),
  Layer.provide(Layer.mergeAll(HttpApiAuth.layerRequireSignedIn, HttpApiAuth.layerAuthentication)),
  Layer.provide(authenticator)
)
const api = HttpApiBuilder.toWebHandler(Layer.mergeAll(apiLayer, HttpServer.layerContext))

const router = HttpRouter.empty.pipe(
  HttpRouter.get(
    "/me",
    HttpAuth.requireSignedIn(
      Effect.flatMap(Auth.CurrentUser, (user) => HttpServerResponse.json({ userId: user.userId }))
    )
  ),
  HttpRouter.get(
    "/whoami",
    HttpAuth.withAuth(Effect.flatMap(Auth.CurrentAuth, (auth) => HttpServerResponse.json({ tag: auth._tag })))
  )
)
const routerHandler = HttpApp.toWebHandlerLayer(router, authenticator)

// The whole router behind requireSignedIn, as a router-wide middleware.
const privateRouter = HttpRouter.empty.pipe(
  HttpRouter.get(
    "/a",
    Effect.flatMap(Auth.CurrentUser, (user) => HttpServerResponse.text(`a:${user.userId}`))
  ),
  HttpRouter.get(
    "/b",
    Effect.flatMap(Auth.CurrentAuth, (auth) => HttpServerResponse.text(`b:${auth._tag}`))
  ),
  HttpRouter.use(HttpAuth.requireSignedIn)
)
const privateHandler = HttpApp.toWebHandlerLayer(privateRouter, authenticator)

afterAll(async () => {
  await api.dispose()
  await routerHandler.dispose()
  await privateHandler.dispose()
})

const call = (handler: (r: Request) => Promise<Response>, path: string, headers: Record<string, string> = {}) =>
  Effect.promise(async () => {
    const response = await handler(new Request(`http://127.0.0.1${path}`, { headers }))
    const text = await response.text()
    return { status: response.status, body: (text === "" ? null : JSON.parse(text)) as unknown }
  })

describe("HttpApiAuth middlewares (HttpApi)", () => {
  it.live("RequireSignedIn: a valid bearer token reaches the handler with CurrentUser", () =>
    Effect.gen(function* () {
      const token = yield* Effect.promise(() => validToken())
      const response = yield* call(api.handler, "/me", { authorization: `Bearer ${token}` })
      expect(response).toEqual({ status: 200, body: { userId: "user_1" } })
    })
  )

  it.live("RequireSignedIn: a same-origin __session cookie works too", () =>
    Effect.gen(function* () {
      const token = yield* Effect.promise(() => validToken())
      const response = yield* call(api.handler, "/me", { cookie: `__session=${token}` })
      expect(response).toEqual({ status: 200, body: { userId: "user_1" } })
    })
  )

  it.live("RequireSignedIn: no token, a bad token, an expired one -> 401 Unauthorized", () =>
    Effect.gen(function* () {
      const expired = yield* Effect.promise(() => validToken({ exp: now() - 60 }))
      const valid = yield* Effect.promise(() => validToken())
      for (const headers of [
        {},
        { authorization: "Bearer garbage" },
        { authorization: `Bearer ${expired}` },
        // a rejected header token is not rescued by a valid cookie
        { authorization: `Bearer ${expired}`, cookie: `__session=${valid}` },
        { cookie: `__session=${valid}`, origin: "https://evil.example.com", host: "127.0.0.1" },
        { authorization: "Bearer ak_machine" }
      ]) {
        const response = yield* call(api.handler, "/me", headers)
        // HttpApiError.Unauthorized: an empty 401
        expect(response).toEqual({ status: 401, body: null })
      }
    })
  )

  it.live("Authentication: every caller reaches the handler with its Auth", () =>
    Effect.gen(function* () {
      const token = yield* Effect.promise(() => validToken())
      expect(yield* call(api.handler, "/whoami", { authorization: `Bearer ${token}` })).toEqual({
        status: 200,
        body: { who: "user_1" }
      })
      expect(yield* call(api.handler, "/whoami")).toEqual({ status: 200, body: { who: "signed-out:no-token" } })
      expect(yield* call(api.handler, "/whoami", { authorization: "Bearer x.y.z" })).toEqual({
        status: 200,
        body: { who: "signed-out:session-token-invalid" }
      })
    })
  )
})

describe("HttpAuth middlewares (HttpRouter)", () => {
  it.live("requireSignedIn: 200 with the session, 401 with the reason otherwise", () =>
    Effect.gen(function* () {
      const token = yield* Effect.promise(() => validToken())
      expect(yield* call(routerHandler.handler, "/me", { authorization: `Bearer ${token}` })).toEqual({
        status: 200,
        body: { userId: "user_1" }
      })
      expect(yield* call(routerHandler.handler, "/me")).toEqual({
        status: 401,
        body: { error: "unauthorized", reason: "no-token" }
      })
      const expired = yield* Effect.promise(() => validToken({ exp: now() - 60 }))
      expect(yield* call(routerHandler.handler, "/me", { authorization: `Bearer ${expired}` })).toEqual({
        status: 401,
        body: { error: "unauthorized", reason: "session-token-invalid" }
      })
    })
  )

  it.live("HttpRouter.use(requireSignedIn) protects every route of a router", () =>
    Effect.gen(function* () {
      const token = yield* Effect.promise(() => validToken())
      const get = (path: string, headers: Record<string, string> = {}) =>
        Effect.promise(async () => {
          const response = await privateHandler.handler(new Request(`http://127.0.0.1${path}`, { headers }))
          return `${response.status} ${await response.text()}`
        })
      expect(yield* get("/a", { authorization: `Bearer ${token}` })).toBe("200 a:user_1")
      expect(yield* get("/b", { authorization: `Bearer ${token}` })).toBe("200 b:SignedIn")
      expect(yield* get("/a")).toBe('401 {"error":"unauthorized","reason":"no-token"}')
      expect(yield* get("/b", { authorization: "Bearer nope" })).toBe(
        '401 {"error":"unauthorized","reason":"session-token-invalid"}'
      )
    })
  )

  it.live("withAuth: provides the Auth, whatever it is", () =>
    Effect.gen(function* () {
      const token = yield* Effect.promise(() => validToken())
      expect((yield* call(routerHandler.handler, "/whoami", { cookie: `__session=${token}` })).body).toEqual({
        tag: "SignedIn"
      })
      expect((yield* call(routerHandler.handler, "/whoami")).body).toEqual({ tag: "SignedOut" })
    })
  )
})
