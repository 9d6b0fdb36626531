import * as Effect from "effect/Effect"
import * as ApiError from "../ApiError.js"
import type * as Resource from "../Resource.js"

/**
 * The image types an upload may have: "Only the following file content types are supported:
 * `image/jpeg`, `image/png`, `image/gif`, `image/webp`" (spec `UploadOrganizationLogo`).
 *
 * @internal
 */
export const IMAGE_TYPES: ReadonlyArray<string> = ["image/jpeg", "image/png", "image/gif", "image/webp"]

/**
 * "The file size cannot exceed 10MB" (spec `UploadOrganizationLogo`).
 *
 * @internal
 */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024

const invalid = (longMessage: string) =>
  ApiError.make(400, { message: "invalid image", long_message: longMessage, code: "image_invalid" })

/**
 * Checks an uploaded `file` form field: a missing file or an unsupported type is a 400
 * `image_invalid`; a file over 10 MB is `tooLarge`: a 413 `image_too_large` where the spec
 * documents a 413 (organization logos), else the same 400.
 *
 * @internal
 */
export const check = (file: unknown, tooLarge: 400 | 413): Effect.Effect<Blob, ApiError.ApiError> => {
  if (!(file instanceof Blob)) return Effect.fail(invalid("file is missing: send the image as the form's file."))
  if (!IMAGE_TYPES.includes(file.type)) {
    return Effect.fail(
      invalid(`${file.type || "This file"} is not a supported image type (${IMAGE_TYPES.join(", ")}).`)
    )
  }
  if (file.size <= MAX_IMAGE_BYTES) return Effect.succeed(file)
  return Effect.fail(
    tooLarge === 413
      ? ApiError.make(413, {
          message: "image too large",
          long_message: "The image is more than 10MB.",
          code: "image_too_large"
        })
      : invalid("The image is more than 10MB.")
  )
}

/**
 * Where an uploaded image is served: the emulator keeps no bytes, so this is a URL on the emulated
 * Frontend API naming the upload.
 *
 * @internal
 */
export const url = (emulator: Resource.EmulatorContext): string =>
  `${emulator.frontendApiUrl}/images/${emulator.generateId("img_")}`
