/**
 * technical-williams-r — Williams %R(14): where the close sits in the last 14 candles' range.
 *
 * Score rule: score = %R + 100 (linear): a close at the range high → 100, at the low → 0,
 *   mid-range → 50. Read as momentum (closing near the highs), not as overbought/oversold.
 * %R is a declared input (TA-Lib WILLR). Flat window (high = low): 50, "flat market".
 * Fewer than period candles: unavailable.
 */
import { defineIndicator, input, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ period: number }>({
  apiVersion: 2,
  kind: "indicator",
  name: "technical-williams-r",
  component: "technical",
  weight: 0.15,
  lookback: 14,
  description: "Williams %R + 100: close position in the recent range",
  params: {
    period: { type: "number", default: 14, description: "range length (candles)", min: 2, max: 400 },
  },
  inputs: (p) => ({ willr: input.willr({ period: p.period }) }),
  compute(ctx) {
    const { period } = ctx.params
    const short = s.needCandles(ctx.candles, period)
    if (short) return short
    const c = ctx.candles
    const n = c.close.length
    const willr = ctx.inputs.willr
    // TA-Lib gives 0 both at the range high and for a flat range: tell them apart only then.
    if (willr === 0 && s.isFlat(c, n - period, n)) return s.scored(50, { willr: -50 }, "flat market")
    return s.scored(willr + 100, { willr })
  },
})
