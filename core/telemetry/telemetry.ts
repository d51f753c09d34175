/**
 * @module OpenTelemetry export through Effect's own OTLP modules (`effect/observability`).
 *
 * With `otel.endpoint` set, `telemetryLayer` installs the OTLP tracer (every `Effect.withSpan`,
 * including the engine's cycle, symbol, plugin-batch, store-commit and HTTP request spans),
 * an OTLP logger beside the console one, and an OTLP metrics exporter over the same `Metric`
 * registry `/metrics` reads — one telemetry stack. Everything goes as OTLP/HTTP JSON to
 * `<endpoint>/v1/{traces,metrics,logs}`, batched every `exportIntervalMs`, flushed on shutdown.
 * Without an endpoint the layer provides nothing and `TracingEnabled` stays false.
 */
import { Effect, Layer, Redacted } from "effect"
import type { VirtuosoConfig } from "../config/index.ts"
import { TracingEnabled } from "./spans.ts"

/** Reported as `service.version` (the package's version). */
const SERVICE_VERSION = "0.1.0"

/**
 * The layer's context also carries the OTLP tracer and the logger set (Effect references), so
 * provide it to the whole app, with the console logging layer below it (the OTLP logger joins
 * the loggers it finds).
 */
export const telemetryLayer = (otel: VirtuosoConfig["otel"]): Layer.Layer<never> => {
  const endpoint = otel.endpoint
  if (endpoint === undefined) return Layer.empty
  const headers = Object.fromEntries(Object.entries(otel.headers).map(([name, value]) => [name, Redacted.value(value)]))
  // The OTLP and HTTP client modules are imported only when an endpoint is set: every process
  // that records or reads events reaches this module (`spanner`), most with telemetry off.
  return Layer.unwrap(
    Effect.promise(async () => {
      const [{ FetchHttpClient }, { Otlp, OtlpSerialization }] = await Promise.all([
        import("effect/http"),
        import("effect/observability"),
      ])
      return Otlp.layer({
        baseUrl: endpoint,
        resource: { serviceName: otel.serviceName, serviceVersion: SERVICE_VERSION },
        headers,
        loggerMergeWithExisting: true,
        loggerExportInterval: `${otel.exportIntervalMs} millis`,
        metricsExportInterval: `${otel.exportIntervalMs} millis`,
        tracerExportInterval: `${otel.exportIntervalMs} millis`,
        shutdownTimeout: "3 seconds",
      }).pipe(Layer.provide([FetchHttpClient.layer, OtlpSerialization.layerJson]))
    }),
  ).pipe(Layer.merge(Layer.succeed(TracingEnabled, true)))
}
