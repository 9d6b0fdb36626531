/**
 * The Clerk side of `pnpm test:runtimes`: the emulator on 127.0.0.1, in the driver's own Node
 * process, one fresh instance per runtime. The driver (scripts/test-runtimes.mjs) imports this
 * module from the app it installed, so it runs on the packed packages too, and uses it to inject
 * faults, create users, mint session tokens and read webhook deliveries.
 */
import * as EmulatorServer from "@effect-clerk/emulator/EmulatorServer"
import * as Effect from "effect/Effect"

export const SECRET_KEY = "sk_test_runtimes"

export interface Fault {
  readonly operation: string
  readonly status: number
  readonly retryAfter?: number
  readonly times?: number
}

export interface Delivery {
  readonly payload: string
  readonly headers: Readonly<Record<string, string>>
}

export interface Host {
  /** The Backend API base URL, `http://127.0.0.1:<port>/v1`. */
  readonly url: string
  readonly publicKeyPem: string
  readonly webhookSecret: string
  readonly setFaults: (faults: ReadonlyArray<Fault>) => void
  /** How many faults of this status were injected into this operation. */
  readonly injected: (operation: string, status: number) => number
  readonly createUser: (email: string) => Promise<string>
  readonly mint: (userId: string) => Promise<string>
  /** The signed `user.created` delivery of this user, as Clerk would POST it. */
  readonly userCreated: (userId: string) => Promise<Delivery>
  readonly close: () => Promise<void>
}

export const start = async (): Promise<Host> => {
  // An in-process webhook handler, so that every event is signed and recorded as a delivery.
  const server = await EmulatorServer.start({ secretKey: SECRET_KEY, webhooks: { handler: () => Effect.void } })
  const emulator = server.emulator
  return {
    url: server.url,
    publicKeyPem: emulator.sessionTokens.publicKeyPem,
    webhookSecret: emulator.webhooks.secret,
    setFaults: (faults) => emulator.faults.set(faults),
    injected: (operation, status) =>
      emulator.faults.injected().filter((fault) => fault.operation === operation && fault.status === status).length,
    createUser: async (email) => {
      const response = await emulator.handle(
        new Request(`${server.url}/users`, {
          method: "POST",
          headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json" },
          body: JSON.stringify({ email_address: [email] })
        })
      )
      const body = (await response.json()) as { readonly id?: unknown }
      if (response.status !== 200 || typeof body.id !== "string") {
        throw new Error(`the emulator did not create ${email}: ${response.status}`)
      }
      return body.id
    },
    mint: (userId) => Effect.runPromise(Effect.map(emulator.sessionTokens.mint({ userId }), (minted) => minted.token)),
    userCreated: async (userId) => {
      await emulator.webhooks.flush()
      const delivery = emulator.webhooks
        .deliveries()
        .find(
          (delivery) =>
            delivery.event.type === "user.created" && (delivery.event.data as { readonly id?: unknown }).id === userId
        )
      if (delivery === undefined) throw new Error(`no user.created delivery for ${userId}`)
      return { payload: delivery.payload, headers: { ...delivery.headers, "content-type": "application/json" } }
    },
    close: () => server.close()
  }
}
