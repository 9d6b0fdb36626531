/**
 * The body of an upload (`multipart/form-data`), from a body the operation's schema encoded: files
 * become Blobs (a `{ path }` is read through the client's `FileSystem`), other values strings
 * (objects as JSON).
 *
 * @internal
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ClerkError from "../ClerkError.js"

const CONTENT_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml"
}

/**
 * The form, serialized here (by the platform's own `Response`), so every HttpClient sends the same
 * bytes: undici 7 cannot send a `FormData` made by Node 20's built-in fetch.
 */
export const formData = (
  fileSystem: Option.Option<FileSystem.FileSystem>,
  operation: string,
  body: unknown
): Effect.Effect<{ readonly bytes: Uint8Array; readonly contentType: string }, ClerkError.InvalidInput> =>
  Effect.gen(function* () {
    const form = new FormData()
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (value === undefined || value === null) continue
      if (value instanceof Blob) form.append(key, value, value instanceof File ? value.name : key)
      else if (value instanceof Uint8Array) form.append(key, new Blob([value]), key)
      else if (typeof value === "object" && typeof (value as { path?: unknown }).path === "string") {
        const file = value as { readonly path: string; readonly type?: string | undefined }
        const bytes = yield* readPath(fileSystem, operation, file.path)
        const name = file.path.split(/[\\/]/).pop() ?? key
        const type =
          file.type ?? CONTENT_TYPES[name.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream"
        form.append(key, new Blob([bytes], { type }), name)
      } else if (Array.isArray(value)) for (const item of value) form.append(key, String(item))
      else form.append(key, typeof value === "object" ? JSON.stringify(value) : String(value))
    }
    const encoded = new Response(form)
    const bytes = yield* Effect.promise(() => encoded.arrayBuffer())
    return { bytes: new Uint8Array(bytes), contentType: encoded.headers.get("content-type")! }
  })

const readPath = (
  fileSystem: Option.Option<FileSystem.FileSystem>,
  operation: string,
  path: string
): Effect.Effect<Uint8Array, ClerkError.InvalidInput> =>
  Option.match(fileSystem, {
    onNone: () =>
      Effect.fail(
        new ClerkError.InvalidInput({
          operation,
          location: "body",
          description: `reading ${path} needs a FileSystem in context (the Node layers provide one); pass a Blob or Uint8Array instead`
        })
      ),
    onSome: (fs) =>
      Effect.mapError(
        fs.readFile(path),
        (error) =>
          new ClerkError.InvalidInput({
            operation,
            location: "body",
            description: `cannot read ${path}: ${error.message}`
          })
      )
  })
