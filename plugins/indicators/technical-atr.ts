/**
 * technical-atr — ATR(14)-normalised displacement: how far price travelled over the last
 * `period` candles, measured in average true ranges.
 *
 * Score rule: d = (close − close₋period) / ATR;  score = 50 + 50·tanh(d / 3)
 *   A random walk moves ≈√period·σ in `period` candles (≈2–3 ATR for 14), so |d| ≈ 3 is an
 *   ordinary strong move (→ 88 / 12) and |d| ≥ 6 a trend (→ ≥ 98 / ≤ 2).
 * ATR is a declared input (TA-Lib, whole history). Flat market (ATR 0): 50, "flat market".
 * Fewer than period+1 candles: unavailable.
 */
import { defineIndicator, input, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ period: number; scale: number }>({
  apiVersion: 2,
  kind: "indicator",
  name: "technical-atr",
  component: "technical",
  weight: 0.15,
  lookback: 15,
  description: "displacement over `period` candles in ATR units",
  params: {
    period: { type: "number", default: 14, description: "ATR period and displacement span", min: 2, max: 200 },
    scale: { type: "number", default: 3, description: "ATRs of displacement that map to ≈88 / 12", min: 0.1, max: 50 },
  },
  inputs: (p) => ({ atr: input.atr({ period: p.period }) }),
  compute(ctx) {
    const { period, scale } = ctx.params
    const short = s.needCandles(ctx.candles, period + 1)
    if (short) return short
    const c = ctx.candles
    const atr = ctx.inputs.atr
    const move = s.last(c.close) - s.back(c.close, period)
    if (!(atr > 0)) return s.scored(50, { atr: 0, move }, "flat market")
    const d = move / atr
    return s.scored(s.squash(d, scale), { atr, move, atrMoves: d })
  },
})
