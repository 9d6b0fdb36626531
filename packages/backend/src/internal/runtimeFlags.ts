/**
 * What the runtime knows about a `ClerkClient.Service` beyond its public fields, kept off the public
 * interface: which HttpClients keep the transport contract (`ClerkTransport.signalAware`), and, per
 * service built by `ClerkClient.make`, how the runtime may run its calls and the pacing layer it found.
 *
 * @internal
 */
import { globalValue } from "effect/GlobalValue"
import type { Pacing } from "./rateLimit.js"

export interface RuntimeFlags {
  /**
   * The service's HttpClient keeps the signal contract and nothing wraps it (no `transformClient`):
   * under the live clock, an attempt's time limit aborts `ClerkTransport.CurrentAttemptSignal`.
   */
  readonly attemptSignal: boolean
  /**
   * Something the HttpClient runs may read the current span (any client but a `signalAware` one
   * without `transformClient` or `tracerPropagation`): the runtime then makes the operation's span
   * the current one inside the call. Otherwise it does not (that copies the fiber's context); the
   * span is recorded all the same.
   */
  readonly readsSpan: boolean
  /** The pacing layer `ClerkClient.make` found in context (`ClerkRateLimit`), and the instance it paces. */
  readonly pacing?: Pacing | undefined
}

/** A service made some other way (a hand-made test double): the general path. */
const GENERAL: RuntimeFlags = { attemptSignal: false, readsSpan: true }

// Global values, so that two copies of the package (a dependency's and the app's) agree.
const signalAwareClients = globalValue(
  Symbol.for("@effect-clerk/backend/ClerkClient/signalAwareClients"),
  () => new WeakSet<object>()
)
const byService = globalValue(
  Symbol.for("@effect-clerk/backend/internal/runtimeFlags"),
  () => new WeakMap<object, RuntimeFlags>()
)

/** Records that `client` keeps the transport contract (`ClerkTransport.signalAware`). */
export const markSignalAware = (client: object): void => {
  signalAwareClients.add(client)
}

export const isSignalAware = (client: object): boolean => signalAwareClients.has(client)

/** Attaches the flags to a service `ClerkClient.make` built; returns the service. */
export const attach = <Service extends object>(service: Service, flags: RuntimeFlags): Service => {
  byService.set(service, flags)
  return service
}

/** The flags of a service (read once per operation, when its group's layer is built). */
export const of = (service: object): RuntimeFlags => byService.get(service) ?? GENERAL
