/**
 * @module The process: composes the services' layers and runs them. Nothing else lives here.
 *
 * Acquisition order is dependency order (config, logging → store → bus → plugins → kernels →
 * market data → analysis → HTTP); release is the reverse, so HTTP stops taking requests first
 * and the store flushes last, after the bus has drained.
 */
import { Effect, Layer, type Logger } from "effect"
import { Analysis } from "./analysis/index.ts"
import { clusterLayers } from "./cluster/index.ts"
import { AppConfig, type VirtuosoConfig } from "./config/index.ts"
import { EventBus, SystemLifecycleLive } from "./events/index.ts"
import { HttpServerLive } from "./http/index.ts"
import { loggingLayer } from "./logging/index.ts"
import { MarketData, ResidentCandles } from "./market/index.ts"
import { Metrics } from "./metrics/index.ts"
import { PluginEventsLive, PluginHost } from "./plugins/index.ts"
import { runMain } from "./runtime/index.ts"
import { AlertManager, SignalEngine } from "./signals/index.ts"
import { telemetryLayer } from "./telemetry/index.ts"
import { type EventStore, layerEventPipeline, RecorderLive } from "./store/index.ts"
import { Kernels } from "./wasm/index.ts"
import {
  analysisChecksLayer,
  analysisCollectorLayer,
  EngineChecksLive,
  HealthRegistryLive,
  MetricsCollectorsLive,
  ResilienceLive,
  StoreCheckLive,
  StoreCollectorLive,
} from "./wiring/index.ts"

/** What differs between one process and a cluster member; everything else is the same engine. */
interface Variant<EOut, EErr, MOut, MErr, MIn, AOut, AErr, AIn, XOut, XErr, XIn> {
  /** The bus (and store), plus whatever the other parts of the variant need from below. */
  readonly events: Layer.Layer<EOut, EErr>
  readonly market: Layer.Layer<MOut, MErr, MIn>
  /** Analysis and signals (see `withAnalysis`). */
  readonly analysis: Layer.Layer<AOut, AErr, AIn>
  /** Alerts, the store's observers (see `storeObservers`) and the variant's own checks. */
  readonly extras: Layer.Layer<XOut, XErr, XIn>
}

const assemble = <EOut, EErr, MOut, MErr, MIn, AOut, AErr, AIn, XOut, XErr, XIn>(
  config: VirtuosoConfig,
  loggers: ReadonlyArray<Logger.Logger<unknown, unknown>>,
  variant: Variant<EOut, EErr, MOut, MErr, MIn, AOut, AErr, AIn, XOut, XErr, XIn>,
) => {
  const plugins = PluginHost.layer({
    extraFolders: config.plugins.folders,
    watch: config.plugins.watch,
    budgetMs: config.plugins.budgetMs,
    maxFailures: config.plugins.maxFailures,
    quarantineMs: config.plugins.quarantineMs,
    pluginConfig: config.plugins.config,
    isolation: config.plugins.isolation,
    heapLimitMb: config.plugins.workerHeapMb,
    ...(config.plugins.workers === undefined ? {} : { workers: config.plugins.workers }),
  })
  const foundation = Layer.mergeAll(
    plugins,
    ResidentCandles.layer.pipe(Layer.provide(Kernels.layer)),
    Metrics.layer,
    HealthRegistryLive,
    ResilienceLive,
  ).pipe(Layer.provideMerge(variant.events))
  const engine = Layer.mergeAll(
    SystemLifecycleLive(),
    PluginEventsLive,
    EngineChecksLive(checkOptions(config)),
    MetricsCollectorsLive,
    variant.extras,
  ).pipe(
    // Analysis (a bus subscriber) is up before MarketData publishes its first event, and stops
    // after it: it sees every market input from the first backfill to the last update.
    Layer.provideMerge(variant.market),
    Layer.provideMerge(variant.analysis),
    Layer.provideMerge(foundation),
  )
  const app = config.http.enabled ? HttpServerLive.pipe(Layer.provideMerge(engine)) : engine
  // OTLP export (when configured) sits above the console loggers, so its logger joins them.
  const observability = telemetryLayer(config.otel).pipe(Layer.provideMerge(loggingLayer(config.log, loggers)))
  return app.pipe(Layer.provide(Layer.mergeAll(Layer.succeed(AppConfig, config), observability)))
}

const checkOptions = (config: VirtuosoConfig) => ({ staleAfterMs: Math.max(10_000, 40 * config.exchange.pollMs) })

/** Analysis with its check and collectors, or nothing when the config turns analysis off. */
const withAnalysis = <AOut, AErr, AIn>(config: VirtuosoConfig, analysis: Layer.Layer<AOut, AErr, AIn>) =>
  config.analysis.enabled
    ? Layer.merge(analysisChecksLayer(checkOptions(config)), analysisCollectorLayer()).pipe(
        Layer.provideMerge(analysis),
      )
    : Layer.empty

/**
 * The bus and store with the recorder subscribed before anything publishes, so the store holds
 * every market input from the first backfill on, in the order Analysis receives them.
 */
const recording = <EOut, EErr>(config: VirtuosoConfig, events: Layer.Layer<EOut | EventBus | EventStore, EErr>) =>
  RecorderLive(config.store.record).pipe(Layer.provideMerge(events))

/** The store's health check and metrics. */
const StoreObservers = Layer.merge(StoreCheckLive, StoreCollectorLive)

/** One process: the bus in memory (the store beside it when enabled), every symbol fetched here. */
const singleProcess = (config: VirtuosoConfig, loggers: ReadonlyArray<Logger.Logger<unknown, unknown>>) => {
  const common = {
    market: MarketData.layer,
    analysis: withAnalysis(config, SignalEngine.layer.pipe(Layer.provideMerge(Analysis.layer))),
  }
  const store = {
    path: config.store.path,
    hot: `${config.store.hotHours} hours`,
    warm: `${config.store.warmDays} days`,
  } as const
  return config.store.enabled
    ? assemble(config, loggers, {
        ...common,
        events: recording(config, layerEventPipeline(store)),
        extras: Layer.merge(AlertManager.layer, StoreObservers),
      })
    : assemble(config, loggers, { ...common, events: EventBus.layer, extras: AlertManager.layer })
}

/** A cluster member (`bus.transport: "redis"`): the bus over Redis, this instance's share of the symbols. */
const clusterMember = (config: VirtuosoConfig, loggers: ReadonlyArray<Logger.Logger<unknown, unknown>>) => {
  const cluster = clusterLayers(config)
  const common = {
    market: cluster.market,
    analysis: withAnalysis(config, cluster.signals.pipe(Layer.provideMerge(cluster.analysis))),
  }
  return config.store.enabled
    ? assemble(config, loggers, {
        ...common,
        events: cluster.recorder.pipe(Layer.provideMerge(cluster.storedEvents)),
        extras: Layer.mergeAll(cluster.alerts, cluster.checks, StoreObservers),
      })
    : assemble(config, loggers, {
        ...common,
        events: cluster.events,
        extras: Layer.merge(cluster.alerts, cluster.checks),
      })
}

/** The whole engine for one validated config (tests build it directly, with extra loggers). */
export const appLayer = (config: VirtuosoConfig, loggers: ReadonlyArray<Logger.Logger<unknown, unknown>> = []) =>
  config.bus.transport === "redis" ? clusterMember(config, loggers) : singleProcess(config, loggers)

/** Reads the config of this process, then builds the engine from it. */
export const mainLayer = Layer.unwrap(
  Effect.gen(function* () {
    return appLayer(yield* AppConfig)
  }),
).pipe(Layer.provide(AppConfig.layer))

if (import.meta.main) runMain(Layer.launch(mainLayer), { failureCode: 2 })
