/**
 * The settings of one call: the defaults, under the client's `RequestOptions`, under the call's
 * (`ClerkClient.withRequestOptions`), resolved to plain numbers.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import { mergeRequestOptions, type RequestOptions } from "../ClerkClient.js"

export interface RetrySettings {
  readonly maxAttempts: number
  readonly initialDelay: number
  readonly factor: number
  readonly maxDelay: number
  readonly maxRetryAfter: number
  readonly budget: number
}

export interface Settings {
  /** One attempt's time limit. */
  readonly timeout: Duration.Duration
  readonly maxResponseBytes: number
  /** `undefined`: one attempt (`retry: false`). */
  readonly retry: RetrySettings | undefined
}

const millis = (value: Duration.DurationInput | undefined, fallback: number): number =>
  value === undefined ? fallback : Duration.toMillis(value)

/** `options` over the defaults. */
export const resolve = (options: RequestOptions): Settings => {
  const retry = options.retry
  return {
    timeout: Duration.decode(options.timeout ?? "30 seconds"),
    maxResponseBytes: options.maxResponseBytes ?? 32 * 1024 * 1024,
    retry:
      retry === false
        ? undefined
        : {
            maxAttempts: retry?.maxAttempts ?? 4,
            initialDelay: millis(retry?.initialDelay, 500),
            factor: retry?.factor ?? 1.5,
            maxDelay: millis(retry?.maxDelay, 10_000),
            maxRetryAfter: millis(retry?.maxRetryAfter, 30_000),
            budget: millis(retry?.budget, 60_000)
          }
  }
}

/**
 * The settings of a call made under `current` (the call's or region's options): the client's,
 * resolved once, when `current` sets nothing (the common case).
 */
export const forCall = (client: RequestOptions, clientSettings: Settings, current: RequestOptions): Settings =>
  current.timeout === undefined && current.retry === undefined && current.maxResponseBytes === undefined
    ? clientSettings
    : resolve(mergeRequestOptions(client, current))
