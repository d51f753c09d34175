/**
 * @module Market data shapes shared by exchange plugins, the MarketData service and indicators.
 * Times are milliseconds since the Unix epoch (UTC). Prices and sizes are plain numbers.
 */

/** One OHLCV candle; `time` is the candle's open time. */
export interface Candle {
  readonly time: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number
}

/** Candles as columns: closed candles only, oldest first, all the same length (zero-copy views when resident). */
export interface CandleColumns {
  readonly time: Float64Array
  readonly open: Float64Array
  readonly high: Float64Array
  readonly low: Float64Array
  readonly close: Float64Array
  readonly volume: Float64Array
}

/** Price levels, best first: `[price, amount]`. */
export type BookLevel = readonly [price: number, amount: number]
export interface OrderBook {
  readonly symbol: string
  readonly time: number
  readonly bids: ReadonlyArray<BookLevel>
  readonly asks: ReadonlyArray<BookLevel>
}

export interface Trade {
  readonly id: string
  readonly time: number
  readonly price: number
  readonly amount: number
  /** Aggressor side: "buy" = taker bought (lifted the ask). */
  readonly side: "buy" | "sell"
}

export interface Ticker {
  readonly symbol: string
  readonly time: number
  readonly last: number
  readonly bid?: number
  readonly ask?: number
  /** 24h turnover in the quote currency. */
  readonly quoteVolume?: number
  readonly percentage?: number
}

export interface FundingRate {
  readonly symbol: string
  readonly time: number
  readonly rate: number
}

export interface OpenInterest {
  readonly symbol: string
  readonly time: number
  /** Open interest in base units (contracts converted where the exchange says how). */
  readonly amount: number
  readonly value?: number
}

export interface Liquidation {
  readonly time: number
  /** The side of the position that was liquidated. */
  readonly side: "long" | "short"
  readonly amount: number
  readonly price: number
}
