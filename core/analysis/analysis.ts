/**
 * @module Analysis: market events in, confluence scores out.
 *
 * A bus subscriber on `market.*`. It keeps the resident market picture (candle columns, the last
 * published book, recent trades, derivatives) from those events alone, and when a series' candles
 * change it runs the indicator plugins over that series (isolated by the PluginHost), folds their
 * scores into components and a confluence score, rolls the timeframes up into the symbol's
 * overall score, keeps the latest per symbol and publishes `analysis.confluence`.
 *
 * Events are applied in delivery order and a batch's scores are exactly those of handling its
 * events one at a time (`score-plan.ts`), so the scores are a function of the event sequence:
 * replaying a recording through this same layer gives the scores live gave.
 */
import { Clock, Context, Deferred, Effect, Layer } from "effect"
import { AppConfig } from "../config/index.ts"
import { spanner } from "../telemetry/index.ts"
import { EventBus, eventMaker, type EventFor, type EventOf } from "../events/index.ts"
import { ResidentCandles } from "../market/index.ts"
import type { CandleColumns, Timeframe } from "../market-schema/index.ts"
import { recordConfluenceComputed } from "../metrics/index.ts"
import { PluginHost } from "../plugins/index.ts"
import type { ConfluenceResult, SymbolConfluence } from "./confluence/index.ts"
import { makeMarketState, type MarketEvent } from "./market-state.ts"
import { priceAndAtrOf } from "./price-atr.ts"
import { BATCH_LIMIT, COMMIT_WINDOW_MS, SCORE_WAIT_LIMIT } from "./batching.ts"
import { contextsOf, countsByTimeframe, makeScorePass } from "./score-pass.ts"
import { makeScorePlanner } from "./score-plan.ts"
import { isScored, summaryOf } from "./summary.ts"
import { componentSelection } from "./weights.ts"

const ANALYSIS_SOURCE = { source: "analysis" } as const

export interface AnalysisStats {
  /** Market events handled. */
  readonly cycles: number
  readonly computations: number
  /** Milliseconds the last handled batch of events took (scoring included). */
  readonly lastCycleMs: number
  /** Milliseconds since the last handled batch (Infinity before the first). */
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
      const newEvent = yield* eventMaker
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
      let tracked: ReadonlySet<string> | undefined
      const everyoneScored = yield* Deferred.make<void>()
      const counters = { cycles: 0, computations: 0, lastCycleMs: 0, lastCycleAt: 0 }

      // Once resolved it stays so: the check stops walking the tracked set after that.
      let allScored = false
      const checkEveryoneScored = Effect.suspend(() => {
        if (allScored || tracked === undefined || tracked.size === 0) return Effect.void
        for (const symbol of tracked) if (!latest.has(symbol)) return Effect.void
        allScored = true
        return Deferred.succeed(everyoneScored, undefined)
      })

      /** Served and published only while tracked; a joiner's history is scored before it is served. */
      const isTracked = (symbol: string) => tracked === undefined || tracked.has(symbol)

      /** The newest close and ATR(14) of the symbol's first timeframe, kept as its candles arrive. */
      const priceAndAtr = (symbol: string) =>
        priceAndAtrOf(state.symbols.get(symbol)?.series.get(timeframes[0]!)?.priceAtr)

      /** The confluence events of the batch being handled (published after it). */
      let pending: Array<EventOf<"analysis.confluence">> = []
      const publishConfluence = (overall: SymbolConfluence): void => {
        if (!isScored(overall)) return
        const payload = summaryOf(overall, priceAndAtr(overall.symbol))
        pending.push(newEvent("analysis.confluence", payload, ANALYSIS_SOURCE))
      }

      const planner = makeScorePlanner()

      /**
       * Scores every pending series: ONE call advances all their declared inputs, ONE call runs
       * the plugins over every pending symbol (symbol-scoped ones once per symbol; one message per
       * plugin worker), each symbol folded and rolled up as its outcomes come in (while workers
       * still compute others), then the roll-ups go out step by step in event order (`score-plan.ts`).
       */
      const scorePending = Effect.suspend(() => {
        if (planner.empty()) return Effect.void
        const plan = planner.take()
        const { groups, all } = contextsOf(resident, state.symbols, plan)
        return Effect.gen(function* () {
          const started = clock.currentTimeNanosUnsafe()
          yield* host.advanceInputs(all)
          const pass = makeScorePass(plan, groups, state.symbols, perTimeframe, componentWeights, timeframeWeights)
          const ctxs = groups.map((g) => g.ctxs)
          const batch = yield* host
            .evaluateBatch(ctxs, components, pass.settle)
            .pipe(span("plugins.evaluate", { symbols: groups.length, series: all.length }))
          pass.finish(batch, onOverall)
          const seconds = Number(clock.currentTimeNanosUnsafe() - started) / 1e9 / all.length
          counters.computations += all.length
          for (const [timeframe, count] of countsByTimeframe(all))
            yield* recordConfluenceComputed(timeframe, seconds, count)
          yield* checkEveryoneScored
        })
      })

      /** A symbol's new overall score: kept, and published while the symbol is tracked. */
      const onOverall = (overall: SymbolConfluence): void => {
        latest.set(overall.symbol, overall)
        if (isTracked(overall.symbol)) publishConfluence(overall)
      }

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
          const before = tracked ?? new Set<string>()
          const after = new Set(symbols)
          tracked = after
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
              Effect.andThen(Effect.sync(() => joined.forEach((s) => publishConfluence(latest.get(s)!)))),
              Effect.andThen(checkEveryoneScored),
            )
        })

      /**
       * Whether the pending scores must be computed before `event` is applied: it changes
       * something a pending score reads (see `score-plan.ts`). Market data it replaces is held for
       * them instead.
       */
      const touchesPending = (event: EventFor<"market.*">): boolean => {
        if (planner.empty()) return false
        if (event.type === "market.symbols") return true
        const p = event.payload
        if (event.type === "market.candle.closed" || event.type === "market.candles")
          return planner.pending(p.symbol, event.payload.timeframe) || planner.holds(p.symbol)
        if (event.type !== "market.ticker" && event.type !== "market.derivatives") return planner.pending(p.symbol)
        // Replaced, never changed in place: the pending scores keep the market data they read.
        const inputs = state.symbols.get(p.symbol)
        if (inputs !== undefined) planner.hold(p.symbol, inputs.market)
        return false
      }

      let stopping = false
      /** Applies one market event to the picture and queues the series it changes for scoring. */
      const applyEvent = (event: MarketEvent): void => {
        const changed = state.apply(event)
        if (changed === undefined) return
        const frames = framesToScore(event.payload.symbol, changed)
        if (frames.length > 0) planner.add(event.payload.symbol, frames)
      }
      /** Market events applied since the last batch that ended in a scoring pass. */
      let unscored = 0
      /** Whether the event `applyUntilEffect` stopped at needs the pending scores computed first. */
      let scoreFirst = false
      /**
       * Applies `events` from `from` on, in order, up to the first that needs an effect before it
       * is applied (the pending scores, or a served-set change); returns its index (the length
       * when none does, or when Analysis is stopping). A plain loop, so a batch of books and
       * trades is applied without a step of the batch's Effect generator per event.
       */
      const applyUntilEffect = (events: ReadonlyArray<EventFor<"market.*">>, from: number): number => {
        for (let i = from; i < events.length; i++) {
          if (stopping) return events.length
          const event = events[i]!
          scoreFirst = touchesPending(event)
          if (scoreFirst || event.type === "market.symbols") return i
          counters.cycles++
          applyEvent(event)
        }
        return events.length
      }
      /**
       * A batch of market events in delivery order: each applied to the market picture, the
       * series it changes queued for scoring, scored together at the end of the batch (or earlier,
       * when an event touches what a queued score reads; or later, with the next batch, when this
       * one was cut at BATCH_LIMIT and the rest of its burst is `queued`: that batch follows at
       * once); then every confluence event scored goes out in one `publishAll`: one store
       * transaction, acknowledged after its commit. Live, a batch is what arrived within the commit
       * window or queued during the previous commit; replay feeds candle events one at a time, so
       * there a batch is one event (or a run of book/trade events, which score nothing). Scores and
       * events are the same as handling the events one at a time.
       */
      const onBatch = (events: ReadonlyArray<EventFor<"market.*">>, queued: number) =>
        Effect.gen(function* () {
          const started = clock.currentTimeMillisUnsafe()
          for (let i = applyUntilEffect(events, 0); i < events.length; i = applyUntilEffect(events, i + 1)) {
            const event = events[i]!
            if (scoreFirst) yield* scorePending
            counters.cycles++
            if (event.type === "market.symbols") yield* onSymbols(event.payload.symbols)
            else applyEvent(event)
          }
          unscored += events.length
          const waitForRest = queued > 0 && unscored < SCORE_WAIT_LIMIT && !stopping
          if (!waitForRest) {
            unscored = 0
            yield* scorePending
          }
          counters.lastCycleAt = clock.currentTimeMillisUnsafe()
          counters.lastCycleMs = counters.lastCycleAt - started
          if (waitForRest || pending.length === 0) return
          const out = pending
          pending = []
          yield* bus
            .publishAll(out)
            .pipe(Effect.catch((error) => Effect.logWarning(`confluence events not published: ${String(error)}`)))
        }).pipe(span("analysis.cycle", { events: events.length }))

      // With a store attached, a batch waits up to COMMIT_WINDOW_MS for more market events (an
      // exchange round's symbols arrive within it), so their scores share one commit. Without one
      // (replay, tools) nothing is committed and a batch takes only what is queued: replay's
      // virtual clock never advances during a wait, and scores come out as soon as they exist.
      const durable = (yield* bus.stats).durable
      yield* bus.subscribe("market.*", onBatch, {
        name: "analysis",
        batch: { size: BATCH_LIMIT, ms: durable ? COMMIT_WINDOW_MS : 0 },
        // Books and tickers are read only when their symbol is scored: set off by these types.
        supersede: { readers: ["market.candle.closed", "market.candles", "market.symbols"] },
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
