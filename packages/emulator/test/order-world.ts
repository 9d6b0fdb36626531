/**
 * The state that every emulated list's `order_by` is tested against (order-by.test.ts through our
 * SDK, clerk-backend.test.ts through `@clerk/backend`), and how to read each documented field from
 * an item of the answer (the JSON, as Clerk sends it). Every field takes at least two different
 * values, in an order unlike the order of creation, so that a list that ignores `order_by` fails.
 */
import * as Emulator from "../src/Emulator.js"
import * as UserRecords from "../src/resources/users/records.js"
import { call } from "./helpers.js"

const PEOPLE = [
  { first: "Carol", last: "Able", username: "bravo", email: "carol@b.example", phone: "+15555550103" },
  { first: "Ada", last: "Cole", username: "charlie", email: "ada@c.example", phone: "+15555550101" },
  { first: "Bob", last: "Baker", username: "alpha", email: "bob@a.example", phone: "+15555550102" }
] as const

/** The phone number of each user, by id (a membership's JSON carries no phone number). */
export type Phones = ReadonlyMap<string, string>

/** What a field of an answer's item is, read from its JSON; `null` sorts last. */
export type Read = (item: any, phones: Phones) => string | number | null | undefined

/**
 * Builds the world in `emulator` (whose clock `advance` moves): three users, three organizations
 * with 3, 1 and 2 members, three instance invitations, three invitations to the first organization,
 * three machines, three organization domains over two organizations, three waitlist entries, two
 * of them invited (in another order than they were made).
 */
export const build = async (emulator: Emulator.ClerkEmulator, advance: (ms: number) => void) => {
  const ok = async (method: string, path: string, body?: unknown) => {
    advance(1000)
    const reply = await call(emulator, method, path, body === undefined ? {} : { body })
    if (reply.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(reply.body)}`)
    return reply.body
  }
  const users: Array<{ readonly id: string }> = []
  for (const [i, p] of PEOPLE.entries()) {
    users.push(
      await ok("POST", "/users", {
        first_name: p.first,
        last_name: p.last,
        username: p.username,
        email_address: [p.email],
        phone_number: [p.phone],
        created_at: `2021-0${[3, 1, 2][i]}-01T00:00:00Z`
      })
    )
  }
  // updated in another order; activity, sign-ins and web3 wallets are not requests the emulator takes
  for (const i of [1, 2, 0]) await ok("PATCH", `/users/${users[i]!.id}`, { locale: "en" })
  const records = emulator.context.store.get(UserRecords.users)
  for (const [i, user] of users.entries()) {
    const record = records.get(user.id)!
    const wallet = {
      id: `idn_wallet${i}`,
      object: "web3_wallet",
      web3_wallet: `0x${[2, 3, 1][i]}${"0".repeat(39)}`,
      verification: null,
      created_at: 0,
      updated_at: 0
    }
    record.json = {
      ...record.json,
      last_active_at: [300, 100, 200][i]!,
      last_sign_in_at: [100, 300, 200][i]!,
      web3_wallets: [wallet],
      primary_web3_wallet_id: wallet.id
    }
  }
  const orgs: Array<{ readonly id: string }> = []
  for (const [name, month] of [
    ["Beta", 2],
    ["Alpha", 3],
    ["Gamma", 1]
  ] as const) {
    orgs.push(await ok("POST", "/organizations", { name, created_at: `2022-0${month}-01T00:00:00Z` }))
  }
  for (const [org, user] of [
    [0, 2],
    [0, 0],
    [0, 1],
    [1, 1],
    [2, 0],
    [2, 2]
  ] as const) {
    await ok("POST", `/organizations/${orgs[org]!.id}/memberships`, { user_id: users[user]!.id, role: "org:member" })
  }
  for (const [email, days] of [
    ["yann@b.example", 7],
    ["xena@c.example", 30],
    ["zoe@a.example", 1]
  ] as const) {
    await ok("POST", "/invitations", { email_address: email, expires_in_days: days })
    await ok("POST", `/organizations/${orgs[0]!.id}/invitations`, { email_address: email, role: "org:member" })
  }
  // names in an order unlike creation; organization domains spread over two organizations
  for (const name of ["beta", "alpha", "gamma"]) await ok("POST", "/machines", { name })
  for (const [org, name] of [
    [0, "beta.example"],
    [1, "alpha.example"],
    [0, "gamma.example"]
  ] as const) {
    await ok("POST", `/organizations/${orgs[org]!.id}/domains`, { name })
  }
  const entries: Array<{ readonly id: string }> = []
  for (const email of ["wren@c.example", "vera@a.example", "ugo@b.example"]) {
    entries.push(await ok("POST", "/waitlist_entries", { email_address: email }))
  }
  for (const i of [2, 0]) await ok("POST", `/waitlist_entries/${entries[i]!.id}/invite`, {})
  const phones: Phones = new Map(users.map((u, i) => [u.id, PEOPLE[i]!.phone]))
  return { users, orgs, phones }
}

/** A world's ids and phone numbers. */
export type World = Awaited<ReturnType<typeof build>>

const primary = (items: ReadonlyArray<any>, id: string | null, key: string) =>
  (items.find((x) => x.id === id) ?? items[0])?.[key]

const member: { readonly [field: string]: Read } = {
  phone_number: (m, phones) => phones.get(m.public_user_data.user_id),
  email_address: (m) => m.public_user_data.identifier,
  created_at: (m) => m.created_at,
  first_name: (m) => m.public_user_data.first_name,
  last_name: (m) => m.public_user_data.last_name,
  username: (m) => m.public_user_data.username
}

const invitation: { readonly [field: string]: Read } = {
  created_at: (i) => i.created_at,
  email_address: (i) => i.email_address
}

/**
 * Every emulated list that documents `order_by`: its path in this world, and each field the spec
 * documents for it, read from the JSON of an item (independently of the emulator's own code).
 */
export const LISTS: {
  readonly [operation: string]: {
    readonly path: (world: World) => string
    readonly fields: { readonly [field: string]: Read }
  }
} = {
  "Users.list": {
    path: () => "/users",
    fields: {
      created_at: (u) => u.created_at,
      updated_at: (u) => u.updated_at,
      email_address: (u) => primary(u.email_addresses, u.primary_email_address_id, "email_address"),
      web3wallet: (u) => primary(u.web3_wallets, u.primary_web3_wallet_id, "web3_wallet"),
      first_name: (u) => u.first_name,
      last_name: (u) => u.last_name,
      phone_number: (u) => primary(u.phone_numbers, u.primary_phone_number_id, "phone_number"),
      username: (u) => u.username,
      last_active_at: (u) => u.last_active_at,
      last_sign_in_at: (u) => u.last_sign_in_at
    }
  },
  "Organizations.list": {
    path: () => "/organizations?include_members_count=true",
    fields: {
      name: (o) => o.name,
      created_at: (o) => o.created_at,
      members_count: (o) => o.members_count
    }
  },
  "OrganizationMemberships.list": { path: (w) => `/organizations/${w.orgs[0]!.id}/memberships`, fields: member },
  "OrganizationMemberships.listInstance": { path: () => "/organization_memberships", fields: member },
  "Invitations.list": {
    path: () => "/invitations",
    fields: { ...invitation, expires_at: (i) => i.expires_at }
  },
  "OrganizationInvitations.list": { path: (w) => `/organizations/${w.orgs[0]!.id}/invitations`, fields: invitation },
  "OrganizationInvitations.getAll": { path: () => "/organization_invitations", fields: invitation },
  "Machines.list": { path: () => "/machines", fields: { name: (m) => m.name, created_at: (m) => m.created_at } },
  "OrganizationDomains.listAll": {
    path: () => "/organization_domains",
    fields: { name: (d) => d.name, created_at: (d) => d.created_at }
  },
  "WaitlistEntries.list": {
    path: () => "/waitlist_entries",
    fields: {
      created_at: (e) => e.created_at,
      email_address: (e) => e.email_address,
      invited_at: (e) => e.invitation?.created_at ?? null
    }
  }
}

/**
 * Whether `values` are in the order `sign` asks for (nulls last either way), and tell something
 * apart: at least two different values, so that an ignored `order_by` cannot pass by chance.
 */
export const inOrder = (values: ReadonlyArray<string | number | null | undefined>, sign: 1 | -1): boolean => {
  const present = values.filter((v): v is string | number => v !== null && v !== undefined)
  const nullsLast = values.slice(present.length).every((v) => v === null || v === undefined)
  const sorted = present.every(
    (v, i) => i === 0 || sign * (v < present[i - 1]! ? -1 : v > present[i - 1]! ? 1 : 0) >= 0
  )
  return nullsLast && sorted && new Set(present).size >= 2
}
