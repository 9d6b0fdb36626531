/**
 * The emulator's in-memory state: a set of named tables, one per resource.
 *
 * Resource modules declare their own typed {@link Table} keys, so adding a resource never
 * means editing a central state type.
 *
 * @since 0.1.0
 */

/**
 * A typed key naming one table of the {@link Store}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Table<A> {
  readonly name: string
  /** Phantom: the type of the records held in this table. */
  readonly _A?: (_: never) => A
}

/**
 * Declares a typed table key. Declare it once, at module level, in the owning resource module.
 *
 * @since 0.1.0
 * @category constructors
 */
export const table = <A>(name: string): Table<A> => ({ name })

/**
 * Mutable in-memory state shared by every resource of one emulator instance.
 *
 * @since 0.1.0
 * @category models
 */
export interface Store {
  /** The records of one table, by id, in insertion order (created lazily). */
  readonly get: <A>(table: Table<A>) => Map<string, A>
  /** A strictly increasing sequence number (insertion order across the whole store). */
  readonly nextSequence: () => number
  /** Empties every table and restarts the sequence. */
  readonly clear: () => void
  /** A deep copy of every table and the sequence. */
  readonly snapshot: () => Snapshot
  /** Puts the store back to a snapshot (a copy of it: the snapshot can be restored again). */
  readonly restore: (snapshot: Snapshot) => void
}

/**
 * A copy of a {@link Store}'s state, from `snapshot()`: restore it with `restore(snapshot)` as many
 * times as needed (each restore copies it again).
 *
 * @since 0.1.0
 * @category models
 */
export interface Snapshot {
  readonly _tag: "Snapshot"
  readonly tables: ReadonlyMap<string, ReadonlyMap<string, unknown>>
  readonly sequence: number
}

/**
 * Creates an empty store.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (): Store => {
  const tables = new Map<string, Map<string, unknown>>()
  let sequence = 0
  return {
    get: <A>(t: Table<A>): Map<string, A> => {
      let existing = tables.get(t.name)
      if (existing === undefined) {
        existing = new Map<string, unknown>()
        tables.set(t.name, existing)
      }
      return existing as Map<string, A>
    },
    nextSequence: () => ++sequence,
    clear: () => {
      tables.clear()
      sequence = 0
    },
    snapshot: () => ({ _tag: "Snapshot", tables: structuredClone(tables), sequence }),
    restore: (snapshot) => {
      tables.clear()
      for (const [name, rows] of structuredClone(snapshot.tables)) tables.set(name, rows as Map<string, unknown>)
      sequence = snapshot.sequence
    }
  }
}
