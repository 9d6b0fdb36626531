/**
 * One operation of the Backend API as the emulator's router sees it (the generated table in
 * `src/generated/operations.ts` lists all of them).
 *
 * @since 0.1.0
 */
import type * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category models
 */
export interface OperationSpec {
  /** `Service.method`, as in docs/operations.md (e.g. `Users.updateMetadata`). */
  readonly name: string
  readonly operationId: string
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  /** The spec's path template, relative to `/v1` (e.g. `/users/{user_id}/metadata`). */
  readonly path: string
  readonly pathParams: ReadonlyArray<string>
  /** The backend's generated query schema. */
  readonly query?: Schema.Schema<any, any, never>
  /** Query parameters sent comma-separated (`explode: false`). */
  readonly queryCsv?: ReadonlyArray<string>
  /** The backend's generated request body schema. */
  readonly body?: Schema.Schema<any, any, never>
  readonly multipart?: boolean
  readonly optionalBody?: boolean
  /** The backend's generated response schema (what the SDK decodes a 2xx with). */
  readonly success?: Schema.Schema<any, any, never>
  readonly successStatus: number
  /** The statuses the spec documents with a class of their own. */
  readonly errors: ReadonlyArray<number>
}
