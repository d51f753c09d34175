/**
 * volume-obv — on-balance-volume trend: least-squares slope of OBV over the last 20 candles,
 * in units of the mean candle volume.
 *
 * Score rule: x = slope(OBV) / mean volume ∈ ≈[-1, 1] (1 = every candle closed up);
 *   score = 50 + 50·tanh(x / 0.4)   (x 0.2 → 73, 0.4 → 88).
 * No volume in the window: unavailable ("no volume"). Fewer than period candles: unavailable.
 */
import { defineIndicator, input, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ period: number; scale: number }>({
  apiVersion: 2,
  kind: "indicator",
  name: "volume-obv",
  component: "volume",
  weight: 0.15,
  lookback: 20,
  description: "OBV slope in mean-volume units",
  params: {
    period: { type: "number", default: 20, description: "slope window (candles)", min: 3, max: 1000 },
    scale: {
      type: "number",
      default: 0.4,
      description: "slope (mean volumes per candle) that maps to ≈88 / 12",
      min: 0.01,
      max: 5,
    },
  },
  inputs: (p) => ({ obv: input.obv({}, { history: p.period }) }),
  compute(ctx) {
    const { period, scale } = ctx.params
    const short = s.needCandles(ctx.candles, period)
    if (short) return short
    const c = ctx.candles
    const n = c.close.length
    const meanVolume = s.mean(c.volume, n - period, n)
    if (!(meanVolume > 0)) return s.unavailable("no volume")
    // OBV (a declared input with `period` values of history) is TA-Lib's over the whole series;
    // its slope does not depend on where the line was anchored.
    const x = s.slope(ctx.history.obv) / meanVolume
    return s.scored(s.squash(x, scale), { obv: ctx.inputs.obv, obvSlope: x })
  },
})
