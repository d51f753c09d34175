/**
 * @module The contract every exchange plugin's `create(config)` returns.
 *
 * Methods return Promises (plugins are plain modules, not Effect code); the MarketData service
 * wraps every call with timeouts, retries and circuit breakers. A method an exchange cannot serve
 * is absent, and `has` says so, so callers never fabricate a value for missing data.
 */
import type {
  Candle,
  FundingRate,
  Liquidation,
  OpenInterest,
  OrderBook,
  Ticker,
  Timeframe,
  Trade,
} from "../market-schema/index.ts"

interface ExchangeCapabilities {
  readonly fetchFundingRate: boolean
  readonly fetchOpenInterest: boolean
  readonly fetchLongShortRatio: boolean
  readonly fetchLiquidations: boolean
  readonly watchOHLCV: boolean
  readonly watchOrderBook: boolean
  readonly watchTrades: boolean
  /** A public liquidation stream for the symbol's perpetual (absent = false). */
  readonly watchLiquidations?: boolean
}

export interface ExchangeAdapter {
  /** Exchange id, e.g. "sim", "binance". */
  readonly id: string
  readonly has: ExchangeCapabilities
  /** Symbols the exchange lists, unified form "BASE/QUOTE". */
  loadSymbols(): Promise<ReadonlyArray<string>>
  /** Candles ordered oldest first; the last one may still be open (its period has not ended). */
  fetchOHLCV(symbol: string, timeframe: Timeframe, since?: number, limit?: number): Promise<ReadonlyArray<Candle>>
  fetchOrderBook(symbol: string, limit?: number): Promise<OrderBook>
  fetchTrades(symbol: string, since?: number, limit?: number): Promise<ReadonlyArray<Trade>>
  fetchTicker(symbol: string): Promise<Ticker>
  fetchTickers(symbols?: ReadonlyArray<string>): Promise<ReadonlyArray<Ticker>>
  /** The exchange's clock (ms), from its time endpoint: candles close by this clock, not ours. */
  fetchTime?(): Promise<number>
  fetchFundingRate?(symbol: string): Promise<FundingRate>
  fetchOpenInterest?(symbol: string): Promise<OpenInterest>
  fetchLongShortRatio?(symbol: string): Promise<{ readonly time: number; readonly ratio: number }>
  fetchLiquidations?(symbol: string, since?: number): Promise<ReadonlyArray<Liquidation>>
  /** Streams resolve with the next update (ccxt.pro semantics): call again for the next one. */
  watchOHLCV?(symbol: string, timeframe: Timeframe): Promise<ReadonlyArray<Candle>>
  watchOrderBook?(symbol: string, limit?: number): Promise<OrderBook>
  watchTrades?(symbol: string): Promise<ReadonlyArray<Trade>>
  /** Liquidations of the symbol's perpetual as they happen (the ones new since the last call). */
  watchLiquidations?(symbol: string): Promise<ReadonlyArray<Liquidation>>
  unWatch?(symbol: string): Promise<void>
  /** Unsubscribe one stream only; the next `watch*` of it subscribes again (staleness recovery). */
  unWatchStream?(
    symbol: string,
    stream: "ohlcv" | "orderbook" | "trades" | "liquidations",
    timeframe?: Timeframe,
  ): Promise<void>
  /** Drop every websocket connection: pending `watch*` calls reject, the next ones reconnect. */
  reconnect?(): Promise<void>
  /**
   * Weight of one call of `operation` in the exchange's rate-limit units (Binance: `ticker/24hr`
   * for every symbol weighs 40× one symbol's). The host's rate budget charges it. Default 1.
   */
  requestCost?(operation: string, args?: { readonly limit?: number; readonly allSymbols?: boolean }): number
  /** The budget the exchange's limit allows, in `requestCost` units: the host's default budget. */
  readonly rateBudget?: { readonly capacity: number; readonly perSecond: number }
  /** Plugin-side counters (e.g. malformed websocket frames dropped), for metrics and health. */
  stats?(): Readonly<Record<string, number>>
  close(): Promise<void>
}
