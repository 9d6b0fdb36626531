import * as Backend from "@effect-clerk/backend"
import type * as ClerkOperation from "@effect-clerk/backend/ClerkOperation"

type Group = { readonly operations: { readonly [method: string]: ClerkOperation.Any } }

const isGroup = (u: unknown): u is Group =>
  typeof u === "object" && u !== null && "operations" in u && typeof u.operations === "object"

/**
 * Every operation of the Backend API: the entries of the backend groups' own `operations` tables,
 * read from the package's barrel (so a new group is routed without a change here), group after
 * group in the order of docs/operations.md (names compared without case).
 *
 * @internal
 */
export const all: ReadonlyArray<ClerkOperation.Any> = Object.entries(Backend)
  .filter((entry): entry is [string, Group] => isGroup(entry[1]))
  .sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))
  .flatMap(([, group]) => Object.values(group.operations))
