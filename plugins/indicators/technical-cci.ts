/**
 * technical-cci — Commodity Channel Index(20) read as momentum.
 *
 * Score rule: score = 50 + 50·tanh(CCI / 120)
 *   (CCI +100 → 84, +200 → 96, −100 → 16). The typical price's distance from its 20-candle mean
 *   in units of 0.015 × mean deviation; above zero price trades above its recent mean.
 * CCI is a declared input (TA-Lib). Flat window (mean deviation 0): 50, "flat market".
 * Fewer than period candles: unavailable.
 */
import { defineIndicator, input, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ period: number; scale: number }>({
  apiVersion: 2,
  kind: "indicator",
  name: "technical-cci",
  component: "technical",
  weight: 0.15,
  lookback: 20,
  description: "CCI momentum: 50 + 50·tanh(CCI / 120)",
  params: {
    period: { type: "number", default: 20, description: "CCI period (candles)", min: 2, max: 400 },
    scale: { type: "number", default: 120, description: "CCI that maps to ≈88 / 12", min: 10, max: 1000 },
  },
  inputs: (p) => ({ cci: input.cci({ period: p.period }) }),
  compute(ctx) {
    const { period, scale } = ctx.params
    const short = s.needCandles(ctx.candles, period)
    if (short) return short
    const c = ctx.candles
    const from = c.close.length - period
    if (s.isFlat(c, from)) return s.scored(50, { cci: 0 }, "flat market")
    const cci = ctx.inputs.cci
    return s.scored(s.squash(cci, scale), { cci })
  },
})
