/**
 * volume-delta — candle volume delta: volume of up candles minus volume of down candles.
 *
 * Score rule: r = Σ sign(close − open)·volume / Σ volume over the last 20 candles ∈ [-1, 1];
 *   score = 50 + 50·tanh(r / 0.5)   (r = 0.25 → 73, 0.5 → 88).
 *   The bar-direction approximation of taker delta, available on every exchange; the tape-based
 *   delta lives in the orderflow component (orderflow-cvd).
 * No volume in the window: unavailable ("no volume"). Fewer than `period` candles: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ period: number; scale: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "volume-delta",
  component: "volume",
  weight: 0.2,
  lookback: 20,
  description: "share of volume on up candles minus down candles",
  params: {
    period: { type: "number", default: 20, description: "candles summed", min: 2, max: 1000 },
    scale: { type: "number", default: 0.5, description: "delta share that maps to ≈88 / 12", min: 0.05, max: 1 },
  },
  compute(ctx) {
    const { period, scale } = ctx.params
    const short = s.needCandles(ctx.candles, period)
    if (short) return short
    const c = ctx.candles
    let delta = 0
    let total = 0
    for (let i = c.close.length - period; i < c.close.length; i++) {
      total += c.volume[i]
      delta += Math.sign(c.close[i] - c.open[i]) * c.volume[i]
    }
    if (!(total > 0)) return s.unavailable("no volume")
    const r = delta / total
    return s.scored(s.squash(r, scale), { delta, volume: total, deltaShare: r })
  },
})
