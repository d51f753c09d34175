/**
 * @module Analysis: market events in, confluence scores out.
 *
 * A bus subscriber on `market.*`. It keeps the resident market picture (candle columns, the last
 * published book, recent trades, derivatives) from those events alone, and when a series' candles
 * change it runs the indicator plugins over that series (isolated by the PluginHost), folds their
 * scores into components and a confluence score, rolls the timeframes up into the symbol's
 * overall score, keeps the latest per symbol and publishes `analysis.confluence`.
 *
 * Events are handled one at a time in delivery order, so the scores are a function of the event
 * sequence: replaying a recording through this same layer gives the scores live gave.
 */
import { Clock, Context, Deferred, Effect, Layer } from "effect"
import { AppConfig } from "../config/index.ts"
import { spanner } from "../telemetry/index.ts"
import { EventBus, makeEvent, type EventFor, type EventOf } from "../events/index.ts"
import { ResidentCandles } from "../market/index.ts"
import type { CandleColumns, Timeframe } from "../market-schema/index.ts"
import { recordConfluenceComputed } from "../metrics/index.ts"
import { PluginHost, type BaseContext } from "../plugins/index.ts"
import * as ta from "../ta/index.ts"
import { foldConfluence, rollUpTimeframes, type ConfluenceResult, type SymbolConfluence } from "./confluence/index.ts"
import { makeMarketState } from "./market-state.ts"
import { summaryOf } from "./summary.ts"
import { componentSelection } from "./weights.ts"

/** Market events handled per batch at most: bounds how many confluence events share a commit. */
const BATCH_LIMIT = 500
/** How long a batch gathers market events when its confluence events are committed to a store. */
const COMMIT_WINDOW_MS = 20

export interface AnalysisStats {
  /** Market events handled. */
  readonly cycles: number
  readonly computations: number
  /** Milliseconds the last handled event took (scoring included). */
  readonly lastCycleMs: number
  /** Milliseconds since the last handled event (Infinity before the first). */
  readonly lastCycleAgeMs: number
}

export class Analysis extends Context.Service<
  Analysis,
  {
    /** The latest overall confluence of every symbol scored so far. */
    readonly latest: Effect.Effect<ReadonlyArray<SymbolConfluence>>
    readonly latestFor: (symbol: string) => Effect.Effect<SymbolConfluence | undefined>
    /** The candle columns Analysis holds for a series (undefined when it has none). */
    readonly candles: (symbol: string, timeframe: Timeframe) => Effect.Effect<CandleColumns | undefined>
    /** Resolves once every symbol of the last `market.symbols` event has a score. */
    readonly awaitScores: Effect.Effect<void>
    readonly stats: Effect.Effect<AnalysisStats>
  }
>()("virtuoso/analysis/Analysis") {
  static readonly layer = Layer.effect(
    Analysis,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const host = yield* PluginHost
      const bus = yield* EventBus
      const resident = yield* ResidentCandles
      const clock = yield* Clock.Clock
      const span = yield* spanner
      const { enabled: components, weights: componentWeights } = componentSelection(config.analysis)
      const timeframes = Object.keys(config.timeframes) as Array<Timeframe>
      const timeframeWeights = Object.fromEntries(
        Object.entries(config.timeframes).map(([tf, setting]) => [tf, setting.weight]),
      ) as Partial<Record<Timeframe, number>>
      const depth = Object.fromEntries(Object.entries(config.timeframes).map(([tf, s]) => [tf, s.candles])) as Partial<
        Record<Timeframe, number>
      >
      const state = makeMarketState(resident, depth)

      const perTimeframe = new Map<string, Map<Timeframe, ConfluenceResult>>()
      const latest = new Map<string, SymbolConfluence>()
      let tracked: ReadonlyArray<string> | undefined
      const everyoneScored = yield* Deferred.make<void>()
      const counters = { cycles: 0, computations: 0, lastCycleMs: 0, lastCycleAt: 0 }

      const checkEveryoneScored = Effect.suspend(() =>
        tracked !== undefined && tracked.length > 0 && tracked.every((s) => latest.has(s))
          ? Deferred.succeed(everyoneScored, undefined)
          : Effect.void,
      )

      /** Served and published only while tracked; a joiner's history is scored before it is served. */
      const isTracked = (symbol: string) => tracked === undefined || tracked.includes(symbol)

      const priceAndAtr = (symbol: string) => {
        const series = state.symbols.get(symbol)?.series.get(timeframes[0]!)
        if (series === undefined) return { price: null, atr: null }
        const c = resident.columns(series.id)
        const n = c.close.length
        if (n === 0) return { price: null, atr: null }
        const atr = n > 14 ? ta.atr(c.high, c.low, c.close, { period: 14 }).at(-1)! : Number.NaN
        return { price: c.close[n - 1]!, atr: Number.isFinite(atr) ? atr : null }
      }

      const publishConfluence = (overall: SymbolConfluence) =>
        Effect.gen(function* () {
          const score = overall.score
          if (score === null) return
          const payload = { ...summaryOf({ ...overall, score }), ...priceAndAtr(overall.symbol) }
          pending.push(yield* makeEvent("analysis.confluence", payload, { source: "analysis" }))
        })
      /** The confluence events of the batch being handled (published after it). */
      let pending: Array<EventOf<"analysis.confluence">> = []

      /** Scores the given series of a symbol, then rolls its timeframes up and publishes once. */
      const scoreSeries = Effect.fnUntraced(function* (symbol: string, frames: ReadonlyArray<Timeframe>) {
        const inputs = state.symbols.get(symbol)!
        let byTimeframe = perTimeframe.get(symbol)
        if (!byTimeframe) perTimeframe.set(symbol, (byTimeframe = new Map()))
        const contexts = (): Array<BaseContext> =>
          frames.map((timeframe) => ({
            symbol,
            timeframe,
            candles: resident.columns(inputs.series.get(timeframe)!.id),
            ta,
            market: inputs.market,
            ...(inputs.orderbook ? { orderbook: inputs.orderbook } : {}),
            ...(inputs.trades.length > 0 ? { trades: inputs.trades } : {}),
          }))
        const started = clock.currentTimeNanosUnsafe()
        // The series' new closed candles advance the plugins' declared inputs before any plugin
        // runs; then one host pass over the series (symbol-scoped indicators run once).
        yield* host.advanceInputs(contexts())
        // Fresh column views: advancing may grow WASM memory, which detaches views taken before.
        const outcomes = yield* host
          .evaluateSymbol(contexts(), components)
          .pipe(span("plugins.evaluate", { symbol, series: frames.length }))
        const seconds = Number(clock.currentTimeNanosUnsafe() - started) / 1e9 / frames.length
        for (let k = 0; k < frames.length; k++) {
          const timeframe = frames[k]!
          const time = inputs.series.get(timeframe)!.last
          byTimeframe.set(timeframe, foldConfluence(outcomes[k]!, { timeframe, time, weights: componentWeights }))
          counters.computations++
          yield* recordConfluenceComputed(timeframe, seconds)
        }
        const overall = rollUpTimeframes(symbol, byTimeframe, timeframeWeights)
        latest.set(symbol, overall)
        if (isTracked(symbol)) yield* publishConfluence(overall)
        yield* checkEveryoneScored
      })

      /**
       * What a changed series means for scoring. A symbol is scored once every timeframe has its
       * history (as a symbol is served only once backfilled): then all of them at once, after
       * that the changed one.
       */
      const framesToScore = (symbol: string, changed: Timeframe): ReadonlyArray<Timeframe> => {
        const inputs = state.symbols.get(symbol)!
        if (inputs.series.size < timeframes.length) return []
        if (perTimeframe.has(symbol)) return [changed]
        return timeframes
      }

      const onSymbols = (symbols: ReadonlyArray<string>) =>
        Effect.suspend(() => {
          const before = new Set(tracked ?? [])
          const after = new Set(symbols)
          tracked = symbols
          // Left: free their candles and forget their scores, so nothing reports them any more. State
          // of symbols never served is kept: a joiner's history arrives before it is served.
          for (const symbol of before) {
            if (after.has(symbol)) continue
            state.remove(symbol)
            latest.delete(symbol)
            perTimeframe.delete(symbol)
          }
          // Joined: a score computed from its history goes out now that it is served.
          const joined = symbols.filter((s) => !before.has(s) && latest.has(s))
          return host
            .retainInputs(new Set(state.symbols.keys()))
            .pipe(
              Effect.andThen(Effect.forEach(joined, (s) => publishConfluence(latest.get(s)!), { discard: true })),
              Effect.andThen(checkEveryoneScored),
            )
        })

      let stopping = false
      const onEvent = (event: EventFor<"market.*">) =>
        Effect.suspend(() => {
          const started = clock.currentTimeMillisUnsafe()
          const done = Effect.sync(() => {
            counters.cycles++
            counters.lastCycleAt = clock.currentTimeMillisUnsafe()
            counters.lastCycleMs = counters.lastCycleAt - started
          })
          if (event.type === "market.symbols") return Effect.andThen(onSymbols(event.payload.symbols), done)
          const changed = state.apply(event)
          const frames = changed === undefined ? [] : framesToScore(event.payload.symbol, changed)
          if (frames.length === 0) return done
          const symbol = event.payload.symbol
          return Effect.andThen(scoreSeries(symbol, frames).pipe(span("analysis.symbol", { symbol })), done)
        })

      /** One market event, in delivery order, so scores are a function of the event sequence. */
      const onMarketEvent = (event: EventFor<"market.*">) =>
        Effect.suspend(() => (stopping ? Effect.void : onEvent(event))).pipe(
          span("analysis.cycle", { type: event.type }),
        )

      /**
       * What queued while the last batch was handled (its confluence events being committed), in
       * delivery order, then every confluence event the batch produced in one `publishAll`: one
       * store transaction per batch, acknowledged after its commit. Live, a batch is what arrived
       * within the commit window or queued during the previous commit; replay feeds candle events
       * one at a time, so there a batch is one event (or a run of book/trade events, which score
       * nothing).
       */
      const onBatch = (events: ReadonlyArray<EventFor<"market.*">>) =>
        Effect.gen(function* () {
          for (const event of events) yield* onMarketEvent(event)
          if (pending.length === 0) return
          const out = pending
          pending = []
          yield* bus
            .publishAll(out)
            .pipe(Effect.catch((error) => Effect.logWarning(`confluence events not published: ${String(error)}`)))
        })

      // With a store attached, a batch waits up to COMMIT_WINDOW_MS for more market events (an
      // exchange round's symbols arrive within it), so their scores share one commit. Without one
      // (replay, tools) nothing is committed and a batch takes only what is queued: replay's
      // virtual clock never advances during a wait, and scores come out as soon as they exist.
      const durable = (yield* bus.stats).durable
      yield* bus.subscribe("market.*", onBatch, {
        name: "analysis",
        batch: { size: BATCH_LIMIT, ms: durable ? COMMIT_WINDOW_MS : 0 },
      })
      // Runs first on shutdown (finalizers run in reverse): what is still queued is not scored, so
      // a backlog (a slow plugin) cannot hold up the drain; a replay of the recording scores it.
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          stopping = true
        }).pipe(Effect.andThen(Effect.logDebug("finalizer: analysis stopped (subscription closed)"))),
      )

      return Analysis.of({
        latest: Effect.sync(() => [...latest.values()].filter((c) => isTracked(c.symbol))),
        latestFor: (symbol) => Effect.sync(() => (isTracked(symbol) ? latest.get(symbol) : undefined)),
        candles: (symbol, timeframe) =>
          Effect.sync(() => {
            const series = state.symbols.get(symbol)?.series.get(timeframe)
            return series === undefined ? undefined : resident.columns(series.id)
          }),
        awaitScores: Deferred.await(everyoneScored),
        stats: Effect.sync(() => ({
          cycles: counters.cycles,
          computations: counters.computations,
          lastCycleMs: counters.lastCycleMs,
          lastCycleAgeMs:
            counters.lastCycleAt === 0 ? Infinity : clock.currentTimeMillisUnsafe() - counters.lastCycleAt,
        })),
      })
    }),
  )
}
