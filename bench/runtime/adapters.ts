/**
 * The clients the runtime benchmark compares, each behind the same two calls. Every adapter that
 * runs on Effect builds its `ManagedRuntime` once, before any round.
 */
import { createClerkClient } from "@clerk/backend"
import { ActorTokens, Clerk, ClerkClient, Users } from "@effect-clerk/backend"
import { NodeClerkClient } from "@effect-clerk/platform-node"
import * as NodeClerk from "@effect-clerk/platform-node/NodeClerk"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import { request } from "undici"

export interface Adapter {
  readonly name: string
  /** `Users.list({ limit })`: resolves to the users (or a page of them). */
  readonly listUsers: (limit: number) => Promise<unknown>
  /** `ActorTokens.create(...)`. */
  readonly createActorToken: () => Promise<unknown>
  readonly dispose: () => Promise<void>
}

const SECRET_KEY = "sk_test_bench_not_a_real_key"
const HEADERS = {
  authorization: `Bearer ${SECRET_KEY}`,
  "clerk-api-version": "2026-05-12",
  accept: "application/json"
}
const TOKEN_BODY = { user_id: "user_2bench", actor: { sub: "user_admin" }, expires_in_seconds: 600 }

/** undici's `request` and `JSON.parse`: the baseline every ratio is against. */
const undiciRaw = (origin: string): Adapter => ({
  name: "raw undici",
  listUsers: async (limit) => {
    const response = await request(`${origin}/v1/users?limit=${limit}`, { headers: HEADERS })
    return JSON.parse(await response.body.text())
  },
  createActorToken: async () => {
    const response = await request(`${origin}/v1/actor_tokens`, {
      method: "POST",
      headers: { ...HEADERS, "content-type": "application/json" },
      body: JSON.stringify(TOKEN_BODY)
    })
    return JSON.parse(await response.body.text())
  },
  dispose: async () => {}
})

const globalFetch = (origin: string): Adapter => ({
  name: "fetch",
  listUsers: async (limit) => {
    const response = await fetch(`${origin}/v1/users?limit=${limit}`, { headers: HEADERS })
    return JSON.parse(await response.text())
  },
  createActorToken: async () => {
    const response = await fetch(`${origin}/v1/actor_tokens`, {
      method: "POST",
      headers: { ...HEADERS, "content-type": "application/json" },
      body: JSON.stringify(TOKEN_BODY)
    })
    return JSON.parse(await response.text())
  },
  dispose: async () => {}
})

/**
 * A hand-written @effect/platform HttpClient request and `JSON.parse`, no validation: the Effect
 * floor. `base` is prepended to the paths; `headers` are sent with each request.
 */
const floorAdapter = (
  name: string,
  runtime: ManagedRuntime.ManagedRuntime<never, unknown>,
  client: HttpClient.HttpClient,
  base: string,
  headers: Record<string, string>
): Adapter => {
  const json = (req: HttpClientRequest.HttpClientRequest) =>
    Effect.flatMap(client.execute(req), (response) => response.text).pipe(
      Effect.map((text) => JSON.parse(text) as unknown)
    )
  const list = (limit: number) =>
    json(HttpClientRequest.get(`${base}/users`, { headers, urlParams: { limit: String(limit) } })).pipe(
      Effect.withSpan("floor.list", { captureStackTrace: false })
    )
  const create = Effect.suspend(() =>
    json(HttpClientRequest.bodyUnsafeJson(HttpClientRequest.post(`${base}/actor_tokens`, { headers }), TOKEN_BODY))
  ).pipe(Effect.withSpan("floor.create", { captureStackTrace: false }))
  return {
    name,
    listUsers: (limit) => runtime.runPromise(list(limit)),
    createActorToken: () => runtime.runPromise(create),
    dispose: () => runtime.dispose()
  }
}

/** The Effect floor over `NodeHttpClient.layerUndici`, the platform's own undici client. */
const effectFloor = (origin: string): Adapter => {
  const runtime = ManagedRuntime.make(NodeHttpClient.layerUndici)
  return floorAdapter("Effect floor", runtime, runtime.runSync(HttpClient.HttpClient), `${origin}/v1`, HEADERS)
}

/**
 * The Effect floor over the same HttpClient as effect-clerk's Node layer: sent through the
 * `ClerkClient`'s own client (the lean undici client of `NodeClerkClient`, which adds the SDK's base
 * URL and headers).
 */
const effectFloorSameClient = (origin: string): Adapter => {
  const runtime = ManagedRuntime.make(
    NodeClerkClient.layer({ secretKey: Redacted.make(SECRET_KEY), baseUrl: `${origin}/v1` })
  )
  const { httpClient } = runtime.runSync(ClerkClient.ClerkClient)
  return floorAdapter("Effect floor (SDK client)", runtime, httpClient, "", {})
}

/**
 * The least an Effect call can be: undici's `request` and `JSON.parse` in `Effect.tryPromise`, run
 * on a `ManagedRuntime`, with a span; no HttpClient, no validation, no time limit. What separates
 * it from raw undici is what running a call as an Effect costs (the fiber, and the heap: the parsed
 * body lives a few scheduler steps longer).
 */
const effectBare = (origin: string): Adapter => {
  const runtime = ManagedRuntime.make(Layer.empty)
  const list = (limit: number) =>
    Effect.tryPromise(async () => {
      const response = await request(`${origin}/v1/users?limit=${limit}`, { headers: HEADERS })
      return response.body.text()
    }).pipe(
      Effect.map((text) => JSON.parse(text) as unknown),
      Effect.withSpan("bare.list", { captureStackTrace: false })
    )
  const create = Effect.tryPromise(async () => {
    const response = await request(`${origin}/v1/actor_tokens`, {
      method: "POST",
      headers: { ...HEADERS, "content-type": "application/json" },
      body: JSON.stringify(TOKEN_BODY)
    })
    return response.body.text()
  }).pipe(
    Effect.map((text) => JSON.parse(text) as unknown),
    Effect.withSpan("bare.create", { captureStackTrace: false })
  )
  return {
    name: "Effect bare",
    listUsers: (limit) => runtime.runPromise(list(limit)),
    createActorToken: () => runtime.runPromise(create),
    dispose: () => runtime.dispose()
  }
}

/** Clerk's own SDK (no validation of responses). */
const clerkBackend = (origin: string): Adapter => {
  const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl: origin })
  return {
    name: "@clerk/backend",
    listUsers: (limit) => clerk.users.getUserList({ limit }),
    createActorToken: () =>
      clerk.actorTokens.create({ userId: TOKEN_BODY.user_id, actor: TOKEN_BODY.actor, expiresInSeconds: 600 }),
    dispose: async () => {}
  }
}

const effectClerk = (name: string, layer: Layer.Layer<Users.Users | ActorTokens.ActorTokens, unknown>): Adapter => {
  const runtime = ManagedRuntime.make(layer)
  return {
    name,
    listUsers: (limit) => runtime.runPromise(Users.list({ limit })),
    createActorToken: () => runtime.runPromise(ActorTokens.create(TOKEN_BODY)),
    dispose: () => runtime.dispose()
  }
}

export const ADAPTERS = {
  "raw undici": undiciRaw,
  fetch: globalFetch,
  "Effect bare": effectBare,
  "Effect floor": effectFloor,
  "Effect floor (SDK client)": effectFloorSameClient,
  "@clerk/backend": clerkBackend,
  "effect-clerk undici": (origin: string) =>
    effectClerk(
      "effect-clerk undici",
      NodeClerk.layer({ secretKey: Redacted.make(SECRET_KEY), baseUrl: `${origin}/v1` })
    ),
  "effect-clerk fetch": (origin: string) =>
    effectClerk(
      "effect-clerk fetch",
      Clerk.layerFetch({ secretKey: Redacted.make(SECRET_KEY), baseUrl: `${origin}/v1` })
    )
} as const satisfies Record<string, (origin: string) => Adapter>

export type AdapterName = keyof typeof ADAPTERS

/** Builds every adapter and checks that each one really gets the data (before any measure). */
export const makeAdapters = async (origin: string, names: ReadonlyArray<AdapterName>): Promise<Array<Adapter>> => {
  const adapters = names.map((name) => ADAPTERS[name](origin))
  for (const adapter of adapters) {
    const page = (await adapter.listUsers(10)) as unknown
    const list = Array.isArray(page) ? page : (page as { data?: unknown }).data
    if (!Array.isArray(list) || list.length !== 10) throw new Error(`${adapter.name}: list(10) did not return 10 users`)
    const token = (await adapter.createActorToken()) as { id?: unknown }
    if (typeof token?.id !== "string") throw new Error(`${adapter.name}: create did not return a token`)
  }
  return adapters
}
