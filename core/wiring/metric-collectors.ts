/**
 * @module Scrape-time collectors, one layer per observed service, each requiring that service:
 * `MetricsCollectorsLive` for the services every engine runs (bus, breakers, plugins, market),
 * `StoreCollectorLive` and `analysisCollectorLayer` for the ones the config can turn off.
 */
import { Effect, Layer } from "effect"
import { Analysis } from "../analysis/index.ts"
import { EventBus, isEventType, priorityOf } from "../events/index.ts"
import { MarketData } from "../market/index.ts"
import { PluginHost } from "../plugins/index.ts"
import { CircuitBreakers } from "../resilience/index.ts"
import { EventStore } from "../store/index.ts"
import {
  breakerSamples,
  busSamples,
  confluenceSamples,
  marketSamples,
  pluginSamples,
  storeSamples,
} from "./metric-samples.ts"
import { Metrics } from "../metrics/index.ts"

export interface CollectorsOptions {
  /** Symbols exported by `virtuoso_confluence_score`. @default 50 */
  readonly maxScoreSymbols?: number
}

const laneOf = (type: string) => (isEventType(type) ? priorityOf(type) : "unknown")

export const BusCollectorLive = Layer.effectDiscard(
  Effect.gen(function* () {
    const bus = yield* EventBus
    yield* (yield* Metrics).registerCollector(
      "bus",
      Effect.map(bus.stats, (s) => busSamples(s, laneOf)),
    )
  }),
)

export const BreakerCollectorLive = Layer.effectDiscard(
  Effect.gen(function* () {
    const breakers = yield* CircuitBreakers
    yield* (yield* Metrics).registerCollector("breakers", Effect.map(breakers.snapshot, breakerSamples))
  }),
)

const PluginCollectorLive = Layer.effectDiscard(
  Effect.gen(function* () {
    const plugins = yield* PluginHost
    yield* (yield* Metrics).registerCollector("plugins", Effect.map(plugins.list, pluginSamples))
  }),
)

const MarketCollectorLive = Layer.effectDiscard(
  Effect.gen(function* () {
    const market = yield* MarketData
    yield* (yield* Metrics).registerCollector("market", Effect.map(market.stats, marketSamples))
  }),
)

export const StoreCollectorLive = Layer.effectDiscard(
  Effect.gen(function* () {
    const store = yield* EventStore
    yield* (yield* Metrics).registerCollector("store", Effect.map(store.stats, storeSamples))
  }),
)

/** Confluence scores (capped by symbol) and analysis cycle stats. */
export const analysisCollectorLayer = (options: CollectorsOptions = {}) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const metrics = yield* Metrics
      const analysis = yield* Analysis
      const cap = options.maxScoreSymbols ?? 50
      yield* metrics.registerCollector(
        "confluence",
        Effect.map(analysis.latest, (latest) => confluenceSamples(latest, cap)),
      )
      yield* metrics.registerCollector(
        "analysis",
        Effect.map(analysis.stats, (s) => [
          {
            name: "virtuoso_analysis_cycles_total",
            type: "counter" as const,
            help: "Market events handled by Analysis.",
            value: s.cycles,
          },
          {
            name: "virtuoso_analysis_last_cycle_seconds",
            type: "gauge" as const,
            help: "Time Analysis took for its last market event (scoring included).",
            value: s.lastCycleMs / 1000,
          },
        ]),
      )
    }),
  )

/** Collectors of the services every engine runs. */
export const MetricsCollectorsLive = Layer.mergeAll(
  BusCollectorLive,
  BreakerCollectorLive,
  PluginCollectorLive,
  MarketCollectorLive,
)
