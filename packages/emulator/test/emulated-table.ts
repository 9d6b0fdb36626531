import * as Emulator from "../src/Emulator.js"
import { all as operations } from "../src/internal/operations.js"
import * as Router from "../src/internal/router.js"
import { all as resources } from "../src/resources/all.js"
import { propertyNames } from "./helpers.js"

/** The README's table: per service, the emulated operations and how many of its operations they are. */
export const emulatedTable = (): string => {
  const emulated = new Set(Emulator.emulatedOperations().map((o) => o.name))
  const services = new Map<string, Array<string>>()
  for (const op of operations) {
    const [service, method] = op.name.split(".") as [string, string]
    if (!services.has(service)) services.set(service, [])
    if (emulated.has(op.name)) services.get(service)!.push(`\`${method}\``)
  }
  const total = (service: string) => operations.filter((o) => o.name.startsWith(`${service}.`)).length
  const rows = [...services]
    .filter(([, methods]) => methods.length > 0)
    .map(([service, methods]) => `| \`${service}\` | ${methods.length} / ${total(service)} | ${methods.join(", ")} |`)
  const others = [...services].filter(([, methods]) => methods.length === 0).map(([service]) => `\`${service}\``)
  return [
    `${emulated.size} of ${operations.length} operations are emulated; every other one answers \`400 not_emulated\`, which no client retries.`,
    "",
    "| service | emulated | operations |",
    "| --- | --- | --- |",
    ...rows,
    "",
    `Not emulated at all: ${others.join(", ")}.`,
    "",
    fieldsTable()
  ].join("\n")
}

/**
 * The request fields of emulated operations that the emulator refuses (a 422 `not_emulated` naming
 * the field) or accepts knowingly without effect, as each route declares them (test/fields.test.ts
 * holds every other documented field to having an effect).
 */
const fieldsTable = (): string => {
  const routes = Router.routes(resources)
  const code = (s: string) => "`" + s + "`"
  const rows = operations.flatMap((op) => {
    const route = routes.get(op.name)
    if (route === undefined) return []
    const refused = [...(route.unmodeled ?? [])]
    if (route.orderBy === undefined && propertyNames(op.query).includes("order_by")) refused.push("order_by")
    const ignored = Object.entries(route.ignores ?? {}).map(([field, why]) => `${code(field)} (${why})`)
    if (refused.length === 0 && ignored.length === 0) return []
    return [`| ${code(op.name)} | ${refused.map(code).join(", ")} | ${ignored.join("; ")} |`]
  })
  return [
    "Every documented request field of an emulated operation has its effect, except these: refused with a 422 `not_emulated` naming the field, or accepted without effect, for the reason given.",
    "",
    "| operation | refused | accepted without effect |",
    "| --- | --- | --- |",
    ...rows
  ].join("\n")
}
