/**
 * @module The stream specs for one symbol on an ExchangeAdapter: candles per timeframe, order
 * book, trades, and liquidations where the exchange streams them. Each streams through `watch*` when the adapter has it
 * and polls REST otherwise;
 * candle updates go through a `CandleSeries`, so consumers only ever see closed candles, and a
 * gap the stream skipped is backfilled from REST before it is reported.
 */
import { Clock, Effect } from "effect"
import { CandleSeries, type GapRange } from "../candles/index.ts"
import type { ExchangeAdapter } from "../../plugins/exchange-adapter.ts"
import {
  TIMEFRAME_MS,
  type Candle,
  type Liquidation,
  type OrderBook,
  type Timeframe,
  type Trade,
} from "../../market-schema/index.ts"
import { describeFailure, ExchangeError, retryAfterMs } from "../../resilience/index.ts"
import { classifyExchangeError } from "./classify.ts"
import type { StreamSource, StreamSpec } from "./schema.ts"

export interface SymbolStreamsOptions {
  readonly timeframes: ReadonlyArray<Timeframe>
  /** Closed candles kept per series (the configured depth). */
  readonly depth: Readonly<Partial<Record<Timeframe, number>>>
  readonly bookLevels?: number
  /** Trades requested per REST poll. */
  readonly tradesPerPoll?: number
  /** Newly closed candles, oldest first, contiguous with what was delivered before. */
  readonly onClosedCandles: (
    symbol: string,
    timeframe: Timeframe,
    candles: ReadonlyArray<Candle>,
    source: StreamSource,
  ) => Effect.Effect<void>
  /** The candle in progress (for display only; never for scores). */
  readonly onOpenCandle?: (symbol: string, timeframe: Timeframe, candle: Candle) => Effect.Effect<void>
  readonly onOrderBook?: (symbol: string, book: OrderBook, source: StreamSource) => Effect.Effect<void>
  readonly onTrades?: (symbol: string, trades: ReadonlyArray<Trade>, source: StreamSource) => Effect.Effect<void>
  /**
   * New liquidations of the symbol's perpetual, oldest first. Streamed only when the adapter has
   * `watchLiquidations`; its REST cover is `fetchLiquidations` when the exchange has one.
   */
  readonly onLiquidations?: (
    symbol: string,
    liquidations: ReadonlyArray<Liquidation>,
    source: StreamSource,
  ) => Effect.Effect<void>
  /** Gap, duplicate and malformed counts from candle bookkeeping. */
  readonly onCandleStats?: (symbol: string, timeframe: Timeframe, stats: CandleStats) => Effect.Effect<void>
  /**
   * Runs every REST call of these streams (polls, gap backfills), e.g. through the ExchangeGuard
   * so they share the exchange's rate budget and breakers. Default: the adapter is called directly.
   */
  readonly rest?: <A>(operation: string, run: () => Promise<A>) => Effect.Effect<A, unknown>
  /**
   * The exchange's clock minus ours, ms (measured against its time endpoint), or a function
   * reading the latest measurement. A candle counts as closed once its period has ended by the
   * exchange's clock, and REST polls for a candle are timed by it. Default 0.
   */
  readonly clockSkewMs?: number | (() => number)
  /** After a candle's close, wait this long before polling it (the exchange finalises it). @default 1000 */
  readonly closeGraceMs?: number
  /** Series already seeded by the caller's backfill (so the stream continues them). */
  readonly series?: (timeframe: Timeframe) => CandleSeries | undefined
}

export interface CandleStats {
  readonly gaps: ReadonlyArray<GapRange>
  readonly gapsBackfilled: number
  readonly duplicates: number
  readonly outOfOrder: number
  readonly malformed: number
}

export const symbolStreams = (
  adapter: ExchangeAdapter,
  symbol: string,
  options: SymbolStreamsOptions,
): { readonly specs: ReadonlyArray<StreamSpec<any>>; readonly series: ReadonlyMap<Timeframe, CandleSeries> } => {
  const specs: Array<StreamSpec<any>> = []
  const rest = <A>(operation: string, run: () => Promise<A>): Effect.Effect<A, ExchangeError> =>
    options.rest === undefined
      ? Effect.tryPromise({ try: run, catch: (e) => classifyExchangeError(e, operation, adapter.id) })
      : Effect.mapError(options.rest(operation, run), (e) =>
          e instanceof ExchangeError ? e : classifyExchangeError(e, operation, adapter.id),
        )
  const polled = <A>(operation: string, run: () => Promise<A>) =>
    options.rest === undefined ? { poll: run } : { poll: run, pollEffect: rest(operation, run) }
  const seriesByTf = new Map<Timeframe, CandleSeries>()
  const unWatch = adapter.unWatch ? () => adapter.unWatch!(symbol) : undefined
  const reconnect = adapter.reconnect ? () => adapter.reconnect!() : undefined
  const skewOption = options.clockSkewMs ?? 0
  const skewNow = typeof skewOption === "function" ? skewOption : () => skewOption
  const grace = options.closeGraceMs ?? 1_000

  for (const tf of options.timeframes) {
    const step = TIMEFRAME_MS[tf]
    const series = options.series?.(tf) ?? new CandleSeries(step, options.depth[tf] ?? 1000)
    seriesByTf.set(tf, series)
    let deliveredUpTo = series.lastClosedTime
    let backfillAt = -Infinity
    let backfillDelay = 0
    /** Apply an update, then backfill any gap it revealed before reporting what closed. */
    const apply = (candles: ReadonlyArray<Candle>, source: StreamSource) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const skew = skewNow()
        const first = source === "stream" ? series.ingest(candles) : series.backfill(candles, now + skew)
        let gapsBackfilled = 0
        // A failing backfill is retried on later updates, but no sooner than its backoff (5 s
        // doubling to 60 s, at least Retry-After): stream messages must not hammer REST.
        for (const gap of now >= backfillAt ? [...series.pendingGaps] : []) {
          const fetched = yield* rest("fetchOHLCV", () =>
            adapter.fetchOHLCV(symbol, tf, gap.from, Math.round((gap.to - gap.from) / step) + 2),
          ).pipe(
            Effect.tap(() =>
              Effect.sync(() => {
                backfillDelay = 0
              }),
            ),
            Effect.catch((e) =>
              Effect.gen(function* () {
                backfillDelay = Math.min(60_000, Math.max(5_000, backfillDelay * 2))
                backfillAt = now + Math.max(backfillDelay, retryAfterMs(e) ?? 0)
                yield* Effect.logWarning(
                  `backfill ${symbol} ${tf} failed: ${describeFailure(e)}; retried in ${backfillAt - now} ms`,
                )
                return [] as ReadonlyArray<Candle>
              }),
            ),
          )
          const filled = series.backfill(fetched, (yield* Clock.currentTimeMillis) + skew)
          if (filled.closed.length > 0) gapsBackfilled++
          if (backfillAt > now) break
        }
        // Deliver in time order and only contiguously: candles after a still-pending gap wait for it.
        const firstPending = series.pendingGaps.reduce((m, g) => Math.min(m, g.from), Infinity)
        const all = series.closed
        let i = all.length
        while (i > 0 && all[i - 1]!.time > deliveredUpTo) i--
        const ready = all.slice(i).filter((c) => c.time < firstPending)
        if (ready.length > 0) {
          deliveredUpTo = ready.at(-1)!.time
          yield* options.onClosedCandles(symbol, tf, ready, source)
        }
        if (series.open && options.onOpenCandle) yield* options.onOpenCandle(symbol, tf, series.open)
        if (
          options.onCandleStats &&
          (first.gaps.length || first.duplicates || first.outOfOrder || first.malformed || gapsBackfilled)
        ) {
          yield* options.onCandleStats(symbol, tf, {
            gaps: first.gaps,
            gapsBackfilled,
            duplicates: first.duplicates,
            outOfOrder: first.outOfOrder,
            malformed: first.malformed,
          })
        }
      })
    specs.push({
      symbol,
      kind: "ohlcv",
      timeframe: tf,
      watch: adapter.has.watchOHLCV && adapter.watchOHLCV ? () => adapter.watchOHLCV!(symbol, tf) : undefined,
      ...polled("fetchOHLCV", () => adapter.fetchOHLCV(symbol, tf, undefined, 3)),
      // The candle after the newest closed one closes at lastClosed + 2 periods (exchange clock).
      nextDataAt: () => series.lastClosedTime + 2 * step - skewNow() + grace,
      resubscribe: adapter.unWatchStream ? () => adapter.unWatchStream!(symbol, "ohlcv", tf) : undefined,
      reconnect,
      unWatch,
      onData: apply,
    })
  }

  const levels = options.bookLevels ?? 50
  if (options.onOrderBook) {
    const onOrderBook = options.onOrderBook
    specs.push({
      symbol,
      kind: "orderbook",
      watch:
        adapter.has.watchOrderBook && adapter.watchOrderBook
          ? () => adapter.watchOrderBook!(symbol, levels)
          : undefined,
      ...polled("fetchOrderBook", () => adapter.fetchOrderBook(symbol, levels)),
      resubscribe: adapter.unWatchStream ? () => adapter.unWatchStream!(symbol, "orderbook") : undefined,
      reconnect,
      unWatch,
      onData: (book: OrderBook, source) => onOrderBook(symbol, book, source),
    })
  }
  if (options.onTrades) {
    const onTrades = options.onTrades
    specs.push({
      symbol,
      kind: "trades",
      watch: adapter.has.watchTrades && adapter.watchTrades ? () => adapter.watchTrades!(symbol) : undefined,
      ...polled("fetchTrades", () => adapter.fetchTrades(symbol, undefined, options.tradesPerPoll ?? 100)),
      resubscribe: adapter.unWatchStream ? () => adapter.unWatchStream!(symbol, "trades") : undefined,
      reconnect,
      unWatch,
      onData: (trades: ReadonlyArray<Trade>, source) => onTrades(symbol, trades, source),
    })
  }
  if (options.onLiquidations && adapter.has.watchLiquidations && adapter.watchLiquidations) {
    specs.push(liquidationSpec(adapter, symbol, options.onLiquidations, polled, reconnect, unWatch))
  }
  return { specs, series: seriesByTf }
}

/**
 * The liquidation stream. Without a REST endpoint (Bybit, OKX in ccxt) its cover has nothing to
 * poll and delivers nothing: an empty list is "no liquidations seen", never a made-up reading.
 */
const liquidationSpec = (
  adapter: ExchangeAdapter,
  symbol: string,
  onLiquidations: NonNullable<SymbolStreamsOptions["onLiquidations"]>,
  polled: <A>(operation: string, run: () => Promise<A>) => Pick<StreamSpec<A>, "poll" | "pollEffect">,
  reconnect: (() => Promise<void>) | undefined,
  unWatch: (() => Promise<void>) | undefined,
): StreamSpec<ReadonlyArray<Liquidation>> => {
  let newest: number | undefined
  const rest = adapter.has.fetchLiquidations ? adapter.fetchLiquidations : undefined
  const poll = (): Promise<ReadonlyArray<Liquidation>> =>
    rest === undefined ? Promise.resolve([]) : rest.call(adapter, symbol, newest === undefined ? undefined : newest + 1)
  return {
    symbol,
    kind: "liquidations",
    watch: () => adapter.watchLiquidations!(symbol),
    ...(rest === undefined ? { poll } : polled("fetchLiquidations", poll)),
    resubscribe: adapter.unWatchStream ? () => adapter.unWatchStream!(symbol, "liquidations") : undefined,
    reconnect,
    unWatch,
    onData: (rows, source) =>
      Effect.suspend(() => {
        // The stream hands over only new ones; a REST page repeats what came before `since`.
        const fresh = source === "stream" ? rows : rows.filter((l) => newest === undefined || l.time > newest)
        if (fresh.length === 0) return Effect.void
        newest = Math.max(newest ?? -Infinity, ...fresh.map((l) => l.time))
        return onLiquidations(symbol, fresh, source)
      }),
  }
}
