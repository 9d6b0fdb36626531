/**
 * An organization's logo through @effect-clerk/backend: a multipart image upload (type and size
 * checked), its deletion, and the organization.updated events both record.
 */
import { Organizations, Users } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import { failure, sdk } from "./sdk.js"

const png = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" })

describe("Organizations logo", () => {
  it.effect("uploadLogo sets has_image and an image_url; deleteLogo puts the default back", () =>
    Effect.gen(function* () {
      const ada = yield* Users.create({})
      const org = yield* Organizations.create({ name: "Acme" })
      expect(org).toMatchObject({
        has_image: false,
        image_url: "https://emulator.clerk.invalid/images/default-organization.png"
      })
      const withLogo = yield* Organizations.uploadLogo(org.id, { file: png, uploader_user_id: ada.id })
      expect(withLogo).toMatchObject({ id: org.id, has_image: true })
      expect(withLogo.image_url).toMatch(/^https:\/\/emulator\.clerk\.invalid\/images\/img_/)
      expect(yield* Organizations.get(org.id)).toMatchObject({ has_image: true, image_url: withLogo.image_url })

      const replaced = yield* Organizations.uploadLogo(org.id, {
        file: new Blob([new Uint8Array([0xff, 0xd8])], { type: "image/jpeg" })
      })
      expect(replaced.image_url).not.toBe(withLogo.image_url)

      const removed = yield* Organizations.deleteLogo(org.id)
      expect(removed).toMatchObject({
        has_image: false,
        image_url: "https://emulator.clerk.invalid/images/default-organization.png"
      })
      const emulator = yield* Emulator.Emulator
      const updates = emulator.webhooks.events().filter((e) => e.type === "organization.updated")
      expect(updates.map((e) => (e.data as { has_image: boolean }).has_image)).toEqual([true, true, false])
    }).pipe(Effect.provide(sdk()))
  )

  it.effect(
    "400 image_invalid for another type or no file, 413 image_too_large over 10MB, 400 for an unknown uploader, 404",
    () =>
      Effect.gen(function* () {
        const org = yield* Organizations.create({ name: "Acme" })
        expect(
          yield* failure(Organizations.uploadLogo(org.id, { file: new Blob(["<svg/>"], { type: "image/svg+xml" }) }))
        ).toMatchObject({ tag: "BadRequest", code: "image_invalid" })
        const big = new Blob([new Uint8Array(10 * 1024 * 1024 + 1)], { type: "image/png" })
        expect(yield* failure(Organizations.uploadLogo(org.id, { file: big }))).toMatchObject({
          tag: "PayloadTooLarge",
          code: "image_too_large"
        })
        expect(
          yield* failure(Organizations.uploadLogo(org.id, { file: png, uploader_user_id: "user_missing" }))
        ).toEqual({ tag: "BadRequest", code: "form_param_value_invalid", param: "uploader_user_id" })
        expect((yield* Organizations.get(org.id)).has_image).toBe(false)
        expect((yield* failure(Organizations.uploadLogo("org_missing", { file: png }))).tag).toBe("NotFound")
        expect((yield* failure(Organizations.deleteLogo("org_missing"))).tag).toBe("NotFound")
      }).pipe(Effect.provide(sdk()))
  )
})
