/**
 * @module Analysis: turns each changed series into a confluence score.
 *
 * Every cycle it visits each symbol × timeframe whose candles changed since the last visit,
 * runs the indicator plugins over the resident columns (isolated by the PluginHost; a symbol's
 * changed timeframes in one pass, so book/tape indicators run once per symbol), folds
 * their scores into components and a confluence score, rolls the timeframes up into the
 * symbol's overall score, keeps the latest per symbol and publishes the cycle's compact
 * `analysis.confluence` events in one batch (one store transaction).
 */
import { Clock, Context, Deferred, Duration, Effect, Layer, Schedule } from "effect"
import { AppConfig } from "../config/index.ts"
import { spanner } from "../telemetry/index.ts"
import { componentSelection } from "./weights.ts"
import { EventBus, makeEvent, type EventOf } from "../events/index.ts"
import { MarketData } from "../market/index.ts"
import type { Timeframe } from "../market-schema/index.ts"
import { recordConfluenceComputed } from "../metrics/index.ts"
import { PluginHost, type BaseContext } from "../plugins/index.ts"
import * as ta from "../ta/index.ts"
import {
  foldConfluence, rollUpTimeframes, type ConfluenceResult, type SymbolConfluence,
} from "./confluence/index.ts"
import { summaryOf } from "./summary.ts"

export interface AnalysisStats {
  readonly cycles: number
  readonly computations: number
  readonly lastCycleMs: number
  /** Milliseconds since the last completed cycle (Infinity before the first). */
  readonly lastCycleAgeMs: number
}

export class Analysis extends Context.Service<Analysis, {
  /** The latest overall confluence of every symbol scored so far. */
  readonly latest: Effect.Effect<ReadonlyArray<SymbolConfluence>>
  readonly latestFor: (symbol: string) => Effect.Effect<SymbolConfluence | undefined>
  /** Resolves once every tracked symbol has a score. */
  readonly awaitScores: Effect.Effect<void>
  readonly stats: Effect.Effect<AnalysisStats>
}>()("virtuoso/analysis/Analysis") {
  static readonly layer = Layer.effect(Analysis, Effect.gen(function* () {
    const config = yield* AppConfig
    const market = yield* MarketData
    const host = yield* PluginHost
    const bus = yield* EventBus
    const clock = yield* Clock.Clock
    const span = yield* spanner
    const { enabled: components, weights: componentWeights } = componentSelection(config.analysis)
    const timeframeWeights = Object.fromEntries(
      Object.entries(config.timeframes).map(([tf, setting]) => [tf, setting.weight]),
    ) as Partial<Record<Timeframe, number>>

    const perTimeframe = new Map<string, Map<Timeframe, ConfluenceResult>>()
    const versions = new Map<string, number>()
    const latest = new Map<string, SymbolConfluence>()
    const everyoneScored = yield* Deferred.make<void>()
    let pending: Array<EventOf<"analysis.confluence">> = []
    const counters = { cycles: 0, computations: 0, lastCycleMs: 0, lastCycleAt: 0 }

    /** The changed series of one symbol, as plugin contexts (book, tape and market shared). */
    const changedContexts = Effect.fnUntraced(function* (symbol: string) {
      const ctxs: Array<BaseContext> = []
      for (const timeframe of market.timeframes) {
        const snapshot = yield* market.snapshot(symbol, timeframe)
        const key = `${symbol}|${timeframe}`
        if (!snapshot || snapshot.candles.close.length === 0 || versions.get(key) === snapshot.version) continue
        versions.set(key, snapshot.version)
        ctxs.push({
          symbol, timeframe, candles: snapshot.candles, ta, market: snapshot.market,
          ...(snapshot.orderbook ? { orderbook: snapshot.orderbook } : {}),
          ...(snapshot.trades ? { trades: snapshot.trades } : {}),
        })
      }
      return ctxs
    })

    const scoreSymbolUntraced = Effect.fnUntraced(function* (symbol: string, changed: ReadonlyArray<BaseContext>) {
      if (changed.length === 0) return
      // Candle views taken before the inputs advanced (or before an earlier symbol's pass) are
      // detached when WASM memory grew since: take fresh ones for this pass.
      const ctxs = yield* Effect.forEach(changed, (ctx) =>
        Effect.map(market.snapshot(symbol, ctx.timeframe), (s) => (s === undefined ? ctx : { ...ctx, candles: s.candles })))
      const times = ctxs.map(({ candles }) => candles.time[candles.time.length - 1]!)
      // All of the symbol's changed timeframes in one host pass, so indicators that read only the
      // book and the tape run once for the symbol rather than once per timeframe.
      const started = clock.currentTimeNanosUnsafe()
      const outcomes = yield* host
        .evaluateSymbol(ctxs, components)
        .pipe(span("plugins.evaluate", { symbol, series: ctxs.length }))
      const evaluatedSeconds = Number(clock.currentTimeNanosUnsafe() - started) / 1e9 / ctxs.length
      let byTimeframe = perTimeframe.get(symbol)
      if (!byTimeframe) perTimeframe.set(symbol, (byTimeframe = new Map()))
      for (let i = 0; i < ctxs.length; i++) {
        const { timeframe } = ctxs[i]!
        const folding = clock.currentTimeNanosUnsafe()
        const result = foldConfluence(outcomes[i]!, { timeframe, time: times[i]!, weights: componentWeights })
        counters.computations++
        // Per series: its share of the symbol's evaluation plus its own fold.
        yield* recordConfluenceComputed(timeframe, evaluatedSeconds + Number(clock.currentTimeNanosUnsafe() - folding) / 1e9)
        byTimeframe.set(timeframe, result)
      }
      // The symbol may have left the tracked set (TopSymbols churn) while it was being scored.
      if (!(yield* market.symbols).includes(symbol)) return
      const overall = rollUpTimeframes(symbol, byTimeframe, timeframeWeights)
      latest.set(symbol, overall)
      const score = overall.score
      if (score !== null) pending.push(yield* makeEvent("analysis.confluence", summaryOf({ ...overall, score }), { source: "analysis" }))
    })

    const scoreSymbol = (symbol: string, ctxs: ReadonlyArray<BaseContext>) =>
      scoreSymbolUntraced(symbol, ctxs).pipe(span("analysis.symbol", { symbol }))

    const cycle = Effect.gen(function* () {
      const started = clock.currentTimeNanosUnsafe()
      // Re-read every cycle: symbols join and leave the tracked set (TopSymbols).
      const scoring = yield* market.symbols
      const changed = yield* Effect.forEach(scoring, changedContexts)
      // Every changed series' new closed candles advance the plugins' declared inputs in one
      // WASM call, before any plugin runs.
      yield* host.advanceInputs(changed.flat())
      // Concurrently, so the PluginHost sees every symbol's request in the same turn and sends
      // worker-isolated plugins one batch per cycle (inline plugins run synchronously as before).
      yield* Effect.forEach(scoring, (symbol, i) => scoreSymbol(symbol, changed[i]!), { discard: true, concurrency: "unbounded" })
      // One publish for the cycle's events: the store commits them in one transaction (rather
      // than one per symbol) and subscribers get them as one batch.
      if (pending.length > 0) {
        const events = pending
        pending = []
        yield* bus.publishAll(events).pipe(
          Effect.catch((error) => Effect.logWarning(`confluence events not published: ${String(error)}`)),
        )
      }
      const symbols = yield* market.symbols
      const tracked = new Set(symbols)
      // Dropped symbols: forget their scores, so nothing reports them any more.
      for (const symbol of latest.keys()) if (!tracked.has(symbol)) latest.delete(symbol)
      for (const symbol of perTimeframe.keys()) if (!tracked.has(symbol)) perTimeframe.delete(symbol)
      for (const key of versions.keys()) if (!tracked.has(key.slice(0, key.lastIndexOf("|")))) versions.delete(key)
      yield* host.retainInputs(tracked)
      counters.cycles++
      counters.lastCycleAt = clock.currentTimeMillisUnsafe()
      // Nanosecond clock: cycles are a few milliseconds, a millisecond count would hide their spread.
      counters.lastCycleMs = Number(clock.currentTimeNanosUnsafe() - started) / 1e6
      if (symbols.every((s) => latest.has(s))) yield* Deferred.succeed(everyoneScored, undefined)
    })

    yield* market.awaitReady.pipe(
      Effect.andThen(
        cycle.pipe(span("analysis.cycle"), Effect.repeat(Schedule.spaced(Duration.millis(config.exchange.pollMs)))),
      ),
      Effect.onInterrupt(() => Effect.logDebug("finalizer: analysis loop stopped")),
      Effect.forkScoped,
    )

    return Analysis.of({
      latest: Effect.sync(() => [...latest.values()]),
      latestFor: (symbol) => Effect.sync(() => latest.get(symbol)),
      awaitScores: Deferred.await(everyoneScored),
      stats: Effect.sync(() => ({
        cycles: counters.cycles,
        computations: counters.computations,
        lastCycleMs: counters.lastCycleMs,
        lastCycleAgeMs: counters.lastCycleAt === 0 ? Infinity : clock.currentTimeMillisUnsafe() - counters.lastCycleAt,
      })),
    })
  }))
}
