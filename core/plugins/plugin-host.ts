/**
 * @module PluginHost: loads indicator and exchange plugins from folders, hot-reloads them, runs
 * indicators isolated behind per-plugin circuit breakers, and reports their state.
 *
 * Change events go out on `changes` (a stream with a replay buffer, so a subscriber that starts
 * after the layer is built still sees the initial loads); the caller forwards them to the
 * EventBus as `plugin.<type>`.
 */
import { Clock, Context, Effect, Layer, PubSub, Semaphore, Stream } from "effect"
import { availableParallelism } from "node:os"
import { resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Permit } from "../resilience/index.ts"
import { BUILT_IN_PLUGINS } from "./builtins.ts"
import { displayPath } from "./discovery.ts"
import { PluginNotFoundError } from "./errors.ts"
import { makeKernels, type WasmKernels } from "../wasm/index.ts"
import type { BaseContext } from "./call-context.ts"
import { runIndicators, runIndicatorsForSymbol, slotPlan } from "./evaluate.ts"
import { failCall } from "./settle.ts"
import { inputsOf, makeInputEngine, type InputEngineStats } from "./inputs/index.ts"
import type { RegistryConfig } from "./plugin-load.ts"
import { activeIndicators, enabledExchanges, healthOf, listPlugins } from "./plugin-list.ts"
import { makeRegistry, type Registry } from "./registry.ts"
import { sync } from "./sync.ts"
import { watchFolders } from "./watch-folders.ts"
import type { Component, ExchangePlugin } from "./sdk.ts"
import type {
  IndicatorOutcome,
  LoadedExchange,
  LoadedIndicator,
  PluginEvent,
  PluginHealth,
  PluginHostOptions,
  PluginInfo,
} from "./types.ts"
import { makeDispatcher, type SymbolSettled } from "./workers/dispatch.ts"
import { probeModules } from "./workers/probe.ts"
import { makeWorkerPool } from "./workers/worker-pool.ts"

export const DEFAULT_FOLDERS = ["plugins/indicators", "plugins/exchanges"] as const
const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url))
const REPLAY = 256

export class PluginHost extends Context.Service<
  PluginHost,
  {
    /** Active indicators: validated, enabled, not quarantined; folder order. */
    readonly indicators: Effect.Effect<ReadonlyArray<LoadedIndicator>>
    readonly exchanges: Effect.Effect<ReadonlyArray<LoadedExchange>>
    /** Runs every active indicator (optionally only `components`) against one context, isolated. */
    readonly evaluate: (
      ctx: BaseContext,
      components?: ReadonlySet<Component>,
    ) => Effect.Effect<ReadonlyArray<IndicatorOutcome>>
    /**
     * Runs every active indicator against each of one symbol's contexts (one per timeframe, all
     * carrying the same book, tape and market objects) in one synchronous pass; one outcome list
     * per context, each the same as `evaluate` gives for it. Symbol-scoped indicators (`scopeOf`)
     * are called once and their outcome is shared by every timeframe. Worker-isolated indicators
     * of every call made in the same turn of the event loop run as one batch in the worker pool.
     */
    readonly evaluateSymbol: (
      ctxs: ReadonlyArray<BaseContext>,
      components?: ReadonlySet<Component>,
    ) => Effect.Effect<ReadonlyArray<ReadonlyArray<IndicatorOutcome>>>
    /**
     * `evaluateSymbol` for many symbols at once (the Analysis cycle): one list of outcome lists
     * per symbol, and one batch in the worker pool for all of them. `onSymbol`, when given, is
     * told each symbol's outcomes (by its index in `symbols`) as soon as all of them are in —
     * with workers, as the share holding the symbol returns, while other shares still compute —
     * so the caller can use them before the batch ends; if it throws, the effect dies with that.
     */
    readonly evaluateBatch: (
      symbols: ReadonlyArray<ReadonlyArray<BaseContext>>,
      components?: ReadonlySet<Component>,
      onSymbol?: SymbolSettled,
    ) => Effect.Effect<ReadonlyArray<ReadonlyArray<ReadonlyArray<IndicatorOutcome>>>>
    /**
     * Feeds the closed candles of every given series to the declared-inputs engine and advances
     * all of them in ONE WASM call; evaluations of these contexts then only read values. Returns
     * how many series had new candles. Optional: evaluating a context that was not advanced feeds
     * it on demand.
     */
    readonly advanceInputs: (series: ReadonlyArray<BaseContext>) => Effect.Effect<number>
    /** Frees the declared-input series and worker candle windows of every symbol not in `symbols`. */
    readonly retainInputs: (symbols: ReadonlySet<string>) => Effect.Effect<void>
    /** The declared-inputs engine: WASM calls so far, series, distinct inputs, WASM memory. */
    readonly inputStats: Effect.Effect<InputEngineStats>
    /** Every plugin and every broken plugin file, for `GET /v1/plugins`, sorted by name. */
    readonly list: Effect.Effect<ReadonlyArray<PluginInfo>>
    /** `degraded` (never down) while any plugin is failed or quarantined or a folder is missing. */
    readonly health: Effect.Effect<PluginHealth>
    readonly exchange: (name: string) => Effect.Effect<ExchangePlugin, PluginNotFoundError>
    /** loaded / reloaded / failed / unloaded / quarantined / recovered; replays the last 256. */
    readonly changes: Stream.Stream<PluginEvent>
    /** Re-scan the folders now (what the watcher does after a file event). */
    readonly reload: Effect.Effect<void>
  }
>()("virtuoso/plugins/PluginHost") {
  static layer(options: PluginHostOptions = {}): Layer.Layer<PluginHost> {
    return Layer.effect(PluginHost, make(options))
  }
}

const exchangeCount = (reg: Registry) => [...reg.slots.values()].filter((s) => s.kind === "exchange").length

const logEvent = (e: PluginEvent) => {
  const version = e.version === null ? "" : ` @${e.version.slice(0, 8)}`
  const line = `plugin ${e.type}: ${e.name} (${e.file}${version})${e.error === undefined ? "" : `: ${e.error}`}`
  // Loads are many at start (one summary line follows); changes after start are worth a line each.
  return e.type === "failed" || e.type === "quarantined"
    ? Effect.logWarning(line)
    : e.type === "loaded"
      ? Effect.logDebug(line)
      : Effect.logInfo(line)
}

const make = Effect.fnUntraced(function* (options: PluginHostOptions) {
  const root = options.root ?? PROJECT_ROOT
  const folders = [...(options.folders ?? DEFAULT_FOLDERS), ...(options.extraFolders ?? [])]
  const limits = { budgetMs: options.budgetMs ?? 5 }
  const heapLimitMb = options.heapLimitMb ?? 1024
  const builtIns = options.isolation ?? "inline"
  const owned = (options.ownedFolders ?? []).map((f) => `${resolve(root, f)}/`)
  const configuredParams = Object.fromEntries(
    Object.entries(options.pluginConfig ?? {}).map(([name, s]) => [name, s.params]),
  )
  const config: RegistryConfig = {
    root,
    folders,
    pluginConfig: options.pluginConfig ?? {},
    maxFailures: options.maxFailures ?? 3,
    quarantineMs: options.quarantineMs ?? 60_000,
    // Built-ins are recognised by their place in this project, whatever `root` the host scans.
    isolationOf: (c) =>
      BUILT_IN_PLUGINS.has(displayPath(PROJECT_ROOT, c.path)) || owned.some((dir) => c.path.startsWith(dir))
        ? builtIns
        : "worker",
    probe: (modules) => probeModules(modules, options.loadTimeoutMs ?? 5_000, heapLimitMb, configuredParams),
  }
  const reg = makeRegistry()
  // Declared inputs of every loaded indicator, computed in a resident WASM engine with its own
  // instance and memory: growing it (series added) must not detach the resident candle views
  // the Analysis cycle holds. Instantiated on first use; a host whose plugins declare none never
  // loads it.
  let own: WasmKernels | undefined
  const inputs = makeInputEngine(() => (own ??= makeKernels()))
  yield* Effect.addFinalizer(() => Effect.sync(() => inputs.dispose()))
  const useDeclaredInputs = () => inputs.use(reg.indicators.map((s) => inputsOf(s.plugin, s.params)))

  const pubsub = yield* PubSub.unbounded<PluginEvent>({ replay: REPLAY })
  yield* Effect.addFinalizer(() => PubSub.shutdown(pubsub))
  const publish = (events: ReadonlyArray<PluginEvent>) =>
    Effect.forEach(events, (e) => Effect.andThen(logEvent(e), PubSub.publish(pubsub, e)), { discard: true })

  // Worker-isolated indicators run in a pool the host can cut calls off in, started with the first
  // of them (never while all run inline); it lives as long as the layer, and its workers are
  // terminated when the scope closes.
  const dispatcher = yield* Effect.acquireRelease(
    Effect.sync(() => {
      const startPool = () =>
        makeWorkerPool({
          // 2 × cores: shares are posted in turn, so smaller ones start workers sooner (faster on 2 cores).
          size: options.workers ?? Math.min(8, 2 * Math.max(1, availableParallelism())),
          budgetMs: limits.budgetMs,
          heapLimitMb,
          onUncaught: (error, file) => Effect.runFork(blameUncaught(error, file)),
        })
      return makeDispatcher(startPool, limits, inputs, (events) => Effect.runFork(publish(events)))
    }),
    (d) => Effect.sync(() => d.close()),
  )
  /** An error a worker caught outside any call counts as one failure of the plugin it names. */
  const blameUncaught = (error: string, file: string | null) =>
    Clock.clockWith((clock) => {
      // Unattributed errors (the worker's own error event) still carry the stack with the module's path.
      const slot = reg.indicators.find((s) => s.file === file || (file === null && error.includes(s.path)))
      if (slot === undefined) return Effect.logWarning(`plugin worker: ${error}`)
      const events: Array<PluginEvent> = []
      const line = error.split("\n").find((l) => l.startsWith("error: ")) ?? error
      failCall(slot, Permit.Call, `threw outside compute: ${line}`, 0, clock.currentTimeMillisUnsafe(), events)
      return publish(events)
    })

  const rescan = Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const events = yield* Effect.promise(() => sync(reg, config, now))
    useDeclaredInputs()
    yield* Effect.promise(() => dispatcher.setSlots(reg.indicators))
    yield* publish(events)
  }).pipe(
    // sync catches every per-file problem itself; anything reaching here is a host bug, and a
    // host bug must not stop the watcher: log it with its cause and keep watching.
    Effect.catchCause((cause) => Effect.logError("plugin re-scan failed", cause)),
  )
  // One re-scan at a time: `reload` and the watcher both go through this lock.
  const lock = yield* Semaphore.make(1)
  const reload = Semaphore.withPermit(lock, rescan)

  yield* reload
  yield* Effect.logInfo(
    `plugins: ${reg.indicators.length} indicators, ${exchangeCount(reg)} exchanges loaded from ${folders.join(", ")}`,
  )
  for (const missing of reg.missingFolders) yield* Effect.logWarning(`plugin folder ${missing} does not exist; skipped`)

  if (options.watch ?? true)
    yield* watchFolders(
      folders.map((f) => resolve(root, f)),
      options.debounceMs ?? 75,
      reload,
    )

  // All inline (the default for the built-ins): the synchronous path, no batching.
  const allInline = () => reg.indicators.every((s) => s.isolation === "inline")

  const evaluateBatch = (
    symbols: ReadonlyArray<ReadonlyArray<BaseContext>>,
    components?: ReadonlySet<Component>,
    onSymbol?: SymbolSettled,
  ) =>
    Clock.clockWith((clock) => {
      const events: Array<PluginEvent> = []
      const now = clock.currentTimeMillisUnsafe()
      if (allInline()) {
        const plan = slotPlan(reg.indicators, components)
        const out = symbols.map((c, i) => {
          const outcomes = runIndicatorsForSymbol(plan, c, now, limits, events, inputs)
          onSymbol?.(i, outcomes)
          return outcomes
        })
        return events.length === 0 ? Effect.succeed(out) : Effect.as(publish(events), out)
      }
      return Effect.promise(() =>
        dispatcher.evaluateBatch(reg.indicators, symbols, components, now, events, onSymbol),
      ).pipe(Effect.tap(() => (events.length === 0 ? Effect.void : publish(events))))
    })
  const evaluateSymbol = (ctxs: ReadonlyArray<BaseContext>, components?: ReadonlySet<Component>) =>
    Effect.map(evaluateBatch([ctxs], components), (outs) => outs[0])

  const evaluate = (ctx: BaseContext, components?: ReadonlySet<Component>) =>
    Clock.clockWith((clock) => {
      const events: Array<PluginEvent> = []
      const now = clock.currentTimeMillisUnsafe()
      if (allInline()) {
        const out = runIndicators(reg.indicators, ctx, components, now, limits, events, inputs)
        return events.length === 0 ? Effect.succeed(out) : Effect.as(publish(events), out)
      }
      return Effect.map(evaluateSymbol([ctx], components), (outs) => outs[0])
    })

  const advanceInputs = (series: ReadonlyArray<BaseContext>) => Effect.sync(() => inputs.advance(series))
  const retainInputs = (symbols: ReadonlySet<string>) =>
    Effect.sync(() => {
      inputs.retainSymbols(symbols)
      dispatcher.retainSymbols(symbols)
    })

  const indicators = Clock.clockWith((clock) =>
    Effect.sync(() => activeIndicators(reg, clock.currentTimeMillisUnsafe())),
  )
  const exchanges = Effect.sync(() => enabledExchanges(reg))
  const exchange = (name: string) =>
    Effect.suspend(() => {
      const slot = reg.slots.get(name)
      if (slot?.kind === "exchange" && slot.enabled) return Effect.succeed(slot.plugin)
      const available = enabledExchanges(reg).map((e) => e.plugin.name)
      return Effect.fail(new PluginNotFoundError({ plugin: name, kind: "exchange", available: available.sort() }))
    })

  const list = Effect.sync(() => listPlugins(reg))

  const health = Effect.map(list, (rows) => healthOf(rows, reg.missingFolders))

  return PluginHost.of({
    indicators,
    exchanges,
    evaluate,
    evaluateSymbol,
    evaluateBatch,
    advanceInputs,
    retainInputs,
    inputStats: Effect.sync(() => inputs.stats()),
    list,
    health,
    exchange,
    changes: Stream.fromPubSub(pubsub),
    reload,
  })
})
