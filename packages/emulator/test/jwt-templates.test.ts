import { JWTTemplates } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { generateKeyPairSync } from "node:crypto"
import { failure, sdk } from "./sdk.js"

describe("JWTTemplates", () => {
  it.effect("creates with Clerk's defaults, gets, lists, updates and deletes", () =>
    Effect.gen(function* () {
      const created = yield* JWTTemplates.create({ name: "hasura", claims: { aud: "x" } })
      expect(created).toMatchObject({
        object: "jwt_template",
        name: "hasura",
        claims: { aud: "x" },
        lifetime: 60,
        allowed_clock_skew: 5,
        custom_signing_key: false,
        signing_algorithm: "RS256"
      })
      expect(yield* JWTTemplates.get(created.id)).toEqual(created)
      const second = yield* JWTTemplates.create({ name: "convex", claims: {}, lifetime: 3600 })
      expect((yield* JWTTemplates.list()).map((t) => t.id)).toEqual([created.id, second.id])
      const page = yield* JWTTemplates.list({ paginated: true, limit: 1, offset: 1 })
      expect(page).toMatchObject({ total_count: 2, data: [{ id: second.id }] })

      const updated = yield* JWTTemplates.update(created.id, { name: "hasura-v2", claims: { aud: "y" }, lifetime: 90 })
      expect(updated).toMatchObject({ id: created.id, name: "hasura-v2", claims: { aud: "y" }, lifetime: 90 })
      expect(updated.created_at).toBe(created.created_at)

      expect(yield* JWTTemplates.delete(second.id)).toEqual({ object: "jwt_template", id: second.id, deleted: true })
      expect((yield* failure(JWTTemplates.get(second.id))).tag).toBe("NotFound")
      expect((yield* failure(JWTTemplates.delete(second.id))).tag).toBe("NotFound")
      // not documented for update (400, 402, 422): the SDK reports Clerk's 404 as unexpected
      expect((yield* failure(JWTTemplates.update(second.id, { name: "n", claims: {} }))).tag).toBe("UnexpectedResponse")
    }).pipe(Effect.provide(sdk()))
  )

  it.effect("refuses a taken or blank name, Clerk's default claims and out-of-range lifetimes with 422", () =>
    Effect.gen(function* () {
      const first = yield* JWTTemplates.create({ name: "one", claims: {} })
      yield* JWTTemplates.create({ name: "two", claims: {} })
      expect(yield* failure(JWTTemplates.create({ name: "one", claims: {} }))).toEqual({
        tag: "UnprocessableEntity",
        code: "form_identifier_exists",
        param: "name"
      })
      expect(yield* failure(JWTTemplates.update(first.id, { name: "two", claims: {} }))).toMatchObject({
        code: "form_identifier_exists"
      })
      expect((yield* JWTTemplates.update(first.id, { name: "one", claims: { a: 1 } })).claims).toEqual({ a: 1 })
      expect(yield* failure(JWTTemplates.create({ name: " ", claims: {} }))).toMatchObject({ param: "name" })
      expect(yield* failure(JWTTemplates.create({ name: "x", claims: { sub: "me", iss: "me" } }))).toEqual({
        tag: "UnprocessableEntity",
        code: "form_param_value_invalid",
        param: "claims"
      })
      // the SDK checks the documented range before sending: nothing reaches the emulator
      expect((yield* failure(JWTTemplates.create({ name: "x", claims: {}, lifetime: 10 }))).tag).toBe("InvalidInput")
    }).pipe(Effect.provide(sdk()))
  )

  it.effect("a custom signing key needs an algorithm and a usable key; it is never returned", () =>
    Effect.gen(function* () {
      const custom = { name: "c", claims: {}, custom_signing_key: true }
      expect(yield* failure(JWTTemplates.create({ ...custom, signing_key: "k" }))).toEqual({
        tag: "UnprocessableEntity",
        code: "form_param_missing",
        param: "signing_algorithm"
      })
      expect(yield* failure(JWTTemplates.create({ ...custom, signing_algorithm: "HS256" }))).toMatchObject({
        code: "form_param_missing",
        param: "signing_key"
      })
      expect(
        yield* failure(JWTTemplates.create({ ...custom, signing_algorithm: "none", signing_key: "k" }))
      ).toMatchObject({ code: "form_param_value_invalid", param: "signing_algorithm" })
      expect(
        yield* failure(JWTTemplates.create({ ...custom, signing_algorithm: "RS256", signing_key: "not a pem" }))
      ).toMatchObject({ code: "form_param_value_invalid", param: "signing_key" })
      const pem = generateKeyPairSync("ec", { namedCurve: "P-256" })
        .privateKey.export({ type: "pkcs8", format: "pem" })
        .toString()
      const ok = yield* JWTTemplates.create({ ...custom, signing_algorithm: "ES256", signing_key: pem })
      expect(ok).toMatchObject({ custom_signing_key: true, signing_algorithm: "ES256" })
      expect(JSON.stringify(ok)).not.toContain("PRIVATE KEY")
    }).pipe(Effect.provide(sdk()))
  )
})
