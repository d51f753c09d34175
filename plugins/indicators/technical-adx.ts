/**
 * technical-adx — ADX(14) with ±DI: direction from the DIs, conviction from ADX.
 *
 * Score rule: di = (+DI − −DI) / (+DI + −DI) ∈ [-1, 1];  strength = min(ADX / 25, 2);
 *   score = 50 + 50·tanh(2 · di · strength)
 *   ADX 25 (the usual "trending" line) with +DI twice −DI (di = 1/3) → 78; the same DIs under
 *   ADX 12 (no trend) → 66. Both DIs 0 (flat market): 50, "flat market".
 * Fewer than 2·period+1 candles: unavailable. ADX and ±DI are declared inputs (TA-Lib, whole
 * history; the host computes the three in one kernel pass).
 */
import { defineIndicator, input, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ period: number; trendLevel: number }>({
  apiVersion: 2,
  kind: "indicator",
  name: "technical-adx",
  component: "technical",
  weight: 0.15,
  lookback: 29,
  description: "±DI direction scaled by ADX trend strength",
  params: {
    period: { type: "number", default: 14, description: "ADX / DI period", min: 2, max: 100 },
    trendLevel: { type: "number", default: 25, description: "ADX at which direction counts fully", min: 5, max: 60 },
  },
  inputs: (p) => ({
    adx: input.adx({ period: p.period }),
    plusDi: input.plusDi({ period: p.period }),
    minusDi: input.minusDi({ period: p.period }),
  }),
  compute(ctx) {
    const { period, trendLevel } = ctx.params
    const short = s.needCandles(ctx.candles, 2 * period + 1)
    if (short) return short
    const { adx, plusDi: plus, minusDi: minus } = ctx.inputs
    if (!(plus + minus > 0)) return s.scored(50, { adx: 0, plusDi: 0, minusDi: 0 }, "flat market")
    const di = (plus - minus) / (plus + minus)
    const strength = Math.min(adx / trendLevel, 2)
    return s.scored(s.squash(2 * di * strength, 1), { adx, plusDi: plus, minusDi: minus, di })
  },
})
