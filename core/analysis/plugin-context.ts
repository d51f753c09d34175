/**
 * @module The plugin context of one series: what an indicator's `compute` is handed.
 *
 * A literal of one shape per book/tape presence, so every context of the same presence shares one
 * hidden class. Candles are only appended by Analysis, so the series' stamp is `candlesVersion`.
 * The tape goes in as its columns (`tape`); `trades` makes its objects when first read.
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
  const tape = inputs.tape
  if (tape.length === 0)
    return orderbook === undefined
      ? { symbol, timeframe, candles, ta, market, candlesVersion }
      : { symbol, timeframe, candles, ta, market, orderbook, candlesVersion }
  // The trade objects are made only if a plugin reads them (the built-ins read the tape's columns).
  return orderbook === undefined
    ? {
        symbol,
        timeframe,
        candles,
        ta,
        market,
        tape,
        get trades() {
          return tape.trades()
        },
        candlesVersion,
      }
    : {
        symbol,
        timeframe,
        candles,
        ta,
        market,
        orderbook,
        tape,
        get trades() {
          return tape.trades()
        },
        candlesVersion,
      }
}
