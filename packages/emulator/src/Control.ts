/**
 * The control API: what the Effect API does to an emulator (reset, seed, snapshots, faults, session
 * tokens, webhook records), over HTTP for a test suite in another process or language. It lives
 * under {@link prefix} (`/__emulator`), a path Clerk's API never uses, answers JSON, and is guarded
 * by `Authorization: Bearer <key>`: the control key when one is given (`control: { key }`,
 * `--control-key`), else the secret key (any `sk_` key when the emulator has none, as for the API).
 * `control: false` (`--no-control`) turns it off: its paths are then unknown paths (404).
 *
 * Request bodies are the Effect API's own option objects as JSON (`Seed`, `Faults.Fault`,
 * `SessionTokens.MintOptions`), answers are its own records (`Faults.Injected`, `Webhooks.Event`,
 * `Webhooks.Delivery`). A bad request is a Clerk-shaped 4xx: 400 `malformed_request_body`, 422
 * `form_param_*` naming the key, 404 `resource_not_found`, 405 `method_not_allowed`. The endpoints
 * and their answers are listed in the emulator's README ("Control API").
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as ApiError from "./ApiError.js"
import * as Faults from "./Faults.js"
import * as Decode from "./internal/decode.js"
import * as Reply from "./internal/response.js"
import * as Seed from "./Seed.js"
import type * as SessionTokens from "./SessionTokens.js"
import type * as Store from "./Store.js"
import type * as Webhooks from "./Webhooks.js"

/**
 * The path prefix of every control endpoint.
 *
 * @since 0.1.0
 * @category constants
 */
export const prefix = "/__emulator"

/**
 * How many named snapshots the control API keeps at most (each is a copy of the whole state).
 *
 * @since 0.1.0
 * @category constants
 */
export const maxSnapshots = 100

/**
 * Whether a path belongs to the control API.
 *
 * @internal
 */
export const owns = (pathname: string): boolean => pathname === prefix || pathname.startsWith(`${prefix}/`)

/**
 * Who may use the control API: the bearer token equal to `key`; without a key, any `sk_` key (what
 * the Backend API accepts when the emulator has no secret key).
 *
 * @internal
 */
export const authorizer =
  (key: string | undefined) =>
  (token: string): boolean =>
    key === undefined ? token.startsWith("sk_") : token === key

/**
 * Options of the control API (`Emulator.make({ control })`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The bearer token the control API accepts. Default: the emulator's secret key. */
  readonly key?: string | undefined
}

/**
 * A snapshot kept by the control API (`POST /__emulator/snapshots`).
 *
 * @since 0.1.0
 * @category models
 */
export interface SnapshotInfo {
  readonly object: "snapshot"
  readonly id: string
}

const MintOptions: Schema.Schema<SessionTokens.MintOptions, unknown> = Schema.Struct({
  userId: Schema.String,
  organizationId: Schema.optional(Schema.String),
  actor: Schema.optional(Schema.Struct({ sub: Schema.String }, { key: Schema.String, value: Schema.Unknown })),
  authorizedParty: Schema.optional(Schema.String),
  expiresInSeconds: Schema.optional(Schema.Int.pipe(Schema.positive())),
  claims: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
}) as unknown as Schema.Schema<SessionTokens.MintOptions, unknown>

const SnapshotName = Schema.Struct({
  name: Schema.optional(Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_.-]{1,64}$/)))
})

const ResetBody = Schema.Struct({ faults: Schema.optional(Schema.Boolean), webhooks: Schema.optional(Schema.Boolean) })

const FaultRules = Schema.Array(Faults.FaultJson)

/** What the control API needs from its emulator (the `ClerkEmulator` members of the same names). */
interface Target {
  readonly reset: () => void
  readonly seed: (seed: Seed.Seed) => Seed.Seeded
  readonly snapshot: () => Store.Snapshot
  readonly restore: (snapshot: Store.Snapshot) => void
  readonly faults: Faults.Faults
  readonly webhooks: Webhooks.Webhooks
  readonly sessionTokens: SessionTokens.SessionTokens
}

type Answer = Effect.Effect<unknown, ApiError.ApiError>

interface Endpoint {
  readonly method: string
  /** Path segments after the prefix; `:id` is a parameter. */
  readonly path: ReadonlyArray<string>
  readonly run: (input: {
    readonly url: URL
    readonly params: Readonly<Record<string, string>>
    readonly body: () => Effect.Effect<unknown, ApiError.ApiError>
  }) => Answer
}

/** A body validated with `schema`; an absent body is `{}` when `orEmpty` (every key optional). */
const bodyOf = <A>(
  body: () => Effect.Effect<unknown, ApiError.ApiError>,
  schema: Schema.Schema<A, any>,
  orEmpty = false
): Effect.Effect<A, ApiError.ApiError> =>
  Effect.flatMap(body(), (raw) =>
    raw === undefined && !orEmpty
      ? Effect.fail(ApiError.malformedBody("This endpoint needs a JSON body."))
      : Decode.validateBody(schema as Schema.Schema<A, unknown>, raw ?? {})
  )

const list = <A>(data: ReadonlyArray<A>) => ({ data, total_count: data.length })

const unprocessable = (code: string, message: string, longMessage: string): ApiError.ApiError =>
  ApiError.make(422, { message, long_message: longMessage, code })

/**
 * Builds the control API of an emulator: a handler for requests whose path starts with
 * {@link prefix}. `authorize` decides whether a bearer token may use it.
 *
 * @internal
 */
export const make = (
  emulator: Target,
  options: {
    readonly authorize: (token: string) => boolean
    /** The fault rules the emulator started with (what `reset` with `faults: true` restores). */
    readonly initialFaults: ReadonlyArray<Faults.Fault>
  }
): ((request: Request, url: URL) => Promise<Response>) => {
  const snapshots = new Map<string, Store.Snapshot>()
  let counter = 0

  const faultState = () => ({ rules: emulator.faults.rules(), injected: emulator.faults.injected() })
  const webhookState = () => ({
    object: "webhooks",
    secret: emulator.webhooks.secret,
    events: emulator.webhooks.events().length,
    deliveries: emulator.webhooks.deliveries().length
  })
  const snapshotNamed = (id: string) =>
    Effect.suspend(() => {
      const snapshot = snapshots.get(id)
      return snapshot === undefined
        ? Effect.fail(ApiError.notFound(`No snapshot was found with id ${id}.`))
        : Effect.succeed(snapshot)
    })
  const setFaults = (rules: ReadonlyArray<Faults.Fault>, change: (rules: ReadonlyArray<Faults.Fault>) => void) =>
    Effect.try({
      try: () => change(rules),
      catch: (error) =>
        ApiError.paramFormatInvalid("faults", error instanceof Error ? error.message : "invalid fault rule")
    }).pipe(Effect.map(faultState))

  const endpoints: ReadonlyArray<Endpoint> = [
    {
      method: "GET",
      path: [],
      run: ({ url }) =>
        Effect.sync(() => ({
          object: "emulator",
          control_url: new URL(prefix, url).href,
          jwks_url: new URL("/.well-known/jwks.json", url).href,
          session_token_issuer: emulator.sessionTokens.issuer,
          jwt_key: emulator.sessionTokens.publicKeyPem,
          webhook_signing_secret: emulator.webhooks.secret
        }))
    },
    {
      method: "POST",
      path: ["reset"],
      run: ({ body }) =>
        Effect.map(bodyOf(body, ResetBody, true), (wanted) => {
          emulator.reset()
          if (wanted.faults === true) emulator.faults.set(options.initialFaults)
          if (wanted.webhooks === true) emulator.webhooks.clear()
          return { object: "reset", state: true, faults: wanted.faults === true, webhooks: wanted.webhooks === true }
        })
    },
    {
      method: "POST",
      path: ["seed"],
      run: ({ body }) =>
        Effect.flatMap(bodyOf(body, Seed.Seed), (seed) =>
          Effect.try({
            try: () => ({ object: "seed", ...emulator.seed(seed) }),
            catch: (error) =>
              unprocessable("seed_invalid", "invalid seed", error instanceof Error ? error.message : "invalid seed")
          })
        )
    },
    {
      method: "GET",
      path: ["snapshots"],
      run: () => Effect.sync(() => list([...snapshots.keys()].map((id): SnapshotInfo => ({ object: "snapshot", id }))))
    },
    {
      method: "POST",
      path: ["snapshots"],
      run: ({ body }) =>
        Effect.flatMap(bodyOf(body, SnapshotName, true), ({ name }) => {
          const id = name ?? `snap_${++counter}`
          if (!snapshots.has(id) && snapshots.size >= maxSnapshots) {
            return Effect.fail(
              unprocessable(
                "snapshot_limit_reached",
                "too many snapshots",
                `The emulator keeps at most ${maxSnapshots} snapshots: delete one, or reuse a name.`
              )
            )
          }
          snapshots.set(id, emulator.snapshot())
          return Effect.succeed<SnapshotInfo>({ object: "snapshot", id })
        })
    },
    {
      method: "POST",
      path: ["snapshots", ":id", "restore"],
      run: ({ params }) =>
        Effect.map(snapshotNamed(params["id"]!), (snapshot) => {
          emulator.restore(snapshot)
          return { object: "snapshot", id: params["id"]!, restored: true }
        })
    },
    {
      method: "DELETE",
      path: ["snapshots", ":id"],
      run: ({ params }) =>
        Effect.map(snapshotNamed(params["id"]!), () => {
          snapshots.delete(params["id"]!)
          return { object: "snapshot", id: params["id"]!, deleted: true }
        })
    },
    { method: "GET", path: ["faults"], run: () => Effect.sync(faultState) },
    {
      method: "PUT",
      path: ["faults"],
      run: ({ body }) => Effect.flatMap(bodyOf(body, FaultRules), (rules) => setFaults(rules, emulator.faults.set))
    },
    {
      method: "POST",
      path: ["faults"],
      run: ({ body }) =>
        Effect.flatMap(bodyOf(body, Faults.FaultJson), (rule) => setFaults([rule], ([r]) => emulator.faults.add(r!)))
    },
    { method: "DELETE", path: ["faults"], run: () => setFaults([], emulator.faults.set) },
    {
      method: "POST",
      path: ["session_tokens"],
      run: ({ body }) =>
        Effect.flatMap(bodyOf(body, MintOptions), (options) =>
          Effect.map(emulator.sessionTokens.mint(options), (minted) => ({ object: "session_token", ...minted }))
        )
    },
    { method: "GET", path: ["webhooks"], run: () => Effect.sync(webhookState) },
    {
      method: "DELETE",
      path: ["webhooks"],
      run: () =>
        Effect.sync(() => {
          emulator.webhooks.clear()
          return webhookState()
        })
    },
    {
      method: "GET",
      path: ["webhooks", "events"],
      run: ({ url }) =>
        Effect.sync(() => {
          const types = url.searchParams.getAll("type")
          const events = emulator.webhooks.events()
          return list(types.length === 0 ? events : events.filter((event) => types.includes(event.type)))
        })
    },
    {
      method: "GET",
      path: ["webhooks", "deliveries"],
      run: () => Effect.sync(() => list(emulator.webhooks.deliveries()))
    },
    {
      method: "POST",
      path: ["webhooks", "flush"],
      run: ({ url }) => {
        const raw = url.searchParams.get("timeout_ms") ?? "15000"
        const timeout = /^\d{1,6}$/.test(raw) ? Math.min(Number(raw), 60_000) : undefined
        if (timeout === undefined) {
          return Effect.fail(ApiError.paramFormatInvalid("timeout_ms", "timeout_ms is a number of milliseconds."))
        }
        return Effect.promise(() => emulator.webhooks.flush()).pipe(
          Effect.as(false),
          Effect.timeoutTo({ duration: timeout, onSuccess: (pending) => pending, onTimeout: () => true }),
          Effect.map((pending) => ({ ...webhookState(), pending }))
        )
      }
    }
  ]

  const route = (method: string, segments: ReadonlyArray<string>) => {
    let pathMatched = false
    const allowed = new Set<string>()
    for (const endpoint of endpoints) {
      if (endpoint.path.length !== segments.length) continue
      const params: Record<string, string> = {}
      const matches = endpoint.path.every((part, i) => {
        if (part.startsWith(":")) params[part.slice(1)] = segments[i]!
        return part.startsWith(":") ? segments[i] !== "" : part === segments[i]
      })
      if (!matches) continue
      pathMatched = true
      allowed.add(endpoint.method)
      if (endpoint.method === method) return { endpoint, params }
    }
    return pathMatched ? { allowed: [...allowed] } : undefined
  }

  return async (request, url) => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1]
    if (token === undefined || !options.authorize(token)) {
      return Reply.error(
        ApiError.authenticationInvalid(
          "The control API needs `Authorization: Bearer <control key>` (the secret key unless --control-key was given)."
        )
      )
    }
    let segments: Array<string>
    try {
      segments = url.pathname
        .slice(prefix.length)
        .split("/")
        .filter((s) => s !== "")
        .map(decodeURIComponent)
    } catch {
      return Reply.error(ApiError.notFound())
    }
    const found = route(request.method.toUpperCase(), segments)
    if (found === undefined) {
      return Reply.error(ApiError.notFound(`${url.pathname} is not an endpoint of the emulator's control API.`))
    }
    if ("allowed" in found) {
      const error = ApiError.make(405, {
        message: "method not allowed",
        long_message: `${request.method} is not allowed on ${url.pathname}; use ${found.allowed.join(", ")}.`,
        code: "method_not_allowed"
      })
      const response = Reply.error(error)
      response.headers.set("allow", found.allowed.join(", "))
      return response
    }
    const exit = await Effect.runPromiseExit(
      found.endpoint.run({ url, params: found.params, body: () => Decode.readJson(request) })
    )
    if (exit._tag === "Success") return Reply.json(200, exit.value)
    const error = exit.cause._tag === "Fail" ? exit.cause.error : ApiError.internal()
    return Reply.error(error)
  }
}
