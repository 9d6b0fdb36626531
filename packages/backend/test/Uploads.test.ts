import { ClerkTest, Organizations, Users } from "@effect-clerk/backend"
import * as FileSystem from "@effect/platform/FileSystem"
import * as PlatformError from "@effect/platform/Error"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { fixtures } from "./fixtures.js"

const user = fixtures.find((f) => f.operationId === "GetUser")!.response.body
const organization = fixtures.find((f) => f.operationId === "UploadOrganizationLogo")!.response.body
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])

const answer = () => ClerkTest.json(200, user)

/** The multipart form the SDK sent. */
const sentForm = Effect.gen(function* () {
  const [request] = yield* ClerkTest.requests
  expect(request!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/)
  return yield* Effect.promise(() =>
    new Response(request!.bytes, { headers: { "content-type": request!.headers["content-type"]! } }).formData()
  )
})

const fileOf = (form: FormData, key: string) => form.get(key) as File

const readFile = (path: string) =>
  path === "/images/logo.png"
    ? Effect.succeed(PNG)
    : Effect.fail(
        new PlatformError.SystemError({
          reason: "NotFound",
          module: "FileSystem",
          method: "readFile",
          pathOrDescriptor: path
        })
      )

const withClerk = (fileSystem?: Layer.Layer<FileSystem.FileSystem>) => {
  const clerk = fileSystem ? ClerkTest.layer(answer).pipe(Layer.provide(fileSystem)) : ClerkTest.layer(answer)
  return Effect.provide(Layer.mergeAll(Users.layer, Organizations.layer).pipe(Layer.provideMerge(clerk)))
}

describe("multipart uploads", () => {
  it.effect("bytes become a file part; form fields are sent as text", () =>
    Effect.gen(function* () {
      yield* Users.setProfileImage("user_1", { file: PNG })
      const [request] = yield* ClerkTest.requests
      expect(`${request!.method} ${request!.url.pathname}`).toBe("POST /v1/users/user_1/profile_image")
      const form = yield* sentForm
      expect(new Uint8Array(yield* Effect.promise(() => fileOf(form, "file").arrayBuffer()))).toEqual(PNG)
    }).pipe(withClerk())
  )

  it.effect("a Blob keeps its type; other fields go along", () =>
    Effect.gen(function* () {
      yield* Organizations.uploadLogo("org_1", {
        file: new File([PNG], "logo.webp", { type: "image/webp" }),
        uploader_user_id: "user_1"
      })
      const form = yield* sentForm
      expect(fileOf(form, "file").type).toBe("image/webp")
      expect(fileOf(form, "file").name).toBe("logo.webp")
      expect(form.get("uploader_user_id")).toBe("user_1")
    }).pipe(
      Effect.provide(
        Organizations.layer.pipe(Layer.provideMerge(ClerkTest.layer(() => ClerkTest.json(200, organization))))
      )
    )
  )

  it.effect("a path is read through the FileSystem in context, its type guessed from the extension", () =>
    Effect.gen(function* () {
      yield* Users.setProfileImage("user_1", { file: { path: "/images/logo.png" } })
      const form = yield* sentForm
      const file = fileOf(form, "file")
      expect(file.name).toBe("logo.png")
      expect(file.type).toBe("image/png")
      expect(new Uint8Array(yield* Effect.promise(() => file.arrayBuffer()))).toEqual(PNG)
    }).pipe(withClerk(FileSystem.layerNoop({ readFile })))
  )

  it.effect("a path that cannot be read is InvalidInput and nothing is sent", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Users.setProfileImage("user_1", { file: { path: "/missing.png" } }))
      expect(error._tag).toBe("InvalidInput")
      expect(error.message).toContain("cannot read /missing.png")
      expect(yield* ClerkTest.requests).toHaveLength(0)
    }).pipe(withClerk(FileSystem.layerNoop({ readFile })))
  )

  it.effect("a path without a FileSystem is InvalidInput saying how to fix it, and nothing is sent", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Users.setProfileImage("user_1", { file: { path: "/images/logo.png" } }))
      expect(error._tag).toBe("InvalidInput")
      expect(error.message).toContain("needs a FileSystem")
      expect(yield* ClerkTest.requests).toHaveLength(0)
    }).pipe(withClerk())
  )

  it.effect("something that is not a file is InvalidInput", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Users.setProfileImage("user_1", { file: "logo.png" as unknown as Uint8Array }))
      expect(error._tag).toBe("InvalidInput")
      expect(error.message).toContain("ClerkFile")
      expect(yield* ClerkTest.requests).toHaveLength(0)
    }).pipe(withClerk())
  )
})
