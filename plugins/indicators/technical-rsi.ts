/**
 * technical-rsi — Wilder's RSI(14) read as momentum.
 *
 * Score rule: score = 50 + 50·tanh((RSI − 50) / scale), scale 15
 *   (RSI 60 → 79, 70 → 93, 40 → 21, 30 → 7): above 50 the up-closes have been outweighing the
 *   down-closes. RSI is computed over the last `window` candles; Wilder smoothing forgets its
 *   seed geometrically ((13/14)^136 ≈ 4e-5 after 150 candles).
 * Flat window (no price change at all): 50, "flat market". Fewer than period+1 candles: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ period: number; window: number; scale: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "technical-rsi",
  component: "technical",
  weight: 0.2,
  lookback: 15,
  description: "RSI momentum: 50 + 50·tanh((RSI − 50) / 15)",
  params: {
    period: { type: "number", default: 14, description: "RSI period (candles)", min: 2, max: 200 },
    window: { type: "number", default: 150, description: "candles fed to the RSI (warm-up included)", min: 15, max: 2000 },
    scale: { type: "number", default: 15, description: "RSI points from 50 that map to ≈88 / 12", min: 1, max: 50 },
  },
  compute(ctx) {
    const { period, window, scale } = ctx.params
    const short = s.needCandles(ctx.candles, period + 1)
    if (short) return short
    const close = ctx.candles.close
    const n = close.length
    const from = Math.max(0, n - Math.max(window, period + 1))
    const rsi = s.rsiLast(close, period, from, n)
    // A window with any move has RSI > 0, so the flat scan runs only when it could be flat.
    if (!(rsi > 0) && s.highest(close, from, n) === s.lowest(close, from, n)) return s.scored(50, { rsi: 50 }, "flat market")
    return s.scored(s.squash(rsi - 50, scale), { rsi })
  },
})
