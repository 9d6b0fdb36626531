/**
 * One operation of the Backend API as the emulator's router sees it: an entry of a backend group's
 * `operations` table (`ClerkOperation`); the generated list in `src/generated/operations.ts` holds
 * every one of them.
 *
 * @since 0.1.0
 */
import type * as ClerkOperation from "@effect-clerk/backend/ClerkOperation"

/**
 * @since 0.1.0
 * @category models
 */
export type OperationSpec = ClerkOperation.Any
