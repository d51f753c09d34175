/**
 * price-range — the close against the prior 50-candle range (the newest candle excluded, so a
 * breakout reads above 1).
 *
 * Score rule: pos = (close − prior low) / (prior high − prior low);
 *   score = 50 + 50·tanh(2·(pos − 0.5) / 0.8)
 *   Top quarter of the range → ≥ 78, a close above the range (pos > 1) → ≥ 92, below → ≤ 8.
 * Flat prior range: pos 1.5 / −0.5 when the close left it, 50 "flat market" when it did not.
 * Fewer than 11 candles: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ window: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "price-range",
  component: "price_structure",
  weight: 0.1,
  lookback: 11,
  description: "close position in (or beyond) the prior range",
  params: {
    window: { type: "number", default: 50, description: "prior candles forming the range", min: 10, max: 5000 },
  },
  compute(ctx) {
    const { window } = ctx.params
    const short = s.needCandles(ctx.candles, 11)
    if (short) return short
    const c = ctx.candles
    const n = c.close.length
    const from = Math.max(0, n - window - 1)
    const hi = s.highest(c.high, from, n - 1)
    const lo = s.lowest(c.low, from, n - 1)
    const close = c.close[n - 1]
    if (!(hi > lo)) {
      if (close === hi) return s.scored(50, { rangeHigh: hi, rangeLow: lo }, "flat market")
      const pos = close > hi ? 1.5 : -0.5
      return s.scored(s.squash(2 * (pos - 0.5), 0.8), { rangeHigh: hi, rangeLow: lo, position: pos })
    }
    const pos = (close - lo) / (hi - lo)
    return s.scored(s.squash(2 * (pos - 0.5), 0.8), { rangeHigh: hi, rangeLow: lo, position: pos })
  },
})
