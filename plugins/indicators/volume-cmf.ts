/**
 * volume-cmf — Chaikin money flow(20): Σ close-location × volume / Σ volume.
 *
 * Score rule: score = 50 + 50·tanh(CMF / 0.25)   (CMF 0.1 → 69, 0.25 → 88, −0.25 → 12).
 *   Close location ((c−l)−(h−c))/(h−l) is +1 at the candle high, −1 at the low, 0 for a
 *   candle with no range. Computed as the 20-candle change of the A/D line over the volume.
 * No volume in the window: unavailable ("no volume"). Fewer than period+1 candles: unavailable.
 */
import { defineIndicator, input, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ period: number; scale: number }>({
  apiVersion: 2,
  kind: "indicator",
  name: "volume-cmf",
  component: "volume",
  weight: 0.15,
  lookback: 21,
  description: "Chaikin money flow: 50 + 50·tanh(CMF / 0.25)",
  params: {
    period: { type: "number", default: 20, description: "CMF period (candles)", min: 2, max: 1000 },
    scale: { type: "number", default: 0.25, description: "CMF that maps to ≈88 / 12", min: 0.01, max: 1 },
  },
  inputs: (p) => ({ ad: input.ad({}, { history: p.period + 1 }) }),
  compute(ctx) {
    const { period, scale } = ctx.params
    const short = s.needCandles(ctx.candles, period + 1)
    if (short) return short
    const c = ctx.candles
    const n = c.close.length
    const volume = s.sum(c.volume, n - period, n)
    if (!(volume > 0)) return s.unavailable("no volume")
    // The A/D line (a declared input, TA-Lib AD) changed by the money flow of the last `period`.
    const ad = ctx.history.ad
    const cmf = (ad[period] - ad[0]) / volume
    return s.scored(s.squash(cmf, scale), { cmf })
  },
})
