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
    const c = s.tail(ctx.candles, period)
    if (s.isFlat(c)) return s.scored(50, { willr: -50 }, "flat market")
    const willr = s.last(ctx.ta.willr(c.high, c.low, c.close, { period }))
    return s.scored(willr + 100, { willr })
  },
})
