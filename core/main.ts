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
import { EventBus } from "./events/index.ts"
import { HttpServerLive } from "./http/index.ts"
import { loggingLayer } from "./logging/index.ts"
import { MarketData, ResidentCandles } from "./market/index.ts"
import { Metrics } from "./metrics/index.ts"
import { PluginEventsLive, PluginHost } from "./plugins/index.ts"
import { runMain } from "./runtime/index.ts"
import { AlertManager, SignalEngine } from "./signals/index.ts"
import { layerEventPipeline } from "./store/index.ts"
import { Kernels } from "./wasm/index.ts"
import { EngineChecksLive, HealthRegistryLive, MetricsCollectorsLive, ResilienceLive } from "./wiring/index.ts"

/** What differs between one process and a cluster member; everything else is the same engine. */
interface Variant<EOut, EErr, MOut, MErr, MIn, AOut, AErr, AIn, XOut, XErr, XIn> {
  /** The bus (and store), plus whatever the other parts of the variant need from below. */
  readonly events: Layer.Layer<EOut, EErr>
  readonly market: Layer.Layer<MOut, MErr, MIn>
  /** Analysis and signals; `Layer.empty` when analysis is off. */
  readonly analysis: Layer.Layer<AOut, AErr, AIn>
  /** Alerts and the variant's own checks. */
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
  })
  const foundation = Layer.mergeAll(
    plugins, ResidentCandles.layer.pipe(Layer.provide(Kernels.layer)), Metrics.layer, HealthRegistryLive, ResilienceLive,
  )
    .pipe(Layer.provideMerge(variant.events))
  const engine = Layer.mergeAll(
    PluginEventsLive,
    EngineChecksLive({ staleAfterMs: Math.max(10_000, 40 * config.exchange.pollMs) }),
    MetricsCollectorsLive,
    variant.extras,
  ).pipe(
    Layer.provideMerge(variant.analysis),
    Layer.provideMerge(variant.market),
    Layer.provideMerge(foundation),
  )
  const app = config.http.enabled ? HttpServerLive.pipe(Layer.provideMerge(engine)) : engine
  return app.pipe(Layer.provide(Layer.mergeAll(Layer.succeed(AppConfig, config), loggingLayer(config.log, loggers))))
}

/** One process: the bus (with the store when enabled) in memory, every symbol fetched here. */
const singleProcess = (config: VirtuosoConfig, loggers: ReadonlyArray<Logger.Logger<unknown, unknown>>) =>
  assemble(config, loggers, {
    events: config.store.enabled
      ? layerEventPipeline({ path: config.store.path, hot: `${config.store.hotHours} hours`, warm: `${config.store.warmDays} days` })
      : EventBus.layer,
    market: MarketData.layer,
    analysis: config.analysis.enabled ? SignalEngine.layer.pipe(Layer.provideMerge(Analysis.layer)) : Layer.empty,
    extras: AlertManager.layer,
  })

/** A cluster member (`bus.transport: "redis"`): the bus over Redis, this instance's share of the symbols. */
const clusterMember = (config: VirtuosoConfig, loggers: ReadonlyArray<Logger.Logger<unknown, unknown>>) => {
  const cluster = clusterLayers(config)
  return assemble(config, loggers, {
    events: cluster.events,
    market: cluster.market,
    analysis: config.analysis.enabled ? cluster.signals.pipe(Layer.provideMerge(cluster.analysis)) : Layer.empty,
    extras: Layer.merge(cluster.alerts, cluster.checks),
  })
}

/** The whole engine for one validated config (tests build it directly, with extra loggers). */
export const appLayer = (config: VirtuosoConfig, loggers: ReadonlyArray<Logger.Logger<unknown, unknown>> = []) =>
  config.bus.transport === "redis" ? clusterMember(config, loggers) : singleProcess(config, loggers)

/** Reads the config of this process, then builds the engine from it. */
export const mainLayer = Layer.unwrap(Effect.gen(function* () {
  return appLayer(yield* AppConfig)
})).pipe(Layer.provide(AppConfig.layer))

if (import.meta.main) runMain(Layer.launch(mainLayer), { failureCode: 2 })
