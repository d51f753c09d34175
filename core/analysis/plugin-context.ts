/**
 * @module The plugin context of one series: what an indicator's `compute` is handed.
 *
 * A literal of one shape per book/tape presence, so every context of the same presence shares one
 * hidden class. Candles are only appended by Analysis, so the series' stamp is `candlesVersion`.
 * `market` is the symbol's market data unless a pending score reads data held from before.
 */
import type { ResidentCandles } from "../market/index.ts"
import type { Timeframe } from "../market-schema/index.ts"
import type { BaseContext } from "../plugins/index.ts"
import * as ta from "../ta/index.ts"
import type { SymbolInputs } from "./market-state.ts"

export const contextOf = (
  resident: ResidentCandles["Service"],
  inputs: SymbolInputs,
  timeframe: Timeframe,
  market = inputs.market,
): BaseContext => {
  const series = inputs.series.get(timeframe)!
  const candles = resident.columns(series.id)
  const candlesVersion = series.version
  const { symbol, orderbook } = inputs
  const trades = inputs.trades.length > 0 ? inputs.trades : undefined
  if (orderbook === undefined)
    return trades === undefined
      ? { symbol, timeframe, candles, ta, market, candlesVersion }
      : { symbol, timeframe, candles, ta, market, trades, candlesVersion }
  return trades === undefined
    ? { symbol, timeframe, candles, ta, market, orderbook, candlesVersion }
    : { symbol, timeframe, candles, ta, market, orderbook, trades, candlesVersion }
}
