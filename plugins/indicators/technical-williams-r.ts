/**
 * technical-williams-r — Williams %R(14): where the close sits in the last 14 candles' range.
 *
 * Score rule: score = %R + 100 (linear): a close at the range high → 100, at the low → 0,
 *   mid-range → 50. Read as momentum (closing near the highs), not as overbought/oversold.
 * Flat window (high = low): 50, "flat market". Fewer than period candles: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ period: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "technical-williams-r",
  component: "technical",
  weight: 0.15,
  lookback: 14,
  description: "Williams %R + 100: close position in the recent range",
  params: {
    period: { type: "number", default: 14, description: "range length (candles)", min: 2, max: 400 },
  },
  compute(ctx) {
    const { period } = ctx.params
    const short = s.needCandles(ctx.candles, period)
    if (short) return short
    const c = ctx.candles
    const n = c.close.length
    const hi = s.highest(c.high, n - period, n)
    const lo = s.lowest(c.low, n - period, n)
    if (!(hi > lo)) return s.scored(50, { willr: -50 }, "flat market")
    const willr = (-100 * (hi - c.close[n - 1])) / (hi - lo)
    return s.scored(willr + 100, { willr })
  },
})
