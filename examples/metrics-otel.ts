/**
 * The SDK's metrics exported through OpenTelemetry, offline:
 *
 *   npx tsx examples/metrics-otel.ts
 *
 * Every call of `@effect-clerk/backend` records Effect metrics (`ClerkMetrics`: calls by outcome,
 * their time, attempts, 429s, per operation). `@effect/opentelemetry`'s `Metrics` layer hands them to
 * an OpenTelemetry `MetricReader`; here a `PeriodicExportingMetricReader` over an in-memory exporter,
 * which the program flushes at the end and prints, one line per data point:
 *
 *   clerk_calls{operation_id="GetUser",outcome="NotFound"} 1
 *
 * In an app, put an OTLP exporter (`@opentelemetry/exporter-metrics-otlp-http`) or a Prometheus one in
 * its place; nothing else changes. The calls go to the embedded emulator, which answers the first
 * `Users.get` with a 429 (`Retry-After: 1`) to show a retry: one call, two attempts, one 429.
 */
import { ClerkBatching, ClerkClient, Users } from "@effect-clerk/backend"
import { Emulator } from "@effect-clerk/emulator"
import * as Metrics from "@effect/opentelemetry/Metrics"
import * as Resource from "@effect/opentelemetry/Resource"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import type { DataPoint, Histogram, ResourceMetrics } from "@opentelemetry/sdk-metrics"
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader
} from "@opentelemetry/sdk-metrics"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
// exports every minute in an app; here once, when the program flushes it
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })

/** Effect's metrics, read by the OpenTelemetry reader. */
const Telemetry = Metrics.layer(() => reader).pipe(
  Layer.provide(Resource.layer({ serviceName: "metrics-otel-example" }))
)

/** The embedded emulator: three users, and a 429 for the first `GET /users/{id}`. */
const ClerkEmulated = ClerkBatching.layerUsers().pipe(
  Layer.provideMerge(ClerkClient.layer({ secretKey: Redacted.make("sk_test_metrics_example") })),
  Layer.provide(
    Emulator.layer({
      seed: { users: [{ id: "user_ada" }, { id: "user_grace" }, { id: "user_alan" }] },
      faults: [{ operation: "Users.get", status: 429, retryAfter: 1, times: 1 }]
    })
  )
)

const program = Effect.gen(function* () {
  // one get: 429, waits Retry-After, then 200
  yield* Users.get("user_ada")
  // one that does not exist
  yield* Effect.ignore(Users.get("user_nobody"))
  // a batch: one list call for three gets
  yield* Effect.forEach(["user_ada", "user_grace", "user_alan"], Users.get, { batching: true })
  yield* Users.list({ limit: 10 })
})

/** One line per data point: `name{tags} value` (a histogram's count of calls). */
const lines = (exported: ReadonlyArray<ResourceMetrics>): Array<string> =>
  exported
    .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics))
    .filter((metric) => metric.descriptor.name.startsWith("clerk_"))
    .flatMap((metric) =>
      (metric.dataPoints as ReadonlyArray<DataPoint<number | Histogram>>).map((point) => {
        const tags = Object.entries(point.attributes)
          .map(([key, value]) => `${key}="${String(value)}"`)
          .join(",")
        const value = typeof point.value === "number" ? String(point.value) : `count=${point.value.count}`
        return `${metric.descriptor.name}{${tags}} ${value}`
      })
    )
    .sort()

const main = Effect.gen(function* () {
  yield* program.pipe(Effect.provide(ClerkEmulated))
  yield* Effect.promise(() => reader.forceFlush())
  for (const line of lines(exporter.getMetrics())) yield* Console.log(line)
}).pipe(Effect.provide(Telemetry))

NodeRuntime.runMain(main)
