/**
 * Emulated Clients: list, get, verify. A client is the browser or device a session lives on; the
 * emulator has no Frontend API, so its clients are those of its sessions (each session made with
 * `POST /sessions`, a sign-in token or `sessionTokens.mint` gets a client of its own): a client is
 * answered with its sessions, newest first, and the newest as `last_active_session_id`.
 *
 * - The list is newest first ("sorted by creation date, with the newest clients appearing first",
 *   spec `GetClientList`); an unknown client id is a 404.
 * - `verify` takes the JWT of Clerk's `__client` cookie: one signed by the instance key (RS256)
 *   whose `id` claim is the client's id. A token that is not is a 400 `client_token_invalid`; a
 *   well-signed one for an unknown client a 404.
 *
 * @since 0.2.0
 */
import * as BackendClients from "@effect-clerk/backend/Clients"
import * as Effect from "effect/Effect"
import { compactVerify } from "jose"
import { createPublicKey } from "node:crypto"
import * as ApiError from "../ApiError.js"
import * as Order from "../internal/order.js"
import * as Resource from "../Resource.js"
import * as Sessions from "./sessions/records.js"

type Client = BackendClients.Client

const clients = (emulator: Resource.EmulatorContext): Array<Client> => {
  const byClient = new Map<string, Array<Sessions.SessionRecord>>()
  for (const session of emulator.store.get(Sessions.sessions).values()) {
    const list = byClient.get(session.json.client_id) ?? []
    list.push(session)
    byClient.set(session.json.client_id, list)
  }
  return Array.from(byClient, ([id, records]) => {
    const newest = [...records].sort((a, b) => b.sequence - a.sequence)
    const first = records[0]!
    return {
      object: "client",
      id,
      session_ids: newest.map((s) => s.json.id),
      sessions: newest.map((s) => structuredClone(s.json)),
      sign_in_id: null,
      sign_up_id: null,
      last_active_session_id: newest[0]!.json.id,
      last_authentication_strategy: null,
      updated_at: Math.max(...records.map((s) => s.json.updated_at)),
      created_at: first.json.created_at
    }
  }).reverse()
}

const get = (emulator: Resource.EmulatorContext, id: string): Effect.Effect<Client, ApiError.ApiError> => {
  const found = clients(emulator).find((c) => c.id === id)
  return found === undefined
    ? Effect.fail(ApiError.notFound(`No client was found with id ${id}.`))
    : Effect.succeed(found)
}

const clientId = (emulator: Resource.EmulatorContext, token: string) =>
  Effect.tryPromise({
    try: async () => {
      const key = createPublicKey(emulator.signingKey().privateKey)
      const { payload } = await compactVerify(token, key, { algorithms: ["RS256"] })
      const id = (JSON.parse(new TextDecoder().decode(payload)) as { readonly id?: unknown }).id
      if (typeof id !== "string") throw new Error("no id claim")
      return id
    },
    catch: () =>
      ApiError.make(400, {
        message: "invalid token",
        long_message: "The token is not a client token signed by this instance.",
        code: "client_token_invalid",
        meta: { param_name: "token" }
      })
  })

/**
 * The Clients resource.
 *
 * @since 0.2.0
 * @category resources
 */
export const resource: Resource.Resource = Resource.make("clients", [
  Resource.route(BackendClients.operations.list, ({ emulator, query }) =>
    Effect.sync(() => Order.page(clients(emulator), query))
  ),
  Resource.route(BackendClients.operations.get, ({ emulator, path }) => get(emulator, path.client_id)),
  Resource.route(BackendClients.operations.verify, ({ emulator, body }) =>
    Effect.flatMap(clientId(emulator, body.token), (id) => get(emulator, id))
  )
])
