/**
 * The benchmark's CPU-profile mode: V8's sampling profiler (node:inspector) around one run, its
 * self time grouped by package (node_modules package, workspace package, Node internals, GC).
 */
import { Session } from "node:inspector/promises"

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
}
interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

/** Which package a frame's script belongs to. */
export const packageOf = (url: string, functionName: string): string => {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)"
  if (url.startsWith("node:")) return "node (internals)"
  const path = decodeURIComponent(url.replace(/^file:\/\//, ""))
  const modules = path.lastIndexOf("/node_modules/")
  if (modules >= 0) {
    const parts = path.slice(modules + "/node_modules/".length).split("/")
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!
  }
  const workspace = path.match(/\/packages\/([^/]+)\/(?:src|dist)\/(generated\/|internal\/)?/)
  if (workspace) {
    const part = workspace[2] === "generated/" ? " (generated)" : workspace[2] === "internal/" ? " (runtime)" : ""
    return `@effect-clerk/${workspace[1]}${part}`
  }
  if (path.includes("/bench/")) return "bench"
  return "(other)"
}

export const profile = async (body: () => Promise<unknown>): Promise<string> => {
  const session = new Session()
  session.connect()
  await session.post("Profiler.enable")
  await session.post("Profiler.setSamplingInterval", { interval: 100 })
  await session.post("Profiler.start")
  await body()
  const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile }
  session.disconnect()

  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const byPackage = new Map<string, number>()
  const byFunction = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!
    const micros = profile.timeDeltas[i] ?? 0
    if (node.callFrame.functionName === "(idle)") return
    total += micros
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName)
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros)
    const file = node.callFrame.url.split("/").pop() ?? ""
    const fn = `${node.callFrame.functionName || "(anonymous)"} ${pkg} ${file}:${node.callFrame.lineNumber + 1}`
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros)
  })
  const table = (entries: Map<string, number>, limit: number) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(
        ([name, micros]) => `| ${name} | ${(micros / 1000).toFixed(0)} ms | ${((100 * micros) / total).toFixed(1)}% |`
      )
      .join("\n")
  return [
    `busy CPU (not idle): ${(total / 1000).toFixed(0)} ms`,
    "",
    "| package | self time | share |",
    "| --- | --- | --- |",
    table(byPackage, 20),
    "",
    "| function (top 20) | self time | share |",
    "| --- | --- | --- |",
    table(byFunction, Number(process.env.PROFILE_TOP ?? 20))
  ].join("\n")
}
