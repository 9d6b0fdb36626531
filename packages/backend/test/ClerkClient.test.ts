import { ActorTokens, Clerk, ClerkClient, ClerkTest, M2MTokens, Users } from "@effect-clerk/backend"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { readFileSync } from "node:fs"

const token = {
  object: "actor_token",
  id: "act_1",
  status: "pending",
  user_id: "user_1",
  actor: { sub: "user_2" },
  created_at: 1,
  updated_at: 1
}

const SECRET = "sk_test_cfgSECRETvalue123"

/** Runs `create` through `layerConfig` with the given environment, answering with `token`. */
const runWithEnv = (env: Record<string, string>) => {
  const seen: Array<Request> = []
  const fetchLayer = FetchHttpClient.layer.pipe(
    Layer.provide(
      Layer.succeed(FetchHttpClient.Fetch, (async (input: string | URL | Request, init?: RequestInit) => {
        seen.push(new Request(input, init))
        return ClerkTest.json(200, token)
      }) as typeof globalThis.fetch)
    )
  )
  const layer = ActorTokens.layer.pipe(
    Layer.provide(ClerkClient.layerConfig()),
    Layer.provide(fetchLayer),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
  )
  return ActorTokens.create({ user_id: "user_1", actor: { sub: "user_2" } }).pipe(
    Effect.provide(layer),
    Effect.map((result) => ({ result, seen }))
  )
}

describe("ClerkClient.layerConfig", () => {
  it.effect("reads CLERK_SECRET_KEY and defaults the base URL", () =>
    Effect.gen(function* () {
      const { result, seen } = yield* runWithEnv({ CLERK_SECRET_KEY: SECRET })
      expect(result.id).toBe("act_1")
      expect(seen[0]!.url).toBe("https://api.clerk.com/v1/actor_tokens")
      expect(seen[0]!.headers.get("authorization")).toBe(`Bearer ${SECRET}`)
    })
  )

  it.effect("reads CLERK_API_URL", () =>
    Effect.gen(function* () {
      const { seen } = yield* runWithEnv({ CLERK_SECRET_KEY: SECRET, CLERK_API_URL: "http://127.0.0.1:4010/v1" })
      expect(seen[0]!.url).toBe("http://127.0.0.1:4010/v1/actor_tokens")
    })
  )

  it.effect("CLERK_API_URL as Clerk's SDKs read it: an origin gets /v1; a path is kept as given", () =>
    Effect.gen(function* () {
      for (const [value, url] of [
        ["http://127.0.0.1:4010", "http://127.0.0.1:4010/v1/actor_tokens"],
        ["https://api.clerk.com/", "https://api.clerk.com/v1/actor_tokens"],
        ["http://127.0.0.1:4010/v1/", "http://127.0.0.1:4010/v1/actor_tokens"],
        ["https://proxy.example.com/clerk", "https://proxy.example.com/clerk/actor_tokens"]
      ] as const) {
        const { seen } = yield* runWithEnv({ CLERK_SECRET_KEY: SECRET, CLERK_API_URL: value })
        expect(seen[0]!.url).toBe(url)
      }
    })
  )

  it.effect("a baseUrl Config given to layerConfig is used as given, origin or not", () =>
    Effect.gen(function* () {
      const seen: Array<string> = []
      const fetchLayer = FetchHttpClient.layer.pipe(
        Layer.provide(
          Layer.succeed(FetchHttpClient.Fetch, (async (input: string | URL | Request, init?: RequestInit) => {
            seen.push(new Request(input, init).url)
            return ClerkTest.json(200, token)
          }) as typeof globalThis.fetch)
        )
      )
      const configured = ClerkClient.layerConfig({
        secretKey: Config.succeed(Redacted.make(SECRET)),
        baseUrl: Config.succeed("http://127.0.0.1:4010")
      })
      yield* ActorTokens.create({ user_id: "user_1", actor: { sub: "user_2" } }).pipe(
        Effect.provide(ActorTokens.layer.pipe(Layer.provide(configured), Layer.provide(fetchLayer)))
      )
      expect(seen).toEqual(["http://127.0.0.1:4010/actor_tokens"])
    })
  )

  it.effect("a missing key is a ConfigError naming CLERK_SECRET_KEY", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(runWithEnv({}))
      if (error._tag !== "ConfigError") throw new Error(`expected a ConfigError, got ${error._tag}`)
      expect(error._op).toBe("MissingData")
      expect(String(error)).toContain("CLERK_SECRET_KEY")
    })
  )

  it.effect("a key that does not start with sk_ fails clearly without echoing it", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(runWithEnv({ CLERK_SECRET_KEY: "pk_test_NOTaSECRETbutStill" }))
      if (error._tag !== "ConfigError") throw new Error(`expected a ConfigError, got ${error._tag}`)
      expect(error._op).toBe("InvalidData")
      const text = String(error)
      expect(text).toContain("CLERK_SECRET_KEY")
      expect(text).toContain("sk_")
      expect(text).not.toContain("NOTaSECRETbutStill")
    })
  )

  it.effect("a machine secret key (ak_) is taken, and sent as the bearer: M2MTokens.createToken requires one", () =>
    Effect.gen(function* () {
      const { seen } = yield* runWithEnv({ CLERK_SECRET_KEY: "ak_3beecc9c60adb5f9b850e91a8ee1e992" })
      expect(seen[0]!.headers.get("authorization")).toBe("Bearer ak_3beecc9c60adb5f9b850e91a8ee1e992")
      // a publishable key, or any other, is still refused before anything is sent
      const error = yield* Effect.flip(runWithEnv({ CLERK_SECRET_KEY: "ck_3beecc9c60adb5f9b850e91a8ee1e992" }))
      expect(error._tag).toBe("ConfigError")
      expect(String(error)).toContain("ak_")
      expect(String(error)).not.toContain("3beecc9c")
    })
  )

  it.effect("as the configuration guide composes it: M2M operations as the machine, every other as the instance", () =>
    Effect.gen(function* () {
      const seen: Array<readonly [string, string | null]> = []
      const fetchLayer = FetchHttpClient.layer.pipe(
        Layer.provide(
          Layer.succeed(FetchHttpClient.Fetch, (async (input: string | URL | Request, init?: RequestInit) => {
            const request = new Request(input, init)
            seen.push([new URL(request.url).pathname, request.headers.get("authorization")])
            return request.url.endsWith("/m2m_tokens")
              ? ClerkTest.json(201, { object: "machine_to_machine_token", id: "mt_1", token: "mt_secret" })
              : ClerkTest.json(200, { object: "total_count", total_count: 2 })
          }) as typeof globalThis.fetch)
        )
      )
      const machine = "ak_3beecc9c60adb5f9b850e91a8ee1e992"
      const AsMachine = M2MTokens.layer.pipe(
        Layer.provide(ClerkClient.layerConfig({ secretKey: Config.redacted("CLERK_MACHINE_SECRET_KEY") }))
      )
      const live = Layer.merge(Clerk.layer.pipe(Layer.provide(ClerkClient.layerConfig())), AsMachine).pipe(
        Layer.provide(fetchLayer),
        Layer.provide(
          Layer.setConfigProvider(
            ConfigProvider.fromMap(
              new Map([
                ["CLERK_SECRET_KEY", SECRET],
                ["CLERK_MACHINE_SECRET_KEY", machine]
              ])
            )
          )
        )
      )
      yield* Effect.either(M2MTokens.createToken({ seconds_until_expiration: 3600 }).pipe(Effect.provide(live)))
      yield* Users.count().pipe(Effect.provide(live))
      expect(seen).toEqual([
        ["/v1/m2m_tokens", `Bearer ${machine}`],
        ["/v1/users/count", `Bearer ${SECRET}`]
      ])
    })
  )

  it.effect("a base URL that is not a URL is a ConfigError naming CLERK_API_URL", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(runWithEnv({ CLERK_SECRET_KEY: SECRET, CLERK_API_URL: "api.clerk.com" }))
      if (error._tag !== "ConfigError") throw new Error(`expected a ConfigError, got ${error._tag}`)
      expect(error._op).toBe("InvalidData")
      expect(String(error)).toContain("CLERK_API_URL")
    })
  )
})

describe("ClerkClient.layer", () => {
  it.effect("rejects a malformed key with a ConfigError that does not echo it", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Layer.build(ClerkClient.layer({ secretKey: Redacted.make("live_SUPERSECRET") })).pipe(
          Effect.provide(FetchHttpClient.layer),
          Effect.scoped
        )
      )
      if (error._tag !== "ConfigError") throw new Error(`expected a ConfigError, got ${error._tag}`)
      expect(error._op).toBe("InvalidData")
      expect(String(error)).toContain("secretKey")
      expect(String(error)).not.toContain("SUPERSECRET")
    })
  )

  it.effect("tracerPropagation: true sends traceparent", () =>
    Effect.gen(function* () {
      yield* ActorTokens.revoke("act_1")
      const [request] = yield* ClerkTest.requests
      expect(request!.headers["traceparent"]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
    }).pipe(
      Effect.provide(
        ActorTokens.layer.pipe(
          Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(200, token), { tracerPropagation: true }))
        )
      )
    )
  )

  it("the User-Agent names the package version of package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    expect(ClerkClient.USER_AGENT).toBe(`@effect-clerk/backend/${pkg.version}`)
  })
})

describe("Clerk.layerFetch", () => {
  it.effect("gives every service over fetch", () =>
    Effect.gen(function* () {
      const seen: Array<string> = []
      const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
        seen.push(`${init?.method} ${String(input)}`)
        return ClerkTest.json(200, token)
      }) as typeof globalThis.fetch
      yield* ActorTokens.revoke("act_1").pipe(
        Effect.provide(Clerk.layerFetch({ secretKey: Redacted.make(SECRET) })),
        Effect.provideService(FetchHttpClient.Fetch, fetch)
      )
      expect(seen).toEqual(["POST https://api.clerk.com/v1/actor_tokens/act_1/revoke"])
    })
  )
})
