/**
 * `order_by` on every emulated list that documents it, through our SDK (issue 19 item 2): each
 * documented field, ascending (`+` or no prefix) and descending (`-`), the default when it is left
 * out, and a 422 naming `order_by` for a field the list does not document. The lists and fields
 * come from order-world.ts, which must name exactly the emulated lists whose query has `order_by`
 * and exactly the fields each route declares (spec.shared.test.ts holds those to the spec).
 */
import {
  Clerk,
  ClerkClient,
  Invitations,
  Machines,
  OrganizationDomains,
  OrganizationInvitations,
  OrganizationMemberships,
  Organizations,
  Users,
  WaitlistEntries
} from "@effect-clerk/backend"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Emulator from "../src/Emulator.js"
import * as Router from "../src/internal/router.js"
import { all as resources } from "../src/resources/all.js"
import { propertyNames, setup } from "./helpers.js"
import { build, inOrder, LISTS, type World } from "./order-world.js"

type Call = (world: World, order_by: string | undefined) => Effect.Effect<unknown, unknown, Clerk.Services>

// the query's order_by (`undefined`: left out)
const by = (order_by: string | undefined) => (order_by === undefined ? {} : { order_by })

// each list through our SDK
const CALLS: { readonly [operation: string]: Call } = {
  "Users.list": (_, order_by) => Users.list(by(order_by)),
  "Organizations.list": (_, order_by) => Organizations.list({ include_members_count: true, ...by(order_by) }),
  "OrganizationMemberships.list": (w, order_by) => OrganizationMemberships.list(w.orgs[0]!.id, by(order_by)),
  "OrganizationMemberships.listInstance": (_, order_by) => OrganizationMemberships.listInstance(by(order_by)),
  "Invitations.list": (_, order_by) => Invitations.list(by(order_by)),
  "OrganizationInvitations.list": (w, order_by) => OrganizationInvitations.list(w.orgs[0]!.id, by(order_by)),
  "OrganizationInvitations.getAll": (_, order_by) => OrganizationInvitations.getAll(by(order_by)),
  "Machines.list": (_, order_by) => Machines.list(by(order_by)),
  "OrganizationDomains.listAll": (_, order_by) => OrganizationDomains.listAll(by(order_by)),
  "WaitlistEntries.list": (_, order_by) => WaitlistEntries.list(by(order_by))
}

const items = (answer: unknown): ReadonlyArray<any> =>
  Array.isArray(answer) ? answer : (answer as { readonly data: ReadonlyArray<any> }).data

const ordered = Emulator.emulatedOperations().filter((o) => propertyNames(o.query).includes("order_by"))
const routes = Router.routes(resources)

const inWorld = <A, E>(f: (world: World) => Effect.Effect<A, E, Clerk.Services>) =>
  Effect.gen(function* () {
    const { emulator, advance } = setup()
    const world = yield* Effect.promise(() => build(emulator, advance))
    const layer = Clerk.layer.pipe(
      Layer.provide(ClerkClient.layer({ secretKey: Redacted.make("sk_test_order"), retry: false })),
      Layer.provide(Emulator.layerWith(emulator))
    )
    return yield* f(world).pipe(Effect.provide(layer))
  })

describe("order_by on every emulated list", () => {
  it("the table names each emulated list with order_by, and the fields its route declares", () => {
    expect(Object.keys(LISTS).sort()).toEqual(ordered.map((o) => o.name).sort())
    expect(Object.keys(CALLS).sort()).toEqual(Object.keys(LISTS).sort())
    for (const operation of ordered) {
      const declared = routes.get(operation.name)?.orderBy
      expect(declared, `${operation.name} declares no orderBy`).toBeDefined()
      expect([...declared!.fields].sort(), operation.name).toEqual(Object.keys(LISTS[operation.name]!.fields).sort())
    }
  })

  for (const [operation, { fields }] of Object.entries(LISTS)) {
    it.effect(`${operation}: every documented field, + and -; the default; an unknown field is a 422`, () =>
      inWorld((world) =>
        Effect.gen(function* () {
          const run = CALLS[operation]!
          const all = items(yield* run(world, "-created_at"))
          expect(all.length, operation).toBeGreaterThanOrEqual(3)
          for (const [field, read] of Object.entries(fields)) {
            for (const [orderBy, sign] of [
              [field, 1],
              [`+${field}`, 1],
              [`-${field}`, -1]
            ] as const) {
              const answer = items(yield* run(world, orderBy))
              const values = answer.map((item) => read(item, world.phones))
              expect(inOrder(values, sign), `${operation} order_by=${orderBy}: ${JSON.stringify(values)}`).toBe(true)
              expect(answer.map((i) => i.id).sort(), `${operation} order_by=${orderBy}`).toEqual(
                all.map((i) => i.id).sort()
              )
            }
          }
          // the spec's default for every one of these lists: newest first
          const byDefault = items(yield* run(world, undefined))
          expect(byDefault.map((i) => i.id)).toEqual(all.map((i) => i.id))
          expect(
            inOrder(
              byDefault.map((i) => fields["created_at"]!(i, world.phones)),
              -1
            )
          ).toBe(true)

          const error = yield* Effect.flip(run(world, "shoe_size"))
          expect(error, operation).toMatchObject({
            status: 422,
            errors: [{ code: "form_param_format_invalid", meta: { param_name: "order_by" } }]
          })
        })
      )
    )
  }
})
