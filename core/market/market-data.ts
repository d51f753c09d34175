/**
 * @module MarketData: the live market picture of every tracked symbol.
 *
 * Backfills each symbol × timeframe to its configured depth, then polls the exchange: newly
 * closed candles go into the resident WASM candle columns (bounded, zero-copy for indicators)
 * and out as `market.candle.closed` events; the order book, recent trades, ticker and
 * derivatives data are kept beside them. Exchange failures are logged, counted and retried on
 * the next poll; they never stop the loop.
 *
 * The tracked set is dynamic: the static list (plus includes) from the start, then the top-N by
 * 24h quote turnover from TopSymbols (`symbols.top`, refreshed every `symbols.refreshMs`, with
 * hysteresis). A symbol that joins gets its series, a backfill, then streams (or poll rounds);
 * one that leaves is unsubscribed and its series are freed — `symbols` and `snapshot` stop
 * returning it at once, so nothing downstream scores it again.
 *
 * In distributed mode (`layerShared`, over a SymbolShare) this instance fetches live data only
 * for the tracked symbols it owns: it announces its tracked set to the share, takes
 * up a symbol (backfill, then streams or poll rounds) when it becomes the owner, and drops it
 * (unwatched, series freed) when it loses it; `symbols` is then the cluster's tracked set, the
 * other instances' symbols being answered from the shared state.
 */
import { Clock, Context, Deferred, Duration, Effect, Layer, Option, Schedule } from "effect"
import { AppConfig, type VirtuosoConfig } from "../config/index.ts"
import { EventBus, makeEvent } from "../events/index.ts"
import { PluginHost } from "../plugins/index.ts"
import { describeFailure, ExchangeGuards, makeLogDigest } from "../resilience/index.ts"
import type { CandleColumns, MarketContext } from "../plugins/sdk.ts"
import { CandleSeries } from "./candles/index.ts"
import { ResidentCandles } from "./resident-candles.ts"
import { DEFAULT_SUPERVISOR_OPTIONS, makeStreamSupervisor, symbolStreams, type StreamsSummary, type StreamSupervisor } from "./streams/index.ts"
import { Metrics } from "../metrics/index.ts"
import { closeOffsetMs, measureClockSkew } from "./clock-skew.ts"
import { acquireExchange, describe } from "./exchange-loader.ts"
import type { ExchangeAdapter } from "../plugins/exchange-adapter.ts"
import { streamsCollector } from "./market-collectors.ts"
import { makeTopSymbols, type SymbolsChange } from "./top-symbols/index.ts"
import { SymbolShare } from "./symbol-share.ts"
import { TIMEFRAME_MS, type Candle, type OrderBook, type Timeframe, type Trade } from "../market-schema/index.ts"
import { closedAfter, newCursor, type SeriesCursor } from "./series-tracker.ts"
import { pushTrades, refreshDerivatives, type Call, type SymbolState } from "./symbol-state.ts"

/** The largest OHLCV page exchanges commonly serve (Binance and Bybit: 1000). */
const MAX_PAGE = 1000

export interface MarketSnapshot {
  readonly symbol: string
  readonly timeframe: Timeframe
  readonly candles: CandleColumns
  /** Changes whenever a candle is appended, so callers can skip unchanged series. */
  readonly version: number
  readonly orderbook?: OrderBook
  readonly trades?: ReadonlyArray<Trade>
  readonly market: MarketContext
}

export interface MarketStats {
  readonly exchange: string
  /** Symbols tracked now (including ones still backfilling). */
  readonly symbols: number
  readonly polls: number
  readonly errors: number
  readonly candlesAppended: number
  readonly duplicates: number
  readonly malformed: number
  readonly gapsBackfilled: number
  /** Milliseconds since the last successful poll of any symbol. */
  readonly lastPollAgeMs: number
  /** Milliseconds since the last failed exchange request (Infinity if none), and what it was. */
  readonly lastErrorAgeMs: number
  readonly lastError?: string
  /** Set while the exchange has not answered any request since start: why, and what happens next. */
  readonly unreachable?: string
  /** Websocket streams by mode, and why REST covers the ones that are not live. */
  readonly streams?: StreamsSummary
}

export class MarketData extends Context.Service<MarketData, {
  readonly exchangeId: string
  readonly timeframes: ReadonlyArray<Timeframe>
  /**
   * Symbols served now: the static set (plus includes) from the start, each top symbol once its
   * backfill is done and until it leaves. Changes with TopSymbols churn: re-read it, never cache it.
   */
  readonly symbols: Effect.Effect<ReadonlyArray<string>>
  /** The latest data for one series, or undefined if the symbol is not tracked (or not yet backfilled). */
  readonly snapshot: (symbol: string, timeframe: Timeframe) => Effect.Effect<MarketSnapshot | undefined>
  /** Resolves once every series of the static symbols (and includes) has been backfilled. */
  readonly awaitReady: Effect.Effect<void>
  readonly stats: Effect.Effect<MarketStats>
}>()("virtuoso/market/MarketData") {
  /** One instance fetches every tracked symbol. */
  static readonly layer = Layer.effect(MarketData, makeMarketData(undefined))
  /** Instances split the tracked symbols: this one fetches its SymbolShare. */
  static readonly layerShared = Layer.effect(MarketData, Effect.flatMap(SymbolShare, makeMarketData))
}

function makeMarketData(ownership: SymbolShare["Service"] | undefined) {
  return Effect.gen(function* () {
    const config = yield* AppConfig
    const bus = yield* EventBus
    const host = yield* PluginHost
    const candles = yield* ResidentCandles
    const guards = yield* ExchangeGuards
    const plugin = yield* host.exchange(config.exchange.plugin)
    const clock = yield* Clock.Clock
    const pinned = trackedSymbols(config)
    const adapter = yield* acquireExchange(plugin, config.exchange, pinned, () => clock.currentTimeMillisUnsafe())
    const timeframes = Object.keys(config.timeframes) as Array<Timeframe>
    /** Whether this instance fetches a symbol's live data (always, outside distributed mode). */
    const fetchesHere = (symbol: string) => ownership === undefined || ownership.owns(symbol)
    /** The tracked set: static symbols (plus includes) and the current top-N, fetched here or not. */
    const wanted = new Set(pinned)
    const ready = yield* Deferred.make<void>()
    const counters = {
      polls: 0, errors: 0, candlesAppended: 0, duplicates: 0, malformed: 0, gapsBackfilled: 0, lastPoll: 0,
      lastErrorAt: 0, lastError: undefined as string | undefined,
      answered: false, unreachable: undefined as string | undefined,
    }
    const states = new Map<string, SymbolState>()
    /** `symbols` as served: live ones in join order, rebuilt on every join and leave. */
    let live: ReadonlyArray<string> = []
    const refreshLive = () => {
      live = [...states.values()].filter((s) => s.live).map((s) => s.symbol)
    }

    const newState = (symbol: string, live: boolean): SymbolState => {
      const series = new Map<Timeframe, { id: number; cursor: SeriesCursor }>()
      try {
        for (const tf of timeframes) {
          series.set(tf, { id: candles.addSeries(`${symbol}|${tf}`, config.timeframes[tf]!.candles), cursor: newCursor() })
        }
      } catch (error) {
        // e.g. the resident engine's series cap: free what this symbol got, so a retry starts clean
        for (const { id } of series.values()) candles.removeSeries(id)
        throw error
      }
      return { symbol, series, trades: [], tradeIds: new Set(), market: {}, derivativesAt: -Infinity, live, removed: false }
    }
    // The pinned set is served from the start (as before top symbols existed; readiness says when
    // it is backfilled); joiners only once their backfill is done.
    for (const symbol of pinned) if (fetchesHere(symbol)) states.set(symbol, newState(symbol, true))
    refreshLive()

    // Every request goes through the exchange's guard: one breaker per endpoint, the shared
    // rate budget and bulkhead, classified retries; then a per-operation time limit in total.
    const guard = yield* guards.get({
      exchange: adapter.id,
      maxConcurrent: config.exchange.maxConcurrent,
      // Units are the adapter's request weights (see `requestCost`); its own limit by default.
      rate: config.exchange.rateBudget === undefined
        ? (plugin.name === "sim"
          ? { capacity: 1_000_000, refillPerSecond: 1_000_000 }
          : { capacity: adapter.rateBudget?.capacity ?? 20, refillPerSecond: adapter.rateBudget?.perSecond ?? 10 })
        : { capacity: config.exchange.rateBudget.capacity, refillPerSecond: config.exchange.rateBudget.perSecond },
    })
    // Candles close by the exchange's clock: measured once at start (see clock-skew.ts).
    const skew = yield* measureClockSkew(adapter)
    const closeOffset = closeOffsetMs(skew)
    if (skew !== undefined) yield* Effect.logInfo(`${adapter.id} clock: ${skew.skewMs} ms from ours (±${skew.uncertaintyMs} ms)`)
    const weightOf = (operation: string, allSymbols = false) => adapter.requestCost?.(operation, { allSymbols }) ?? 1
    // Repeated failures of one endpoint: one line per 30 s with a count, not one per call.
    const failures = makeLogDigest(30_000)
    const call: Call = (operation, detail, f, timeoutMs) =>
      guard.call(operation, () => f(), { cost: weightOf(operation) }).pipe(
        Effect.timeoutOrElse({
          duration: Duration.millis(timeoutMs),
          orElse: () => Effect.fail(new Error(`timed out after ${timeoutMs} ms`)),
        }),
        Effect.mapError((error) => new Error(`${operation} ${detail}: ${describeFailure(error)}`)),
        Effect.tapError((error) => Effect.sync(() => {
          counters.errors++
          counters.lastErrorAt = clock.currentTimeMillisUnsafe()
          counters.lastError = error.message
        }).pipe(Effect.andThen(failures.warn(operation, `${adapter.id} ${error.message}`)))),
        Effect.tap(() => answered(operation)),
      )
    /** The exchange answered: its endpoint works again, and it is reachable. */
    const answered = (operation: string) => Effect.sync(() => {
      failures.recovered(operation)
      counters.unreachable = undefined
      counters.answered = true
    })

    /** Appends closed candles newer than the cursor and publishes the newest when `publish`. */
    const appendClosed = (state: SymbolState, tf: Timeframe, closed: ReadonlyArray<Candle>, publish = true) =>
      Effect.gen(function* () {
        // A dropped symbol's series are freed: late fetches and stream updates go nowhere.
        if (state.removed) return
        const entry = state.series.get(tf)!
        let newest: Candle | undefined
        for (const candle of closed) {
          if (candle.time <= entry.cursor.lastClosed) {
            counters.duplicates++
            continue
          }
          candles.append(entry.id, candle)
          entry.cursor.lastClosed = candle.time
          entry.cursor.version++
          counters.candlesAppended++
          newest = candle
        }
        if (newest && publish) {
          const event = yield* makeEvent("market.candle.closed", { symbol: state.symbol, timeframe: tf, exchange: adapter.id, candle: newest }, { source: "market" })
          yield* bus.publish(event).pipe(Effect.catch((error) => Effect.logWarning(`candle event not published: ${String(error)}`)))
        }
      })

    const appendCandles = Effect.fnUntraced(function* (state: SymbolState, tf: Timeframe, live: boolean) {
      const entry = state.series.get(tf)!
      const step = TIMEFRAME_MS[tf]
      const depth = config.timeframes[tf]!.candles
      const since = Number.isFinite(entry.cursor.lastClosed) ? entry.cursor.lastClosed + step : undefined
      // One extra candle: the newest is still open and is dropped.
      let fetched = yield* call("fetchOHLCV", `${state.symbol} ${tf}`, () => adapter.fetchOHLCV(state.symbol, tf, since, Math.min(depth + 1, MAX_PAGE)), 30_000)
      const first = fetched[0]
      if (since === undefined && depth + 1 > MAX_PAGE && first !== undefined && fetched.length >= MAX_PAGE) {
        // Deeper than one page (1m × 1000 plus the open one): the rest ends where the newest page
        // begins, so it is anchored on the exchange's own times, not our clock. Best effort.
        const missing = depth + 1 - fetched.length
        const older = yield* call("fetchOHLCV", `${state.symbol} ${tf}`, () => adapter.fetchOHLCV(state.symbol, tf, first.time - missing * step, missing), 30_000).pipe(
          Effect.orElseSucceed((): ReadonlyArray<Candle> => []),
        )
        fetched = [...older.filter((c) => c.time < first.time), ...fetched]
      }
      const fresh = closedAfter(entry.cursor, fetched, step, clock.currentTimeMillisUnsafe() + closeOffset)
      counters.duplicates += fresh.duplicates
      counters.malformed += fresh.malformed
      if (fresh.gapFrom !== undefined) counters.gapsBackfilled++
      // Backfill is history, not news: only live closes are published.
      yield* appendClosed(state, tf, fresh.closed, live)
    })

    const pollSymbol = Effect.fnUntraced(function* (state: SymbolState, live: boolean) {
      for (const tf of timeframes) {
        // A failed fetch is already logged and counted by `call`; the next poll retries it.
        yield* appendCandles(state, tf, live).pipe(Effect.catch(() => Effect.void))
      }
      const book = yield* call("fetchOrderBook", state.symbol, () => adapter.fetchOrderBook(state.symbol, 50), 15_000).pipe(Effect.option)
      if (book._tag === "Some") state.orderbook = book.value
      const since = state.trades.at(-1)?.time
      const trades = yield* call("fetchTrades", state.symbol, () => adapter.fetchTrades(state.symbol, since, 1000), 15_000).pipe(Effect.option)
      if (trades._tag === "Some") pushTrades(state, trades.value, 1000)
      yield* refreshDerivatives(adapter, state, clock.currentTimeMillisUnsafe(), call)
      counters.polls++
      counters.lastPoll = clock.currentTimeMillisUnsafe()
    })

    // With streams "last poll" means the last update of any kind.
    const alive = Effect.sync(() => {
      counters.answered = true
      counters.unreachable = undefined
      counters.polls++
      counters.lastPoll = clock.currentTimeMillisUnsafe()
    })
    const streamSymbol = (supervisor: StreamSupervisor["Service"], state: SymbolState) =>
      Effect.gen(function* () {
        const { specs } = symbolStreams(adapter, state.symbol, {
          timeframes,
          depth: Object.fromEntries(timeframes.map((tf) => [tf, config.timeframes[tf]!.candles])),
          clockSkewMs: closeOffset,
          series: (tf) => CandleSeries.after(TIMEFRAME_MS[tf], config.timeframes[tf]!.candles, state.series.get(tf)!.cursor.lastClosed),
          // REST fallback polls and gap backfills share the exchange's guard (budget, breakers).
          rest: (operation, run) => guard.call(operation, run, { cost: weightOf(operation) }).pipe(
            Effect.tapError((e) => failures.warn(operation, `${adapter.id} ${operation} ${state.symbol}: ${describeFailure(e)}`)),
            Effect.tap(() => answered(operation)),
          ),
          onClosedCandles: (_symbol, tf, closed) => Effect.andThen(appendClosed(state, tf, closed), alive),
          onOrderBook: (_symbol, book) => Effect.andThen(Effect.sync(() => { state.orderbook = book }), alive),
          onTrades: (_symbol, trades) => Effect.andThen(Effect.sync(() => pushTrades(state, trades, 1000)), alive),
          onCandleStats: (_symbol, _tf, st) => Effect.sync(() => {
            counters.duplicates += st.duplicates
            counters.malformed += st.malformed
            counters.gapsBackfilled += st.gapsBackfilled
          }),
        })
        for (const spec of specs) yield* supervisor.start(spec)
      })

    const supervisor = adapter.has.watchOHLCV ? yield* makeStreamSupervisor(DEFAULT_SUPERVISOR_OPTIONS) : undefined
    const metrics = yield* Effect.serviceOption(Metrics)
    if (supervisor && metrics._tag === "Some") yield* metrics.value.registerCollector("market-streams", streamsCollector(supervisor))

    /** A symbol joins: series, backfill (history, not published), then streams or poll rounds. */
    const addSymbol = (symbol: string) =>
      Effect.gen(function* () {
        if (states.has(symbol)) return
        const state = yield* Effect.try({ try: () => newState(symbol, false), catch: (e) => new Error(describe(e)) })
        states.set(symbol, state)
        yield* pollSymbol(state, false)
        if (state.removed) return
        state.live = true
        refreshLive()
        if (supervisor) yield* streamSymbol(supervisor, state)
        yield* Effect.logInfo(`market data: ${symbol} joined (backfilled ${timeframes.join(",")})`)
      }).pipe(Effect.catch((e) => Effect.logWarning(`market data: ${symbol} not added: ${e.message}`)))

    /** A symbol leaves: served no more, streams stopped and unsubscribed, series freed. */
    const removeSymbol = (symbol: string) =>
      Effect.gen(function* () {
        const state = states.get(symbol)
        if (!state) return
        state.removed = true
        state.live = false
        states.delete(symbol)
        refreshLive()
        if (supervisor) yield* supervisor.stopSymbol(symbol)
        else if (adapter.unWatch) {
          yield* Effect.tryPromise(() => adapter.unWatch!(symbol)).pipe(Effect.catch((e) => Effect.logWarning(`unWatch ${symbol}: ${describe(e)}`)))
        }
        for (const { id } of state.series.values()) candles.removeSeries(id)
        yield* Effect.logInfo(`market data: ${symbol} left; series freed`)
      })

    const applyChange = (change: SymbolsChange) =>
      Effect.gen(function* () {
        for (const symbol of change.removed) wanted.delete(symbol)
        for (const symbol of change.added) wanted.add(symbol)
        // Distributed: announce the set; `reconcile` fetches what the split of the union gives us.
        if (ownership !== undefined) return yield* ownership.track([...wanted])
        for (const symbol of change.removed) yield* removeSymbol(symbol)
        yield* Effect.forEach(change.added, addSymbol, { concurrency: 4, discard: true })
      })

    /**
     * Distributed mode: fetch exactly the symbols this instance owns — of the cluster's tracked
     * set, so a top symbol only a peer ranks is still fetched by its owner. Serial (one running
     * loop), so a symbol is never added and removed at once; one lost while its backfill runs is
     * dropped on the next pass.
     */
    const reconcile = (owner: SymbolShare["Service"]) => Effect.gen(function* () {
      const owned = new Set(yield* owner.owned)
      for (const symbol of [...states.keys()]) if (!owned.has(symbol)) yield* removeSymbol(symbol)
      // Owning nothing (more instances than symbols) is idle, not stale: health must not flag it.
      if (states.size === 0) counters.lastPoll = clock.currentTimeMillisUnsafe()
      yield* Effect.forEach([...owned].filter((symbol) => !states.has(symbol)), addSymbol, { concurrency: 4, discard: true })
    })

    // TopSymbols ranks through the exchange's guard too (one rate budget, one breaker per endpoint).
    const context = yield* Effect.context<never>()
    const rankingAdapter: ExchangeAdapter = Object.assign(Object.create(adapter) as ExchangeAdapter, {
      fetchTickers: (symbols?: ReadonlyArray<string>) =>
        Effect.runPromiseWith(context)(
          guard.call("fetchTickers", () => adapter.fetchTickers(symbols), { cost: weightOf("fetchTickers", symbols === undefined) }),
        ),
    })
    const liveStates = () => [...states.values()].filter((s) => s.live)

    // Backfill the static set before declaring readiness, then stream or poll; top symbols join after.
    yield* Effect.gen(function* () {
      yield* Effect.forEach([...states.values()], (state) => pollSymbol(state, false), { concurrency: 4, discard: true })
      yield* Deferred.succeed(ready, undefined)
      if (!counters.answered && counters.lastError !== undefined) {
        // One line a user can act on, instead of one warning per symbol and timeframe.
        counters.unreachable = `${adapter.id} unreachable: ${counters.lastError}; retrying, no market data until it answers`
        yield* Effect.logError(counters.unreachable)
      }
      yield* Effect.logInfo(`market data ready: ${states.size} symbols × ${timeframes.join(",")} on ${adapter.id}`)
      if (supervisor) for (const state of liveStates()) yield* streamSymbol(supervisor, state)
      // Ownership moves at heartbeats; checking an in-memory set 4×/s follows them closely enough.
      if (ownership !== undefined) yield* reconcile(ownership).pipe(Effect.repeat(Schedule.spaced(Duration.millis(250))), Effect.forkChild)
      if (config.symbols.top > 0) {
        const exclude = new Set(config.symbols.exclude)
        const pinnedSet = new Set(pinned)
        const rank = Effect.gen(function* () {
          const top = yield* makeTopSymbols({
            adapter: rankingAdapter,
            options: { ...config.symbols, static: config.symbols.static.filter((s) => !exclude.has(s)) },
            onChange: applyChange,
          })
          if (metrics._tag === "Some") yield* metrics.value.registerCollector("top-symbols", top.samples)
          // When another instance takes over the ranking, this one's top-N leaves its announcement.
          yield* Effect.addFinalizer(() => applyChange({ symbols: pinned, added: [], removed: [...wanted].filter((s) => !pinnedSet.has(s)) }))
        })
        // Distributed: one instance ranks for the cluster; the others follow its tracked set.
        if (ownership === undefined) yield* rank
        else yield* ownership.ranking(rank).pipe(Effect.forkChild)
      }
      if (supervisor) {
        // Websockets: supervised streams (backoff, staleness, REST fallback) for candles, book
        // and trades; REST only for derivatives data (it refreshes itself every 5 minutes).
        yield* Effect.suspend(() => Effect.forEach(liveStates(), (state) => refreshDerivatives(adapter, state, clock.currentTimeMillisUnsafe(), call), { concurrency: 4, discard: true })).pipe(
          Effect.repeat(Schedule.spaced(Duration.seconds(30))),
        )
      } else {
        // A fresh array per round (symbols join and leave between rounds).
        yield* Effect.suspend(() => Effect.forEach(liveStates(), (state) => pollSymbol(state, true), { concurrency: 4, discard: true })).pipe(
          Effect.repeat(Schedule.spaced(Duration.millis(config.exchange.pollMs))),
        )
      }
    }).pipe(
      Effect.onInterrupt(() => Effect.logDebug("finalizer: market data poller stopped")),
      Effect.forkScoped,
    )

    return MarketData.of({
      exchangeId: adapter.id,
      timeframes,
      // Distributed: every tracked symbol of the cluster (the others' are answered from shared state).
      symbols: ownership === undefined ? Effect.sync(() => live) : ownership.tracked,
      awaitReady: Deferred.await(ready),
      snapshot: (symbol, timeframe) => Effect.sync(() => {
        const state = states.get(symbol)
        const entry = state?.series.get(timeframe)
        if (!state || !entry || !state.live) return undefined
        return {
          symbol, timeframe,
          candles: candles.columns(entry.id),
          version: entry.cursor.version,
          market: state.market,
          ...(state.orderbook ? { orderbook: state.orderbook } : {}),
          ...(state.trades.length > 0 ? { trades: state.trades } : {}),
        }
      }),
      stats: Effect.map(supervisor ? Effect.asSome(supervisor.summary) : Effect.succeedNone, (streams) => ({
        exchange: adapter.id,
        symbols: states.size,
        polls: counters.polls,
        errors: counters.errors,
        candlesAppended: counters.candlesAppended,
        duplicates: counters.duplicates,
        malformed: counters.malformed,
        gapsBackfilled: counters.gapsBackfilled,
        lastPollAgeMs: counters.lastPoll === 0 ? Infinity : clock.currentTimeMillisUnsafe() - counters.lastPoll,
        lastErrorAgeMs: counters.lastErrorAt === 0 ? Infinity : clock.currentTimeMillisUnsafe() - counters.lastErrorAt,
        ...(counters.lastError === undefined ? {} : { lastError: counters.lastError }),
        ...(counters.unreachable === undefined ? {} : { unreachable: counters.unreachable }),
        ...(Option.isSome(streams) ? { streams: streams.value } : {}),
      })),
    })
  })
}

/** The pinned part of the tracked set: static symbols plus includes, minus excludes (top-N joins later). */
export const trackedSymbols = (config: VirtuosoConfig): ReadonlyArray<string> => {
  const exclude = new Set(config.symbols.exclude)
  return [...new Set([...config.symbols.static, ...config.symbols.include])].filter((s) => !exclude.has(s))
}

