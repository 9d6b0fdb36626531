import { ActorTokens, Clerk, ClerkClient, Users } from "@effect-clerk/backend"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { users, actorToken as token } from "./runtime/payloads.js"

const TOKEN_BODY = { user_id: "user_2bench", actor: { sub: "user_admin" }, expires_in_seconds: 600 }
const tokenText = JSON.stringify(token ?? {})
const list10 = JSON.stringify(users.slice(0, 10))
const mock = HttpClient.make((request) =>
  Effect.sync(() => {
    const text = request.url.includes("actor_tokens") ? tokenText : list10
    return HttpClientResponse.fromWeb(request, new Response(text, { status: 200, headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) } }))
  })
)
const mockLayer = Layer.succeed(HttpClient.HttpClient, ClerkClient.signalAware(mock))
const rt = ManagedRuntime.make(Layer.mergeAll(Clerk.layer.pipe(Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_x"), baseUrl: "http://x/v1" })), Layer.provide(mockLayer)), mockLayer))
const client = rt.runSync(HttpClient.HttpClient)
const floorCreate = Effect.suspend(() =>
  Effect.flatMap(client.execute(HttpClientRequest.bodyUnsafeJson(HttpClientRequest.post(`http://x/v1/actor_tokens`), TOKEN_BODY)), (r) => r.text)
).pipe(Effect.map((t) => JSON.parse(t)), Effect.withSpan("floor", { captureStackTrace: false }))
const floorList = Effect.suspend(() =>
  Effect.flatMap(client.execute(HttpClientRequest.get(`http://x/v1/users`, { urlParams: { limit: "10" } })), (r) => r.text)
).pipe(Effect.map((t) => JSON.parse(t)), Effect.withSpan("floor", { captureStackTrace: false }))
const cc = rt.runSync(ClerkClient.ClerkClient)
const floorCreateCC = Effect.suspend(() =>
  Effect.flatMap(cc.httpClient.execute(HttpClientRequest.bodyUnsafeJson(HttpClientRequest.post(`/actor_tokens`), TOKEN_BODY)), (r) => r.text)
).pipe(Effect.map((t) => JSON.parse(t)), Effect.withSpan("floor", { captureStackTrace: false }))
const floorListCC = Effect.suspend(() =>
  Effect.flatMap(cc.httpClient.execute(HttpClientRequest.get(`/users`, { urlParams: { limit: "10" } })), (r) => r.text)
).pipe(Effect.map((t) => JSON.parse(t)), Effect.withSpan("floor", { captureStackTrace: false }))
const cases: Record<string, () => Promise<unknown>> = {
  "floorcc create": () => rt.runPromise(floorCreateCC),
  "clerk create": () => rt.runPromise(ActorTokens.create(TOKEN_BODY)),
  "floorcc list10": () => rt.runPromise(floorListCC),
  "clerk list10": () => rt.runPromise(Users.list({ limit: 10 })),
  "t clerk list10": () => rt.runPromise(Users.list({ limit: 10 })),
  "q clerk list10": () => rt.runPromise(Users.list({ limit: 10 })),
  "d clerk list10": () => rt.runPromise(Users.list({ limit: 10 }))
}
const N = Number(process.argv[2] ?? 5000)
const only = process.argv[3]
for (let round = 0; round < 8; round++) {
  const line: Array<string> = []
  for (const [name, f] of Object.entries(cases)) {
    if (only && !name.includes(only)) continue
    ;(globalThis as any).ABL = name[1] === " " ? name[0] : undefined
    const cpu = process.cpuUsage()
    for (let i = 0; i < N; i++) await f()
    const u = process.cpuUsage(cpu)
    line.push(`${name} ${((u.user + u.system) / N).toFixed(1)}µs`)
  }
  console.log(line.join(" | "))
}

if (process.argv[4] === "profile") {
  const { profile } = await import("./runtime/profile.js")
  const f = cases[only!]!
  const rt2 = rt
  void rt2
  console.log(await profile(async () => { for (let i = 0; i < N; i++) await f() }))
}
