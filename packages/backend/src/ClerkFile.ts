/**
 * The file of an upload (`Users.setProfileImage`, `Organizations.uploadLogo`,
 * `OAuthApplications.uploadLogo`): a `Blob` (or `File`), the bytes, or a path on disk. A path is
 * read through the `FileSystem` in context when the ClerkClient was built (the Node layers provide
 * one); without it, a path is an `InvalidInput` and nothing is sent.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category models
 */
export type ClerkFile =
  | Blob
  | Uint8Array
  | {
      readonly path: string
      /** The content type to send, e.g. `image/png`; by default guessed from the extension. */
      readonly type?: string | undefined
    }

/**
 * @since 0.1.0
 * @category schemas
 */
export const ClerkFile: Schema.Schema<ClerkFile> = /*#__PURE__*/ Schema.declare(
  (input: unknown): input is ClerkFile =>
    input instanceof Blob ||
    input instanceof Uint8Array ||
    (typeof input === "object" && input !== null && typeof (input as { path?: unknown }).path === "string"),
  { identifier: "ClerkFile", description: "a Blob, a Uint8Array or { path }" }
)
