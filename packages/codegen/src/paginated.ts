/**
 * The printing of the list operations that take `paginated: true` (overrides.ts, paginated-envelope):
 * with the flag, the method's type and decoder are the envelope `{ data, total_count }`; without it,
 * the list as the spec documents it. Kept out of group.ts so that the service printer stays one shape.
 */
import type { Operation } from "./model.js"

/** The call signatures of a paginated operation: one per value of the flag. */
export const overloads = (
  op: Operation,
  pathArgs: string,
  success: string,
  error: string,
  context: string | undefined
): string => {
  const params = op.query!.typeName
  const page = op.paginated!.named
  const lead = pathArgs === "" ? "" : `${pathArgs}, `
  const effect = (a: string) => `Effect.Effect<${a}, ${error}${context ? `, ${context}` : ""}>`
  return [
    `(${lead}params: ${params} & { readonly paginated: true }): ${effect(page)}`,
    `(${lead}params?: ${params} & { readonly paginated?: false | undefined }): ${effect(success)}`,
    `(${lead}params?: ${params}): ${effect(`${success} | ${page}`)}`
  ].join("\n")
}
