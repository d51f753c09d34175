/**
 * @module Glue between services that belongs to none of them: health checks and metric
 * collectors over each service's stats, and state changes (circuits, health) published on the
 * bus. `core/main.ts` composes these with the services.
 */
export { ResilienceLive } from "./circuit-events.ts"
export { analysisChecksLayer, EngineChecksLive, StoreCheckLive } from "./engine-checks.ts"
export { HealthRegistryLive } from "./health-events.ts"
export {
  analysisCollectorLayer,
  BreakerCollectorLive,
  BusCollectorLive,
  MetricsCollectorsLive,
  StoreCollectorLive,
} from "./metric-collectors.ts"
export * from "./metric-samples.ts"
