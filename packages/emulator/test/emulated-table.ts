import * as Emulator from "../src/Emulator.js"
import { all as operations } from "../src/internal/operations.js"

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
    `Not emulated at all: ${others.join(", ")}.`
  ].join("\n")
}
