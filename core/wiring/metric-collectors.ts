/**
 * @module `MetricsCollectorsLive`: registers a scrape-time collector for each service present in
 * the context (EventBus, CircuitBreakers, PluginHost, EventStore, MarketData, Analysis).
 */
import { Effect, Layer, Option } from "effect"
import { Analysis } from "../analysis/index.ts"
import { EventBus, isEventType, priorityOf } from "../events/index.ts"
import { MarketData } from "../market/index.ts"
import { PluginHost } from "../plugins/index.ts"
import { CircuitBreakers } from "../resilience/index.ts"
import { EventStore } from "../store/index.ts"
import { breakerSamples, busSamples, confluenceSamples, marketSamples, pluginSamples, storeSamples } from "./metric-samples.ts"
import { Metrics } from "../metrics/index.ts"

export interface CollectorsOptions {
  /** Symbols exported by `virtuoso_confluence_score`. @default 50 */
  readonly maxScoreSymbols?: number
}

export const metricsCollectorsLayer = (options: CollectorsOptions = {}) =>
  Layer.effectDiscard(Effect.gen(function*() {
    const metrics = yield* Metrics
    const laneOf = (type: string) => (isEventType(type) ? priorityOf(type) : "unknown")
    const bus = yield* Effect.serviceOption(EventBus)
    if (Option.isSome(bus)) yield* metrics.registerCollector("bus", Effect.map(bus.value.stats, (s) => busSamples(s, laneOf)))
    const breakers = yield* Effect.serviceOption(CircuitBreakers)
    if (Option.isSome(breakers)) yield* metrics.registerCollector("breakers", Effect.map(breakers.value.snapshot, breakerSamples))
    const plugins = yield* Effect.serviceOption(PluginHost)
    if (Option.isSome(plugins)) yield* metrics.registerCollector("plugins", Effect.map(plugins.value.list, pluginSamples))
    const store = yield* Effect.serviceOption(EventStore)
    if (Option.isSome(store)) yield* metrics.registerCollector("store", Effect.map(store.value.stats, storeSamples))
    const market = yield* Effect.serviceOption(MarketData)
    if (Option.isSome(market)) yield* metrics.registerCollector("market", Effect.map(market.value.stats, marketSamples))
    const analysis = yield* Effect.serviceOption(Analysis)
    if (Option.isSome(analysis)) {
      const cap = options.maxScoreSymbols ?? 50
      yield* metrics.registerCollector("confluence", Effect.map(analysis.value.latest, (latest) => confluenceSamples(latest, cap)))
      yield* metrics.registerCollector("analysis", Effect.map(analysis.value.stats, (s) => [
        { name: "virtuoso_analysis_cycles_total", type: "counter" as const, help: "Analysis cycles run.", value: s.cycles },
        { name: "virtuoso_analysis_last_cycle_seconds", type: "gauge" as const, help: "Duration of the last analysis cycle.", value: s.lastCycleMs / 1000 },
      ]))
    }
  }))

/** Collectors for whatever is present, with default caps. Provide after the services and `Metrics`. */
export const MetricsCollectorsLive = metricsCollectorsLayer()
