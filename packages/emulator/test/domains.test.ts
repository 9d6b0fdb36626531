import { Domains } from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import * as EmulatedDomains from "../src/resources/Domains.js"
import { call, setup } from "./helpers.js"
import { failure, sdk } from "./sdk-world.js"

describe("Domains, through the SDK", () => {
  it.effect("the primary domain is listed first; satellites are added, updated and deleted", () => {
    const { layer } = sdk({ frontendApiUrl: "https://clerk.example.com" })
    return Effect.gen(function* () {
      const initial = yield* Domains.list()
      expect(initial.total_count).toBe(1)
      const primary = initial.data[0]!
      expect(primary).toMatchObject({
        object: "domain",
        name: "clerk.example.com",
        is_satellite: false,
        frontend_api_url: "https://clerk.example.com",
        proxy_url: null
      })
      expect(primary.id).toMatch(/^dmn_\w{27}$/)

      const satellite = yield* Domains.add({ name: "Shop.Example.org", is_satellite: true })
      expect(satellite).toMatchObject({
        object: "domain",
        name: "shop.example.org",
        is_satellite: true,
        frontend_api_url: "https://clerk.shop.example.org",
        accounts_portal_url: null,
        proxy_url: null,
        cname_targets: [{ host: "clerk.shop.example.org", value: "frontend-api.clerk.services", required: true }]
      })
      const dev = yield* Domains.add({ name: "localhost:3001", is_satellite: true })
      expect((yield* Domains.list()).data.map((d) => d.id)).toEqual([primary.id, satellite.id, dev.id])

      const proxied = yield* Domains.update(satellite.id, { proxy_url: "https://shop.example.org/__clerk" })
      expect(proxied).toMatchObject({
        name: "shop.example.org",
        proxy_url: "https://shop.example.org/__clerk",
        frontend_api_url: "https://shop.example.org/__clerk",
        cname_targets: null
      })
      const renamed = yield* Domains.update(satellite.id, { name: "store.example.org", proxy_url: null })
      expect(renamed).toMatchObject({ name: "store.example.org", proxy_url: null })
      const primaryRenamed = yield* Domains.update(primary.id, { name: "clerk.example.net" })
      expect(primaryRenamed).toMatchObject({ id: primary.id, name: "clerk.example.net", is_satellite: false })

      expect(yield* Domains.delete(dev.id)).toEqual({ object: "domain", id: dev.id, deleted: true })
      expect((yield* Domains.list()).data.map((d) => d.name)).toEqual(["clerk.example.net", "store.example.org"])
    }).pipe(Effect.provide(layer))
  })

  it.effect(
    "each documented failure: 403 for the primary domain, 404 for an unknown id, 422 for bad or taken names",
    () => {
      const { layer } = sdk()
      return Effect.gen(function* () {
        const primary = (yield* Domains.list()).data[0]!
        expect(yield* failure(Domains.delete(primary.id))).toEqual({ tag: "Forbidden", code: "operation_not_allowed" })
        expect(yield* failure(Domains.delete("dmn_missing"))).toEqual({ tag: "NotFound", code: "resource_not_found" })
        expect(yield* failure(Domains.update("dmn_missing", { name: "x.example.com" }))).toEqual({
          tag: "NotFound",
          code: "resource_not_found"
        })
        yield* Domains.add({ name: "a.example.com", is_satellite: true })
        expect(yield* failure(Domains.add({ name: "A.example.com", is_satellite: true }))).toEqual({
          tag: "UnprocessableEntity",
          code: "form_identifier_exists"
        })
        expect(yield* failure(Domains.add({ name: primary.name, is_satellite: true }))).toMatchObject({
          code: "form_identifier_exists"
        })
        expect(yield* failure(Domains.add({ name: "https://b.example.com", is_satellite: true }))).toEqual({
          tag: "UnprocessableEntity",
          code: "form_param_format_invalid"
        })
        expect(
          yield* failure(
            Domains.add({ name: "b.example.com", is_satellite: true, proxy_url: "http://b.example.com/p" })
          )
        ).toEqual({ tag: "UnprocessableEntity", code: "form_param_format_invalid" })
        expect(yield* failure(Domains.update(primary.id, { name: "a.example.com" }))).toMatchObject({
          code: "form_identifier_exists"
        })
        expect((yield* Domains.list()).total_count).toBe(2)
      }).pipe(Effect.provide(layer))
    }
  )
})

describe("Domains on the wire", () => {
  it("refuses is_satellite: false (only true is accepted) and keeps the primary domain's id across instances", async () => {
    const { emulator } = setup()
    const reply = await call(emulator, "POST", "/domains", { body: { name: "x.example.com", is_satellite: false } })
    expect(reply.status).toBe(422)
    expect(reply.body.errors[0]).toMatchObject({
      code: "form_param_format_invalid",
      meta: { param_name: "is_satellite" }
    })
    const other = Emulator.make()
    expect(EmulatedDomains.primary(other.context).json.id).toBe(EmulatedDomains.primary(emulator.context).json.id)
    expect(
      EmulatedDomains.primary(Emulator.make({ frontendApiUrl: "https://other.example" }).context).json.id
    ).not.toBe(EmulatedDomains.primary(emulator.context).json.id)
  })

  it("reset forgets a renamed primary domain and every satellite", async () => {
    const { emulator } = setup()
    const primary = (await call(emulator, "GET", "/domains")).body.data[0]
    await call(emulator, "PATCH", `/domains/${primary.id}`, { body: { name: "renamed.example.com" } })
    await call(emulator, "POST", "/domains", { body: { name: "s.example.com", is_satellite: true } })
    emulator.reset()
    const after = (await call(emulator, "GET", "/domains")).body
    expect(after.total_count).toBe(1)
    expect(after.data[0]).toMatchObject({ id: primary.id, name: "emulator.clerk.invalid" })
  })
})
