/**
 * The error of an unreachable pacing store, declared apart from `ClerkRateLimit.ts` (which
 * re-exports it) so that `ClerkError.ts` can name it in `Always` without an import cycle.
 *
 * @internal
 */
import * as Schema from "effect/Schema"

/** See `ClerkRateLimit.RateLimitStoreUnavailable`. */
export class RateLimitStoreUnavailable extends Schema.TaggedError<RateLimitStoreUnavailable>(
  "@effect-clerk/backend/RateLimitStoreUnavailable"
)("RateLimitStoreUnavailable", {
  /** The call's operation (`Users.create`), once the error reaches it. */
  operation: Schema.optional(Schema.String),
  /** The store's name (`memory`, `redis`). */
  store: Schema.String,
  description: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {
  override get message(): string {
    return `RateLimitStoreUnavailable${this.operation ? ` in ${this.operation}` : ""} (${this.store}): ${this.description}`
  }
}
