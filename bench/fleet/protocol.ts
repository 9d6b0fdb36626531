/**
 * What the fleet harness and its worker processes tell each other (JSON over the fork's IPC).
 */

/** How a worker's client meets Clerk's limit (see `worker.ts`). */
export type Setup = "retries" | "pause" | "shared"

/** A worker's for its lifetime (argv[2]). */
export interface WorkerConfig {
  readonly id: number
  /** The emulator's Backend API base URL (with `/v1`), and its key. */
  readonly apiUrl: string
  readonly secretKey: string
  /** Calls in flight at once in this process. */
  readonly lanes: number
}

/** One run's (the `prepare` message). */
export interface RunConfig {
  readonly setup: Setup
  /** `shared`: the budget the replicas share, and the Redis that counts it. */
  readonly budget: { readonly limit: number; readonly windowMs: number }
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
  /** Calls that created a user. */
  readonly created: number
  /** Calls that failed, by error tag (`TooManyRequests` after the SDK's retries, `TransportError`, ...). */
  readonly failed: Readonly<Record<string, number>>
  /** Calls the deadline interrupted. */
  readonly cut: number
  /** The longest call that ended by itself (answer or typed failure), in ms. */
  readonly longestMs: number
  /** HTTP attempts the client sent, and how many were answered 429 (the client's count). */
  readonly attempts: number
  readonly tooManyRequests: number
}
