/**
 * @module What MarketData keeps per symbol: a cursor per series (which closed candles were
 * already published) and what it needs to publish only news (recent trade ids, the newest
 * liquidation, when derivatives were last refreshed). The data itself lives in the events.
 */
import type { Timeframe, Trade } from "../market-schema/index.ts"
import type { SeriesCursor } from "./series-tracker.ts"

/** Trade ids remembered per symbol to drop repeats between overlapping fetches. */
export const TRADE_ID_MEMORY = 1000

export interface SymbolState {
  readonly symbol: string
  readonly cursors: Map<Timeframe, SeriesCursor>
  /** Ids of recent trades, oldest first (bounded by TRADE_ID_MEMORY). */
  readonly tradeIds: Array<string>
  readonly seenTrades: Set<string>
  lastTradeTime?: number
  lastLiquidationTime?: number
  derivativesAt: number
  /** Backfilled: served in `symbols` and polled or streamed. */
  live: boolean
  /** Left the tracked set: nothing is published for it any more. */
  removed: boolean
}

export const newSymbolState = (symbol: string, cursors: Map<Timeframe, SeriesCursor>, live: boolean): SymbolState => ({
  symbol,
  cursors,
  tradeIds: [],
  seenTrades: new Set(),
  derivativesAt: -Infinity,
  live,
  removed: false,
})

/** The trades not seen before (by id), oldest first; remembers their ids. */
export const freshTrades = (state: SymbolState, trades: ReadonlyArray<Trade>): ReadonlyArray<Trade> => {
  const fresh: Array<Trade> = []
  for (const trade of trades) {
    if (state.seenTrades.has(trade.id)) continue
    state.seenTrades.add(trade.id)
    state.tradeIds.push(trade.id)
    fresh.push(trade)
    if (state.lastTradeTime === undefined || trade.time > state.lastTradeTime) state.lastTradeTime = trade.time
  }
  if (state.tradeIds.length > TRADE_ID_MEMORY) {
    for (const old of state.tradeIds.splice(0, state.tradeIds.length - TRADE_ID_MEMORY)) state.seenTrades.delete(old)
  }
  return fresh
}
