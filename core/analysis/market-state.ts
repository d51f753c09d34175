/**
 * @module The market picture Analysis keeps, built only from `market.*` events: resident candle
 * columns per series, the last published book, a window of recent trades and the derivatives
 * context per symbol. Every collection is bounded.
 */
import type { EventOf } from "../events/index.ts"
import type { ResidentCandles } from "../market/index.ts"
import { type Candle, type OrderBook, type Timeframe, tradeBatchOf } from "../market-schema/index.ts"
import { type MarketContext, TradeTape } from "../plugins/index.ts"
import { makePriceAtr, stepPriceAtr, type PriceAtr } from "./price-atr.ts"
import { pushTape, TAPE_LIMIT } from "./tape.ts"

/** A tape's first room: the limit, and a batch beyond it before the batch's trim. */
const TAPE_ROOM = 2 * TAPE_LIMIT

const OPEN_INTEREST_HISTORY = 288
const LIQUIDATION_HISTORY = 500

interface SeriesState {
  readonly id: number
  /** Open time of the newest candle held. */
  last: number
  /**
   * Stamped on every append, unique across the market state's series: the `candlesVersion` of
   * the series' plugin contexts (candles are only ever appended here).
   */
  version: number
  /** Newest close and ATR(14) over every candle appended (what a confluence event carries). */
  readonly priceAtr: PriceAtr
}

export interface SymbolInputs {
  readonly symbol: string
  readonly series: Map<Timeframe, SeriesState>
  orderbook?: OrderBook
  /** The recent trades, oldest first, as columns. */
  readonly tape: TradeTape
  market: MarketContext
}

export type MarketEvent = EventOf<
  | "market.candle.closed"
  | "market.candles"
  | "market.orderbook"
  | "market.trades"
  | "market.ticker"
  | "market.derivatives"
>

export const makeMarketState = (
  candles: ResidentCandles["Service"],
  depth: Readonly<Partial<Record<Timeframe, number>>>,
) => {
  const symbols = new Map<string, SymbolInputs>()
  let stamp = 0

  const inputsOf = (symbol: string): SymbolInputs => {
    let inputs = symbols.get(symbol)
    if (inputs === undefined)
      symbols.set(symbol, (inputs = { symbol, series: new Map(), tape: new TradeTape(TAPE_ROOM), market: {} }))
    return inputs
  }

  /** Appends the candles newer than the series holds; false when nothing was new (or the timeframe is not analysed). */
  const append = (symbol: string, timeframe: Timeframe, list: ReadonlyArray<Candle>): boolean => {
    const capacity = depth[timeframe]
    if (capacity === undefined) return false
    const inputs = inputsOf(symbol)
    let series = inputs.series.get(timeframe)
    if (series === undefined) {
      const id = candles.addSeries(`${symbol}|${timeframe}`, capacity)
      series = { id, last: -Infinity, version: 0, priceAtr: makePriceAtr() }
      inputs.series.set(timeframe, series)
    }
    let appended = false
    for (const candle of list) {
      if (candle.time <= series.last) continue
      candles.append(series.id, candle)
      stepPriceAtr(series.priceAtr, candle.high, candle.low, candle.close)
      series.last = candle.time
      series.version = ++stamp
      appended = true
    }
    return appended
  }

  /** Applies one market event; returns the series whose candles changed, if any. */
  const apply = (event: MarketEvent): Timeframe | undefined => {
    switch (event.type) {
      case "market.candle.closed": {
        const p = event.payload
        return append(p.symbol, p.timeframe, [p.candle]) ? p.timeframe : undefined
      }
      case "market.candles": {
        const p = event.payload
        return append(p.symbol, p.timeframe, p.candles) ? p.timeframe : undefined
      }
      case "market.orderbook": {
        const p = event.payload
        inputsOf(p.symbol).orderbook = { symbol: p.symbol, time: p.time, bids: p.bids, asks: p.asks }
        return undefined
      }
      case "market.trades": {
        // A stored batch goes onto the tape straight from its bytes: no trade object made.
        const p = event.payload
        pushTape(inputsOf(p.symbol).tape, tradeBatchOf(p) ?? p.trades)
        return undefined
      }
      case "market.ticker": {
        const p = event.payload
        const inputs = inputsOf(p.symbol)
        inputs.market = { ...inputs.market, ticker: p }
        return undefined
      }
      case "market.derivatives": {
        const p = event.payload
        const inputs = inputsOf(p.symbol)
        const m = inputs.market
        inputs.market = {
          ...m,
          ...(p.fundingRate === undefined ? {} : { fundingRate: p.fundingRate }),
          ...(p.openInterest === undefined
            ? {}
            : { openInterest: [...(m.openInterest ?? []), p.openInterest].slice(-OPEN_INTEREST_HISTORY) }),
          ...(p.longShortRatio === undefined ? {} : { longShortRatio: p.longShortRatio }),
          ...(p.liquidations === undefined
            ? {}
            : { liquidations: [...(m.liquidations ?? []), ...p.liquidations].slice(-LIQUIDATION_HISTORY) }),
        }
        return undefined
      }
    }
  }

  /** Frees everything held for a symbol (it left the tracked set). */
  const remove = (symbol: string): void => {
    const inputs = symbols.get(symbol)
    if (inputs === undefined) return
    for (const { id } of inputs.series.values()) candles.removeSeries(id)
    symbols.delete(symbol)
  }

  return { symbols, apply, remove }
}
