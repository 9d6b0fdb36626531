/**
 * Faults on demand: latency, `429` with `Retry-After`, `5xx`, connection resets; for every
 * operation or some, always, at a rate, or for the first N matching requests. Given at creation
 * (`Emulator.make({ faults })`, `Emulator.layer({ faults })`, `EmulatorServer.start({ faults })`) or
 * changed while running (`emulator.faults.set([...])`); every injected fault is recorded.
 *
 * A reset closes the socket without an answer on the server; through the in-memory `fetch` (and so
 * `Emulator.layer`) it rejects as undici does for a reset connection. The web-standard `handle`
 * never rejects, so it ignores resets.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as ApiError from "./ApiError.js"

/**
 * One fault rule. The first rule that matches a request (operation, rate, times left) applies.
 *
 * @since 0.1.0
 * @category models
 */
export interface Fault {
  /** `Service.method` names (`Users.list`) the rule applies to; default: every request. */
  readonly operation?: string | ReadonlyArray<string> | undefined
  /** Probability (0..1) that a matching request gets the fault; default 1. */
  readonly rate?: number | undefined
  /** Apply to the first `times` matching requests only; default: no limit. */
  readonly times?: number | undefined
  /** Delay before answering (or resetting), e.g. `"2 seconds"` or a number of milliseconds. */
  readonly latency?: Duration.DurationInput | undefined
  /** Answer with this status instead (`429`, `500`, `502`, `503`, `504`, ...): a Clerk-shaped error. */
  readonly status?: number | undefined
  /** With `status: 429`: the `Retry-After` header, in seconds (default 1). */
  readonly retryAfter?: number | undefined
  /** Close the connection without answering (server, in-memory `fetch`). */
  readonly reset?: boolean | undefined
}

// setTimeout's largest delay: a longer latency would fire at once
const MAX_LATENCY_MS = 2_147_483_647

const latencyOf = (input: unknown): Option.Option<number> =>
  Option.filter(
    Option.map(Duration.decodeUnknown(input), Duration.toMillis),
    (ms) => Number.isFinite(ms) && ms >= 0 && ms <= MAX_LATENCY_MS
  )

/**
 * A {@link Fault} as JSON (a `--faults` file, the control API's `/__emulator/faults`): the same keys,
 * `latency` as milliseconds or a duration string (`"2 seconds"`, `"500 millis"`). Unknown keys are
 * errors.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FaultJson: Schema.Schema<Fault, unknown> = Schema.Struct({
  operation: Schema.optional(Schema.Union(Schema.String, Schema.Array(Schema.String))),
  rate: Schema.optional(Schema.Number.pipe(Schema.between(0, 1))),
  times: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  latency: Schema.optional(
    Schema.Union(Schema.Number, Schema.String).pipe(
      Schema.filter((input) => Option.isSome(latencyOf(input)), {
        message: () => `a latency is milliseconds (0..${MAX_LATENCY_MS}) or a duration such as "2 seconds"`
      })
    )
  ),
  status: Schema.optional(Schema.Int.pipe(Schema.between(400, 599))),
  retryAfter: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  reset: Schema.optional(Schema.Boolean)
}).annotations({ identifier: "Fault" }) as unknown as Schema.Schema<Fault, unknown>

/**
 * Decodes plain data (e.g. a parsed `--faults` JSON file) as a list of {@link Fault} rules; throws a
 * readable error.
 *
 * @since 0.1.0
 * @category validation
 */
export const decode = (input: unknown): ReadonlyArray<Fault> => {
  const result = Schema.decodeUnknownEither(Schema.Array(FaultJson), { errors: "all", onExcessProperty: "error" })(
    input
  )
  if (result._tag === "Left") {
    throw new Error(`invalid faults: ${ParseResult.TreeFormatter.formatErrorSync(result.left)}`)
  }
  return result.right
}

/**
 * A fault that was applied, in order.
 *
 * @since 0.1.0
 * @category models
 */
export interface Injected {
  /** The operation, when the request matched one. */
  readonly operation: string | undefined
  readonly method: string
  readonly path: string
  readonly latencyMs: number
  readonly status: number | undefined
  readonly reset: boolean
}

/**
 * The faults of one emulator instance.
 *
 * @since 0.1.0
 * @category models
 */
export interface Faults {
  /** Replaces the rules. */
  readonly set: (faults: ReadonlyArray<Fault>) => void
  /** Adds a rule after the current ones. */
  readonly add: (fault: Fault) => void
  /** Removes every rule. */
  readonly clear: () => void
  /** The current rules, in order. */
  readonly rules: () => ReadonlyArray<Fault>
  /** Every fault applied so far, oldest first. */
  readonly injected: () => ReadonlyArray<Injected>
}

/** @internal */
export interface Decision {
  readonly latencyMs: number
  readonly status: number | undefined
  readonly retryAfter: number
  readonly reset: boolean
}

/**
 * The Clerk-shaped error of an injected status: Clerk's rate-limit error for 429, its server error
 * for a 5xx, `injected_fault` for any other 4xx.
 *
 * @internal
 */
export const toError = (status: number, retryAfter?: number): ApiError.ApiError =>
  status === 429
    ? ApiError.tooManyRequests(retryAfter)
    : status >= 500
      ? ApiError.make(status, {
          message: "Oops, an unexpected error occurred",
          long_message: `Injected fault: ${status}.`,
          code: status === 500 ? "internal_clerk_error" : "service_unavailable"
        })
      : ApiError.make(status, {
          message: "injected fault",
          long_message: `Injected fault: ${status}.`,
          code: "injected_fault"
        })

interface Rule {
  readonly fault: Fault
  remaining: number
}

/** @internal */
export const make = (
  initial: ReadonlyArray<Fault>,
  random: () => number
): Faults & {
  readonly decide: (operation: string | undefined, method: string, path: string) => Decision | undefined
} => {
  let rules: Array<Rule> = []
  const injected: Array<Injected> = []
  const toRule = (fault: Fault): Rule => {
    if (fault.rate !== undefined && !(fault.rate >= 0 && fault.rate <= 1))
      throw new Error("fault rate must be in [0, 1]")
    if (fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)) {
      throw new Error("fault status must be a 4xx or 5xx status")
    }
    if (fault.latency !== undefined && Option.isNone(latencyOf(fault.latency))) {
      throw new Error(`fault latency must be finite, not negative and at most ${MAX_LATENCY_MS} ms`)
    }
    return { fault, remaining: fault.times ?? Infinity }
  }
  const set = (faults: ReadonlyArray<Fault>) => {
    rules = faults.map(toRule)
  }
  set(initial)
  return {
    set,
    add: (fault) => {
      rules.push(toRule(fault))
    },
    clear: () => {
      rules = []
    },
    rules: () => rules.map((rule) => rule.fault),
    injected: () => injected.slice(),
    decide: (operation, method, path) => {
      for (const rule of rules) {
        const { fault } = rule
        const names =
          fault.operation === undefined
            ? undefined
            : typeof fault.operation === "string"
              ? [fault.operation]
              : fault.operation
        if (names !== undefined && (operation === undefined || !names.includes(operation))) continue
        if (rule.remaining <= 0) continue
        if (fault.rate !== undefined && random() >= fault.rate) continue
        rule.remaining--
        const decision: Decision = {
          latencyMs: fault.latency === undefined ? 0 : Option.getOrElse(latencyOf(fault.latency), () => 0),
          status: fault.reset === true ? undefined : fault.status,
          retryAfter: fault.retryAfter ?? 1,
          reset: fault.reset === true
        }
        injected.push({
          operation,
          method,
          path,
          latencyMs: decision.latencyMs,
          status: decision.status,
          reset: decision.reset
        })
        return decision
      }
      return undefined
    }
  }
}
