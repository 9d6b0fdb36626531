/**
 * The checks of what configures a `ClerkClient`: the secret key, the base URL and the request
 * options. Each returns the value to use or a message naming what is wrong; no message shows a value
 * (a swapped pair of variables would put the key there).
 *
 * @internal
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/** The fields of `ClerkClient.RequestOptions` the checks read (declared here: that module imports this one). */
export interface CheckedOptions {
  readonly timeout?: Duration.DurationInput | undefined
  readonly maxResponseBytes?: number | undefined
  readonly retry?:
    | {
        readonly maxAttempts?: number | undefined
        readonly factor?: number | undefined
        readonly initialDelay?: Duration.DurationInput | undefined
        readonly maxDelay?: Duration.DurationInput | undefined
        readonly maxRetryAfter?: Duration.DurationInput | undefined
        readonly budget?: Duration.DurationInput | undefined
      }
    | false
    | undefined
}

/** The options as given, or the key that is wrong (`retry.factor`) and why. */
export const requestOptions = <Options extends CheckedOptions>(
  options: Options
): Either.Either<Options, [string, string]> => {
  const positive = (value: Duration.DurationInput | undefined) =>
    value === undefined ||
    Option.match(Duration.decodeUnknown(value), { onNone: () => false, onSome: Duration.isFinite })
  if (!positive(options.timeout)) return Either.left(["timeout", "must be a finite Duration"])
  if (
    options.maxResponseBytes !== undefined &&
    !(Number.isSafeInteger(options.maxResponseBytes) && options.maxResponseBytes > 0)
  ) {
    return Either.left(["maxResponseBytes", "must be a positive integer"])
  }
  const retry = options.retry
  if (retry) {
    if (retry.maxAttempts !== undefined && !(Number.isSafeInteger(retry.maxAttempts) && retry.maxAttempts >= 1)) {
      return Either.left(["retry.maxAttempts", "must be an integer of at least 1"])
    }
    if (retry.factor !== undefined && !(Number.isFinite(retry.factor) && retry.factor >= 1)) {
      return Either.left(["retry.factor", "must be a number of at least 1"])
    }
    for (const key of ["initialDelay", "maxDelay", "maxRetryAfter", "budget"] as const) {
      if (!positive(retry[key])) return Either.left([`retry.${key}`, "must be a finite Duration"])
    }
  }
  return Either.right(options)
}

/**
 * Trims the key (a key read from a file often ends in a newline) and checks that what is left can
 * go in a header (printable ASCII without spaces) and is a Clerk key the Backend API takes as a
 * bearer: an instance's secret key (`sk_`) or a machine's (`ak_`).
 */
export const secretKey = (key: Redacted.Redacted<string>): Either.Either<Redacted.Redacted<string>, string> => {
  const value = Redacted.value(key)
  const trimmed = value.trim()
  if (trimmed.length === 0) return Either.left("is empty")
  if (!/^[\x21-\x7e]+$/.test(trimmed)) {
    return Either.left(
      "holds a character that cannot be sent in a header (a space, a control character or a non-ASCII character); the value is not shown"
    )
  }
  // sk_: the instance's secret key; ak_: a machine's secret key, which M2MTokens.createToken requires
  if (!trimmed.startsWith("sk_") && !trimmed.startsWith("ak_")) {
    return Either.left(
      "must be a Clerk secret key starting with sk_ (or a machine secret key starting with ak_); the value is not shown"
    )
  }
  return Either.right(trimmed === value ? key : Redacted.make(trimmed))
}

/** An absolute http(s) URL without credentials, query or fragment; without its trailing slashes. */
export const baseUrl = (url: string): Either.Either<string, string> => {
  let parsed: URL
  try {
    parsed = new URL(url.trim())
  } catch {
    return Either.left("must be an absolute http(s) URL such as https://api.clerk.com/v1 (the value is not shown)")
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return Either.left("must be an http(s) URL such as https://api.clerk.com/v1 (the value is not shown)")
  }
  if (parsed.username !== "" || parsed.password !== "" || parsed.search !== "" || parsed.hash !== "") {
    return Either.left("must not hold credentials, a query or a fragment (the value is not shown)")
  }
  return Either.right(parsed.href.replace(/\/+$/, ""))
}

/** The options of `ClerkClient.make` checked, or a `ConfigError` naming the first one that is wrong. */
export const clientOptions = <Options extends CheckedOptions>(
  options: Options & { readonly secretKey: Redacted.Redacted<string>; readonly baseUrl?: string | undefined },
  defaultBaseUrl: string
): Either.Either<
  { readonly secretKey: Redacted.Redacted<string>; readonly baseUrl: string; readonly requestOptions: Options },
  ConfigError.ConfigError
> =>
  Either.all({
    secretKey: Either.mapLeft(secretKey(options.secretKey), (message) =>
      ConfigError.InvalidData(["secretKey"], message)
    ),
    baseUrl: Either.mapLeft(baseUrl(options.baseUrl ?? defaultBaseUrl), (message) =>
      ConfigError.InvalidData(["baseUrl"], message)
    ),
    requestOptions: Either.mapLeft(requestOptions(options), ([key, message]) => ConfigError.InvalidData([key], message))
  })

/** A config read as the secret key: missing is a `MissingData` naming `name`, malformed an `InvalidData`. */
export const secretKeyConfig = (
  config: Config.Config<Redacted.Redacted<string>>,
  name: string
): Config.Config<Redacted.Redacted<string>> =>
  Config.option(config).pipe(
    Config.mapOrFail((key) =>
      Option.isNone(key)
        ? Either.left(
            ConfigError.MissingData(
              [name],
              `${name} is not set: set it to the instance's secret key (sk_test_... or sk_live_...) from the Clerk Dashboard's API keys page`
            )
          )
        : Either.mapLeft(secretKey(key.value), (message) => ConfigError.InvalidData([name], message))
    )
  )

/** A config read as the base URL; a malformed one is an `InvalidData` naming `name`. */
export const baseUrlConfig = (config: Config.Config<string>, name: string): Config.Config<string> =>
  Config.mapOrFail(config, (url) => Either.mapLeft(baseUrl(url), (message) => ConfigError.InvalidData([name], message)))

/**
 * `CLERK_API_URL` as Clerk's own SDKs read it: an origin (`https://api.clerk.com`), to which they
 * append the API version's path (`@clerk/backend`'s `apiUrl` plus `/v1`; `@clerk/express` reads
 * `CLERK_API_URL` so). A value with a path (`http://127.0.0.1:4010/v1`, a proxy's prefix) is taken
 * as given. So one environment serves an app that runs both SDKs.
 */
export const clerkApiUrlConfig = (config: Config.Config<string>, name: string): Config.Config<string> =>
  Config.map(baseUrlConfig(config, name), (url) => (new URL(url).pathname === "/" ? `${url}/v1` : url))

/** A pacing budget (`ClerkRateLimit.Budget`) with its window decoded. */
export interface Budget {
  readonly limit: number
  readonly window: Duration.Duration
}

/** A positive integer `limit` per a finite, positive `window`, or an `InvalidData` naming `name`. */
export const budget = (
  value: { readonly limit: number; readonly window: Duration.DurationInput },
  name: string
): Either.Either<Budget, ConfigError.ConfigError> => {
  const window = positiveDuration(value.window, name)
  return Number.isSafeInteger(value.limit) && value.limit >= 1 && Either.isRight(window)
    ? Either.right({ limit: value.limit, window: window.right })
    : Either.left(ConfigError.InvalidData([name], "must be a positive integer `limit` per a finite, positive `window`"))
}

/** A finite, positive Duration, or an `InvalidData` naming `name`. */
export const positiveDuration = (
  value: Duration.DurationInput,
  name: string
): Either.Either<Duration.Duration, ConfigError.ConfigError> => {
  const decoded = Duration.decodeUnknown(value)
  return Option.isSome(decoded) && Duration.isFinite(decoded.value) && Duration.toMillis(decoded.value) > 0
    ? Either.right(decoded.value)
    : Either.left(ConfigError.InvalidData([name], "must be a finite, positive Duration"))
}

/**
 * `ClerkClient.config`: the key and the base URL from the given `Config`s, used as given, or from
 * `CLERK_SECRET_KEY` and `CLERK_API_URL` (read as Clerk's SDKs read it), each error naming its source.
 */
export const clientConfig = (
  options: {
    readonly secretKey?: Config.Config<Redacted.Redacted<string>> | undefined
    readonly baseUrl?: Config.Config<string> | undefined
  },
  defaultBaseUrl: string
): Config.Config<{ readonly secretKey: Redacted.Redacted<string>; readonly baseUrl: string }> =>
  Config.all({
    secretKey: secretKeyConfig(
      options.secretKey ?? Config.redacted("CLERK_SECRET_KEY"),
      options.secretKey ? "secretKey" : "CLERK_SECRET_KEY"
    ),
    baseUrl: options.baseUrl
      ? baseUrlConfig(options.baseUrl, "baseUrl")
      : clerkApiUrlConfig(Config.string("CLERK_API_URL").pipe(Config.withDefault(defaultBaseUrl)), "CLERK_API_URL")
  })
