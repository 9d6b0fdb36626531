/**
 * The operations tables (`<Group>.operations`, typed by `ClerkOperation`):
 * - at the type level, a route written against an entry gets the path parameters, query and body
 *   the SDK sends, typed, and must answer what the SDK decodes (`tsc -b`, run by `pnpm check`, fails
 *   when that typing is lost: each `@ts-expect-error` below must meet an error);
 * - at run time, every entry agrees with the contract fixtures and the streams' fixtures, which the
 *   generator writes from its model without the tables, and every status maps to its own class.
 */
import * as Backend from "@effect-clerk/backend"
import { ClerkError, type ClerkOperation, OrganizationMemberships, Users, Webhooks } from "@effect-clerk/backend"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import type * as Effect from "effect/Effect"
import * as Operation from "../src/internal/operation.js"
import { fixtures } from "./fixtures.js"
import { streams } from "./streamFixtures.js"

/** What a server's router would keep of a route: the entry and its typed handler. */
interface Route<O extends ClerkOperation.Any> {
  readonly operation: O
  readonly handler: (input: ClerkOperation.Input<O>) => ClerkOperation.Success<O> | ClerkOperation.Page<O>
}

const route = <O extends ClerkOperation.Any>(
  operation: O,
  handler: (input: ClerkOperation.Input<O>) => ClerkOperation.Success<O> | ClerkOperation.Page<O>
): Route<O> => ({ operation, handler })

declare const user: Users.User
declare const membership: OrganizationMemberships.OrganizationMembership

describe("a route typed by its operation", () => {
  it("reads path parameters, query and body as the generated types, and answers the success type", () => {
    const get = route(Users.operations.get, ({ body, path, query }) => {
      expectTypeOf(path).toEqualTypeOf<{ readonly user_id: string }>()
      expectTypeOf(query).toEqualTypeOf<undefined>()
      expectTypeOf(body).toEqualTypeOf<undefined>()
      // @ts-expect-error: `get` has no such path parameter
      path.organization_id
      return { ...user, id: path.user_id }
    })
    expect(get.operation.path).toBe("/users/{user_id}")

    route(Users.operations.list, ({ path, query }) => {
      expectTypeOf(query).toEqualTypeOf<Users.ListParams>()
      expectTypeOf(path).toEqualTypeOf<{}>()
      return [user]
    })
    route(Users.operations.create, ({ body }) => {
      expectTypeOf(body).toEqualTypeOf<Users.CreateBody>()
      return user
    })
    route(Users.operations.replaceMetadata, ({ body, path }) => {
      // a body that may be left out
      expectTypeOf(body).toEqualTypeOf<Users.ReplaceMetadataBody | undefined>()
      expectTypeOf(path).toEqualTypeOf<{ readonly user_id: string }>()
      return user
    })
    route(OrganizationMemberships.operations.delete, ({ path }) => {
      expectTypeOf(path).toEqualTypeOf<{ readonly organization_id: string; readonly user_id: string }>()
      return membership
    })
    // an operation that answers with no content
    route(Webhooks.operations.deleteSvixApp, () => {})
    expectTypeOf<ClerkOperation.Success<typeof Webhooks.operations.deleteSvixApp>>().toEqualTypeOf<void>()
  })

  it("rejects a handler whose answer is not the operation's", () => {
    // @ts-expect-error: `get` answers a User, not a list of them
    route(Users.operations.get, () => [user])
    // @ts-expect-error: `list` answers a list
    route(Users.operations.list, () => user)
    // @ts-expect-error: `count` answers `{ object, total_count }`
    route(Users.operations.count, () => ({ total: 1 }))
    expect(Users.operations.count.success).toBe(Users.TotalCount)
  })

  it("types the paginated envelope, the documented errors and the page size", () => {
    type GetToken = typeof Users.operations.getOAuthAccessToken
    expectTypeOf<ClerkOperation.Page<GetToken>>().toEqualTypeOf<Users.GetOAuthAccessTokenPage>()
    expectTypeOf<ClerkOperation.Page<typeof Users.operations.get>>().toEqualTypeOf<never>()
    expectTypeOf<ClerkOperation.Status<typeof Users.operations.get>>().toEqualTypeOf<400 | 404>()
    expectTypeOf<ClerkOperation.Error<typeof Users.operations.get>>().toEqualTypeOf<
      ClerkError.BadRequest | ClerkError.NotFound
    >()
    expectTypeOf(Users.operations.list.maxPageSize).toEqualTypeOf<500>()
    expect(Users.operations.list.maxPageSize).toBe(500)
    // an entry is a ClerkOperation of its own types
    expectTypeOf(Users.operations.get).toMatchTypeOf<
      ClerkOperation.ClerkOperation<Users.User, 400 | 404, "user_id", never, never, never>
    >()
  })
})

describe("make", () => {
  it("runs an entry with its documented errors, and InvalidInput only when it takes input", () => {
    type Errors<R> = R extends (input: any) => Effect.Effect<any, infer E> ? E : never
    const get = (client: Backend.ClerkClient.ClerkClient.Service) => Operation.make(client, Users.operations.get)
    expectTypeOf<Errors<ReturnType<typeof get>>>().toEqualTypeOf<
      ClerkError.BadRequest | ClerkError.NotFound | ClerkError.InvalidInput | ClerkError.Always
    >()
    expectTypeOf<Effect.Effect.Success<ReturnType<ReturnType<typeof get>>>>().toEqualTypeOf<Users.User>()
    const jwks = (client: Backend.ClerkClient.ClerkClient.Service) =>
      Operation.make(client, Backend.JWKS.operations.get)
    expectTypeOf<Errors<ReturnType<typeof jwks>>>().toEqualTypeOf<ClerkError.Always>()
    expect(Backend.JWKS.operations.get.errors).toEqual([])
  })
})

const groups = Backend as unknown as Record<string, { readonly operations?: Record<string, ClerkOperation.Any> }>

describe("the tables", () => {
  it("hold each operation as the contract fixtures describe it", () => {
    const always: ReadonlyArray<number> = ClerkError.alwaysStatuses
    for (const fixture of fixtures) {
      const entry = groups[fixture.service]?.operations?.[fixture.method]
      expect(entry, `${fixture.service}.${fixture.method}`).toBeDefined()
      expect({
        name: entry!.name,
        operationId: entry!.operationId,
        method: entry!.method,
        path: entry!.path,
        pathParams: entry!.pathParams,
        errors: entry!.errors
      }).toEqual({
        name: `${fixture.service}.${fixture.method}`,
        operationId: fixture.operationId,
        method: fixture.request.method,
        path: fixture.route,
        pathParams: [...fixture.route.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]),
        errors: Object.keys(fixture.errors)
          .map(Number)
          .filter((status) => status < 500 && !always.includes(status))
      })
      expect(entry!.successStatus, fixture.operationId).toBe(
        fixture.response.status >= 200 && fixture.response.status < 300 ? fixture.response.status : entry!.successStatus
      )
    }
    const entries = Object.values(groups).flatMap((group) => Object.values(group.operations ?? {}))
    expect(entries).toHaveLength(fixtures.length)
  })

  it("give each pageable list its largest page, and no other operation one", () => {
    const pageable = new Map(streams.map((s) => [`${s.service}.${s.list}`, s.maxPageSize]))
    for (const group of Object.values(groups)) {
      for (const entry of Object.values(group.operations ?? {})) {
        expect(entry.maxPageSize, entry.name).toBe(pageable.get(entry.name))
      }
    }
    expect(pageable.size).toBe(37)
  })

  it("name only statuses with a class of their own, and every class is the one of its status", () => {
    for (const [status, Class] of Object.entries(ClerkError.statusClasses)) {
      // (the props of one class of the union: `as never`)
      const error = new Class({ status: Number(status), errors: [] } as never)
      expect(error.status).toBe(Number(status))
      expect(error._tag).toBe(Class._tag)
    }
    for (const group of Object.values(groups)) {
      for (const entry of Object.values(group.operations ?? {})) {
        for (const status of entry.errors) expect(Object.keys(ClerkError.statusClasses)).toContain(String(status))
      }
    }
  })
})
