/**
 * @module What MarketData keeps per symbol: a cursor per series (which closed candles were
 * already published) and what it needs to publish only news (recent trade ids, the newest
 * liquidation, when derivatives were last refreshed). The data itself lives in the events.
 */
import type { Timeframe, Trade } from "../market-schema/index.ts"
import type { SeriesCursor } from "./series-tracker.ts"

/**
 * Repeats come from overlapping fetches (a REST poll from the newest trade's time, a stream's
 * cached trades), so ids are remembered only for trades this close to the newest one seen; an
 * older trade arriving now counts as already seen. At most TRADE_ID_MEMORY ids per symbol.
 * (A set of a thousand ids per symbol, kept whatever their age, was ≈ 75 KB of each symbol's heap.)
 */
export const TRADE_DEDUP_MS = 60_000
const TRADE_ID_MEMORY = 1000

export interface SymbolState {
  readonly symbol: string
  readonly cursors: Map<Timeframe, SeriesCursor>
  /** Ids and times of the trades within TRADE_DEDUP_MS of the newest, in arrival order. */
  readonly tradeIds: Array<string>
  readonly tradeTimes: Array<number>
  readonly seenTrades: Set<string>
  /** Time of the newest trade seen. */
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
  tradeTimes: [],
  seenTrades: new Set(),
  derivativesAt: -Infinity,
  live,
  removed: false,
})

/** The trades not seen before (by id, or older than the remembered window), oldest first; remembers their ids. */
export const freshTrades = (state: SymbolState, trades: ReadonlyArray<Trade>): ReadonlyArray<Trade> => {
  const fresh: Array<Trade> = []
  const { tradeIds, tradeTimes, seenTrades } = state
  for (const trade of trades) {
    const last = state.lastTradeTime
    if (last !== undefined && trade.time < last - TRADE_DEDUP_MS) continue
    if (seenTrades.has(trade.id)) continue
    seenTrades.add(trade.id)
    tradeIds.push(trade.id)
    tradeTimes.push(trade.time)
    fresh.push(trade)
    if (last === undefined || trade.time > last) state.lastTradeTime = trade.time
  }
  // Forget from the oldest arrival on: ids out of the window, and any beyond the cap.
  const cutoff = (state.lastTradeTime ?? 0) - TRADE_DEDUP_MS
  let drop = Math.max(0, tradeIds.length - TRADE_ID_MEMORY)
  while (drop < tradeIds.length && tradeTimes[drop]! < cutoff) drop++
  if (drop > 0) {
    for (let i = 0; i < drop; i++) seenTrades.delete(tradeIds[i]!)
    tradeIds.splice(0, drop)
    tradeTimes.splice(0, drop)
  }
  return fresh
}
