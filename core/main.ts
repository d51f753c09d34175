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
import { type HttpSources, HttpServerLive } from "./http/index.ts"
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
interface Variant<EOut, EErr, MOut, MErr, MIn, AOut, AErr, AIn, XOut, XErr, XIn, HIn> {
  /** The bus (and store), plus whatever the other parts of the variant need from below. */
  readonly events: Layer.Layer<EOut, EErr>
  readonly market: Layer.Layer<MOut, MErr, MIn>
  /** Analysis and signals; left out (with their checks and routes) when `analysis.enabled` is off. */
  readonly analysis: Layer.Layer<AOut, AErr, AIn>
  /** Alerts, the store's observers (see `storeObservers`) and the variant's own checks. */
  readonly extras: Layer.Layer<XOut, XErr, XIn>
  /** The services HTTP reads: the engine's, plus the store where the variant has one. */
  readonly http: Effect.Effect<Partial<HttpSources>, never, HIn>
}

const assemble = <EOut, EErr, MOut, MErr, MIn, AOut, AErr, AIn, XOut, XErr, XIn, HIn>(
  config: VirtuosoConfig,
  loggers: ReadonlyArray<Logger.Logger<unknown, unknown>>,
  variant: Variant<EOut, EErr, MOut, MErr, MIn, AOut, AErr, AIn, XOut, XErr, XIn, HIn>,
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
  const engineWith = <OOut, OErr, OIn>(analysis: Layer.Layer<OOut, OErr, OIn>) =>
    Layer.mergeAll(
      SystemLifecycleLive(),
      PluginEventsLive,
      EngineChecksLive(checkOptions(config)),
      MetricsCollectorsLive,
      variant.extras,
    ).pipe(
      // Analysis (a bus subscriber) is up before MarketData publishes its first event, and stops
      // after it: it sees every market input from the first backfill to the last update.
      Layer.provideMerge(variant.market),
      Layer.provideMerge(analysis),
      Layer.provideMerge(foundation),
    )
  // OTLP export (when configured) sits above the console loggers, so its logger joins them.
  const observability = telemetryLayer(config.otel).pipe(Layer.provideMerge(loggingLayer(config.log, loggers)))
  const outermost = Layer.mergeAll(Layer.succeed(AppConfig, config), observability)
  const serving = <LOut, LErr, LIn, SIn>(
    engine: Layer.Layer<LOut, LErr, LIn>,
    sources: Effect.Effect<Partial<HttpSources>, never, SIn>,
  ) =>
    config.http.enabled
      ? HttpServerLive.over(sources).pipe(Layer.provideMerge(engine), Layer.provide(outermost))
      : engine.pipe(Layer.provide(outermost))
  // Analysis on or off are two engines, each with the HTTP sources it can serve.
  return config.analysis.enabled
    ? serving(
        engineWith(
          Layer.merge(analysisChecksLayer(checkOptions(config)), analysisCollectorLayer()).pipe(
            Layer.provideMerge(variant.analysis),
          ),
        ),
        HttpServerLive.combine(variant.http, HttpServerLive.sources.analysis),
      )
    : serving(engineWith(Layer.empty), variant.http)
}

const checkOptions = (config: VirtuosoConfig) => ({ staleAfterMs: Math.max(10_000, 40 * config.exchange.pollMs) })

/** What HTTP reads in every variant: the engine's services, and the store when there is one. */
const httpSources = HttpServerLive.sources.engine
const httpSourcesWithStore = HttpServerLive.combine(httpSources, HttpServerLive.sources.store)

/**
 * The bus and store with the recorder subscribed before anything publishes, so the store holds
 * every market input from the first backfill on, in the order Analysis receives them.
 */
const recording = <EOut, EErr>(config: VirtuosoConfig, events: Layer.Layer<EOut | EventBus | EventStore, EErr>) =>
  RecorderLive(config.store.record).pipe(Layer.provideMerge(events))

/**
 * `taps` (subscribers that only need the bus, such as `bun run record`'s file writer) up with the
 * bus, before anything publishes, as the recorder is; released after everything that publishes.
 */
const tapped = <EOut, EErr>(taps: Taps, events: Layer.Layer<EOut | EventBus, EErr>) =>
  taps.pipe(Layer.provideMerge(events))

type Taps = Layer.Layer<never, never, EventBus>

/** The store's health check and metrics. */
const StoreObservers = Layer.merge(StoreCheckLive, StoreCollectorLive)

/** One process: the bus in memory (the store beside it when enabled), every symbol fetched here. */
const singleProcess = (config: VirtuosoConfig, loggers: ReadonlyArray<Logger.Logger<unknown, unknown>>, taps: Taps) => {
  const common = {
    market: MarketData.layer,
    analysis: SignalEngine.layer.pipe(Layer.provideMerge(Analysis.layer)),
  }
  const store = {
    path: config.store.path,
    hot: `${config.store.hotHours} hours`,
    warm: `${config.store.warmDays} days`,
  } as const
  return config.store.enabled
    ? assemble(config, loggers, {
        ...common,
        events: tapped(taps, recording(config, layerEventPipeline(store))),
        extras: Layer.merge(AlertManager.layer, StoreObservers),
        http: httpSourcesWithStore,
      })
    : assemble(config, loggers, {
        ...common,
        events: tapped(taps, EventBus.layer),
        extras: AlertManager.layer,
        http: httpSources,
      })
}

/** A cluster member (`bus.transport: "redis"`): the bus over Redis, this instance's share of the symbols. */
const clusterMember = (config: VirtuosoConfig, loggers: ReadonlyArray<Logger.Logger<unknown, unknown>>, taps: Taps) => {
  const cluster = clusterLayers(config)
  const common = {
    market: cluster.market,
    analysis: cluster.signals.pipe(Layer.provideMerge(cluster.analysis)),
  }
  return config.store.enabled
    ? assemble(config, loggers, {
        ...common,
        events: tapped(taps, cluster.recorder.pipe(Layer.provideMerge(cluster.storedEvents))),
        extras: Layer.mergeAll(cluster.alerts, cluster.checks, StoreObservers),
        http: httpSourcesWithStore,
      })
    : assemble(config, loggers, {
        ...common,
        events: tapped(taps, cluster.events),
        extras: Layer.merge(cluster.alerts, cluster.checks),
        http: httpSources,
      })
}

/** The whole engine for one validated config (tests build it directly, with extra loggers; `record` with its tap). */
export const appLayer = (
  config: VirtuosoConfig,
  loggers: ReadonlyArray<Logger.Logger<unknown, unknown>> = [],
  taps: Taps = Layer.empty,
) => (config.bus.transport === "redis" ? clusterMember(config, loggers, taps) : singleProcess(config, loggers, taps))

/** Reads the config of this process, then builds the engine from it. */
export const mainLayer = Layer.unwrap(
  Effect.gen(function* () {
    return appLayer(yield* AppConfig)
  }),
).pipe(Layer.provide(AppConfig.layer))

if (import.meta.main) runMain(Layer.launch(mainLayer), { failureCode: 2 })
