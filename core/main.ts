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
import { EngineChecksLive, HealthRegistryLive } from "./health/index.ts"
import { HttpServerLive } from "./http/index.ts"
import { loggingLayer } from "./logging/index.ts"
import { MarketData, ResidentCandles } from "./market/index.ts"
import { Metrics } from "./metrics/index.ts"
// Not re-exported by metrics/index.ts: it reads every service and would make an import cycle.
import { MetricsCollectorsLive } from "./metrics/collectors-live.ts"
import { PluginEventsLive, PluginHost } from "./plugins/index.ts"
import { ResilienceLive } from "./resilience/index.ts"
import { runMain } from "./runtime/index.ts"
import { AlertManager, SignalEngine } from "./signals/index.ts"
import { layerEventPipeline } from "./store/index.ts"
import { Kernels } from "./wasm/index.ts"

/** The whole engine for one validated config (tests build it directly, with extra loggers). */
export const appLayer = (config: VirtuosoConfig, loggers: ReadonlyArray<Logger.Logger<unknown, unknown>> = []) => {
  // Distributed mode (`bus.transport: "redis"`) swaps the bus transport, Analysis, signals and alerts, and adds one check.
  const cluster = config.bus.transport === "redis" ? clusterLayers(config) : undefined
  const events = cluster !== undefined ? cluster.events : config.store.enabled
    ? layerEventPipeline({ path: config.store.path, hot: `${config.store.hotHours} hours`, warm: `${config.store.warmDays} days` })
    : EventBus.layer
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
    .pipe(Layer.provideMerge(events))
  const analysis = !config.analysis.enabled
    ? Layer.empty
    : cluster !== undefined
      ? cluster.signals.pipe(Layer.provideMerge(cluster.analysis))
      : SignalEngine.layer.pipe(Layer.provideMerge(Analysis.layer))
  const engine = Layer.mergeAll(
    PluginEventsLive,
    EngineChecksLive({ staleAfterMs: Math.max(10_000, 40 * config.exchange.pollMs) }),
    cluster !== undefined ? cluster.alerts : AlertManager.layer,
    MetricsCollectorsLive,
    cluster !== undefined ? cluster.checks : Layer.empty,
  ).pipe(
    Layer.provideMerge(analysis),
    Layer.provideMerge(MarketData.layer),
    Layer.provideMerge(foundation),
  )
  const app = config.http.enabled ? HttpServerLive.pipe(Layer.provideMerge(engine)) : engine
  return app.pipe(Layer.provide(Layer.mergeAll(Layer.succeed(AppConfig, config), loggingLayer(config.log, loggers))))
}

/** Reads the config of this process, then builds the engine from it. */
export const mainLayer = Layer.unwrap(Effect.gen(function* () {
  return appLayer(yield* AppConfig)
})).pipe(Layer.provide(AppConfig.layer))

if (import.meta.main) runMain(Layer.launch(mainLayer), { failureCode: 2 })
