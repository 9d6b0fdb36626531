/**
 * CPU per session token verification, with a cached key: @effect-clerk/auth's `SessionToken.verify`
 * (networkless, `Keys.layerPem`) against @clerk/backend's `verifyToken` (networkless, `jwtKey`),
 * measured in the same process, in interleaved rounds (the order alternates every round).
 *
 *   npx tsx bench/verify-token.ts [rounds=15] [verifications per round=400]
 *
 * Prints, for each, the median and range of CPU time (user + system, `process.cpuUsage`) and wall
 * time per verification, and the ratio ours / Clerk's per round (median and range). The token is an
 * ordinary v2 session token (RS256, 2048-bit key) with an `azp` checked against one authorized party.
 *
 * @clerk/backend is a devDependency of packages/auth (this folder has no package.json), so it is
 * resolved from there.
 */
import * as Effect from "effect/Effect"
import { generateKeyPairSync, sign } from "node:crypto"
import { createRequire } from "node:module"
import { pathToFileURL } from "node:url"
import { Keys, SessionToken } from "../packages/auth/src/index.js"

const rounds = Number(process.argv[2] ?? 15)
const perRound = Number(process.argv[3] ?? 400)

type VerifyToken = (token: string, options: { jwtKey: string; authorizedParties: Array<string> }) => Promise<unknown>
const requireFromAuth = createRequire(new URL("../packages/auth/package.json", import.meta.url))
const clerk = (await import(pathToFileURL(requireFromAuth.resolve("@clerk/backend")).href)) as {
  verifyToken: VerifyToken
}

// The token is signed with node:crypto here (jose is not resolvable from this folder).
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const pem = publicKey.export({ type: "spki", format: "pem" }).toString()
const now = Math.floor(Date.now() / 1000)
const party = "https://app.example.com"
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")
const signingInput = `${part({ alg: "RS256", kid: "ins_bench", typ: "JWT" })}.${part({
  iss: "https://clerk.example.com",
  sub: "user_2bench",
  sid: "sess_2bench",
  sts: "active",
  v: 2,
  azp: party,
  fva: [1, -1],
  iat: now,
  nbf: now - 5,
  exp: now + 3600
})}`
const token = `${signingInput}.${sign("RSA-SHA256", Buffer.from(signingInput), privateKey).toString("base64url")}`

const keys = await Effect.runPromise(Keys.Keys.pipe(Effect.provide(Keys.layerPem(pem))))
const options = { authorizedParties: [party] }

const ours = async (n: number) => {
  await Effect.runPromise(
    Effect.gen(function* () {
      for (let i = 0; i < n; i++) yield* SessionToken.verifyWith(keys, token, options)
    })
  )
}
const theirs = async (n: number) => {
  for (let i = 0; i < n; i++) {
    const result = (await clerk.verifyToken(token, { jwtKey: pem, authorizedParties: [party] })) as {
      sub?: string
      errors?: unknown
    }
    if (result.sub !== "user_2bench") throw new Error(`@clerk/backend rejected the token: ${String(result.errors)}`)
  }
}

// Both must accept the token before anything is timed.
await ours(1)
await theirs(1)
// warm-up: JIT and key caches
for (let i = 0; i < 3; i++) {
  await ours(perRound)
  await theirs(perRound)
}

const measure = async (run: (n: number) => Promise<void>) => {
  const cpu = process.cpuUsage()
  const wall = process.hrtime.bigint()
  await run(perRound)
  const used = process.cpuUsage(cpu)
  return {
    cpu: (used.user + used.system) / perRound,
    wall: Number(process.hrtime.bigint() - wall) / 1000 / perRound
  }
}

const samples = { ours: [] as Array<{ cpu: number; wall: number }>, clerk: [] as Array<{ cpu: number; wall: number }> }
const ratios: Array<number> = []
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? (["ours", "clerk"] as const) : (["clerk", "ours"] as const)
  const result: Record<string, { cpu: number; wall: number }> = {}
  for (const name of order) result[name] = await measure(name === "ours" ? ours : theirs)
  samples.ours.push(result["ours"]!)
  samples.clerk.push(result["clerk"]!)
  ratios.push(result["ours"]!.cpu / result["clerk"]!.cpu)
}

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const range = (values: ReadonlyArray<number>, digits: number) =>
  `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`
const line = (name: string, s: ReadonlyArray<{ cpu: number; wall: number }>) => {
  const cpu = s.map((x) => x.cpu)
  const wall = s.map((x) => x.wall)
  return `${name.padEnd(44)} CPU ${median(cpu).toFixed(1).padStart(6)} µs (${range(cpu, 1)})   wall ${median(wall).toFixed(1).padStart(6)} µs (${range(wall, 1)})`
}

console.log(`session token verification, cached key: ${rounds} interleaved rounds × ${perRound} verifications`)
console.log(line("@effect-clerk/auth SessionToken.verify", samples.ours))
console.log(line("@clerk/backend verifyToken (jwtKey)", samples.clerk))
console.log(
  `CPU ratio ours / @clerk/backend, per round: median ${median(ratios).toFixed(2)} (range ${range(ratios, 2)})`
)
