/**
 * What the fleet harness and its worker processes tell each other (JSON over the fork's IPC).
 */

/** How a worker's client meets Clerk's limit (see `worker.ts`). */
export type Setup = "retries" | "pause" | "shared"

/**
 * How a worker's calls come (see `worker.ts`):
 * - `open`: a new call every `1 / rate` s, whatever the calls before it are doing (an application
 *   serving its own traffic);
 * - `closed`: `lanes` callers, each sending its next call as soon as its last one ended.
 */
export type Workload =
  { readonly kind: "open"; readonly rate: number } | { readonly kind: "closed"; readonly lanes: number }

/** A worker's for its lifetime (argv[2]). */
export interface WorkerConfig {
  readonly id: number
  /** The emulator's Backend API base URL (with `/v1`), and its key. */
  readonly apiUrl: string
  readonly secretKey: string
}

/** One run's (the `prepare` message). */
export interface RunConfig {
  readonly setup: Setup
  readonly workload: Workload
  /** The run's length (the deadline comes with `go`): how many clients `retries` builds up front. */
  readonly seconds: number
  /**
   * `shared`: the budget the replicas share (`undefined`: `ClerkRateLimit`'s default, by the key),
   * and the Redis that counts it.
   */
  readonly budget?: { readonly limit: number; readonly windowMs: number } | undefined
  readonly redisPort?: number | undefined
}

export type ParentMessage =
  | { readonly type: "prepare"; readonly run: RunConfig }
  | { readonly type: "go"; readonly deadline: number }
  | { readonly type: "exit" }

export type WorkerMessage =
  { readonly type: "started" } | { readonly type: "ready" } | { readonly type: "done"; readonly stats: Stats }

/** What a worker saw in one run, sent once at its deadline. */
export interface Stats {
  readonly id: number
  /** Calls started. */
  readonly calls: number
  /** Calls that created a user. */
  readonly created: number
  /**
   * Calls that failed, by error tag (`TooManyRequests` after the SDK's retries; a `TransportError`
   * by tag and reason, e.g. `TransportError.Timeout`: a wait for the limit past the time limit).
   */
  readonly failed: Readonly<Record<string, number>>
  /** Calls the deadline interrupted. */
  readonly cut: number
  /** The longest call that ended by itself (answer or typed failure), in ms. */
  readonly longestMs: number
  /** HTTP attempts the client sent, and how many were answered 429 (the client's count). */
  readonly attempts: number
  readonly tooManyRequests: number
  /** `retries`: the clients built, up front and during the run (a call found none free). */
  readonly clients: number
  readonly clientsBuiltLate: number
}
