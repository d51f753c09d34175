/**
 * @module LiveMarket: the streaming half of MarketData, ready to call. For every tracked symbol
 * (TopSymbols: static + include + ranked, with hysteresis) it backfills each timeframe from REST
 * (paged, so 1m × 1000 fits exchanges that cap a request at 1000 candles), then supervises the
 * websocket streams (candles per timeframe, book, trades), which fall back to REST polling by
 * themselves. A symbol that leaves the set has its streams stopped and unsubscribed.
 *
 * Consumers get callbacks only: closed candles (backfill first, then live, contiguous per
 * series), books, trades. Where they go (resident WASM columns, the event bus) is the caller's.
 */
import { Clock, Effect, type Scope } from "effect"
import { CandleSeries } from "../candles/index.ts"
import type { ExchangeAdapter } from "../../plugins/exchange-adapter.ts"
import { TIMEFRAME_MS, type Candle, type OrderBook, type Timeframe, type Trade } from "../../market-schema/index.ts"
import {
  makeTopSymbols,
  type SymbolsChange,
  type TopSymbolsHandle,
  type TopSymbolsOptions,
} from "../top-symbols/index.ts"
import { symbolStreams, type CandleStats } from "./adapter-streams.ts"
import type { StreamSource } from "./schema.ts"
import { classifyExchangeError } from "./classify.ts"
import { StreamSupervisor } from "./stream-supervisor.ts"

export type CandleSource = StreamSource | "backfill"

export interface LiveMarketConfig {
  readonly adapter: ExchangeAdapter
  readonly timeframes: ReadonlyArray<Timeframe>
  /** Closed candles to backfill and keep, per timeframe (e.g. 1m: 1000, 5m: 300, 30m: 200, 4h: 200). */
  readonly depth: Readonly<Partial<Record<Timeframe, number>>>
  readonly symbols: TopSymbolsOptions
  readonly bookLevels?: number
  /** Largest page the exchange serves per OHLCV request. @default 1000 */
  readonly maxCandlesPerRequest?: number
  readonly onClosedCandles: (
    symbol: string,
    timeframe: Timeframe,
    candles: ReadonlyArray<Candle>,
    source: CandleSource,
  ) => Effect.Effect<void>
  readonly onOrderBook?: (symbol: string, book: OrderBook, source: StreamSource) => Effect.Effect<void>
  readonly onTrades?: (symbol: string, trades: ReadonlyArray<Trade>, source: StreamSource) => Effect.Effect<void>
  readonly onCandleStats?: (symbol: string, timeframe: Timeframe, stats: CandleStats) => Effect.Effect<void>
  /** After a symbol's streams start (added) or stop (removed). */
  readonly onSymbolsChanged?: (change: SymbolsChange) => Effect.Effect<void>
}

/**
 * The newest `count` closed candles (plus the open one), oldest first, in pages of at most
 * `pageSize`. Pure REST; the caller decides what is closed.
 */
const fetchCandleHistory = (
  adapter: ExchangeAdapter,
  symbol: string,
  timeframe: Timeframe,
  count: number,
  now: number,
  pageSize = 1000,
) =>
  Effect.gen(function* () {
    const step = TIMEFRAME_MS[timeframe]
    let since = Math.floor(now / step) * step - count * step
    const out: Array<Candle> = []
    for (let page = 0; page < Math.ceil((count + 1) / pageSize) + 1; page++) {
      const batch = yield* Effect.tryPromise({
        try: () => adapter.fetchOHLCV(symbol, timeframe, since, pageSize),
        catch: (e) => classifyExchangeError(e, "fetchOHLCV", adapter.id),
      })
      for (const c of batch) if (out.length === 0 || c.time > out[out.length - 1]!.time) out.push(c)
      const last = batch[batch.length - 1]
      if (!last || batch.length < pageSize || last.time + step > now) break
      since = last.time + step
    }
    return out
  })

export const startLiveMarket = (
  config: LiveMarketConfig,
): Effect.Effect<TopSymbolsHandle, never, Scope.Scope | StreamSupervisor> =>
  Effect.gen(function* () {
    const supervisor = yield* StreamSupervisor
    const { adapter } = config

    const addSymbol = (symbol: string) =>
      Effect.gen(function* () {
        const series = new Map<Timeframe, CandleSeries>()
        for (const tf of config.timeframes) {
          const depth = config.depth[tf] ?? 200
          const s = new CandleSeries(TIMEFRAME_MS[tf], depth)
          const now = yield* Clock.currentTimeMillis
          const history = yield* fetchCandleHistory(adapter, symbol, tf, depth, now, config.maxCandlesPerRequest).pipe(
            Effect.catch((e) =>
              Effect.as(
                Effect.logWarning(`backfill ${symbol} ${tf} failed (${e.reason._tag}); the stream fills in`),
                [] as Array<Candle>,
              ),
            ),
          )
          const seeded = s.seed(history, now)
          if (seeded.closed.length > 0) yield* config.onClosedCandles(symbol, tf, seeded.closed, "backfill")
          series.set(tf, s)
        }
        const { specs } = symbolStreams(adapter, symbol, {
          timeframes: config.timeframes,
          depth: config.depth,
          series: (tf) => series.get(tf),
          bookLevels: config.bookLevels,
          onClosedCandles: config.onClosedCandles,
          ...(config.onOrderBook ? { onOrderBook: config.onOrderBook } : {}),
          ...(config.onTrades ? { onTrades: config.onTrades } : {}),
          ...(config.onCandleStats ? { onCandleStats: config.onCandleStats } : {}),
        })
        for (const spec of specs) yield* supervisor.start(spec)
      })

    return yield* makeTopSymbols({
      adapter,
      options: config.symbols,
      onChange: (change) =>
        Effect.gen(function* () {
          for (const symbol of change.removed) yield* supervisor.stopSymbol(symbol)
          yield* Effect.forEach(change.added, addSymbol, { concurrency: 4, discard: true })
          if (config.onSymbolsChanged) yield* config.onSymbolsChanged(change)
        }),
    })
  })
