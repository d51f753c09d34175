/**
 * price-fvg — unfilled fair value gaps (three-candle imbalances) in the last 100 candles.
 *
 * A bullish gap: low[i] > high[i−2], filled once a later low reaches high[i−2]; bearish mirrored.
 * Score rule: x = Σ over unfilled gaps dir · min(size / ATR14, 2) · exp(−age / 20);
 *   score = 50 + 50·tanh(x)
 *   Recent, large, still-open bullish gaps are unfinished buying below price; bearish ones the
 *   opposite. No unfilled gap: 50, "no unfilled gaps" (a reading, not missing data).
 * ATR14 is a declared input (TA-Lib, whole history). Flat market (ATR 0): unavailable.
 * Fewer than 20 candles: unavailable.
 */
import { defineIndicator, input, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ window: number; halfLife: number }>({
  apiVersion: 2,
  kind: "indicator",
  name: "price-fvg",
  component: "price_structure",
  weight: 0.1,
  lookback: 20,
  description: "recency- and size-weighted balance of unfilled fair value gaps",
  params: {
    window: { type: "number", default: 100, description: "candles searched", min: 10, max: 5000 },
    halfLife: { type: "number", default: 20, description: "age (candles) scale of a gap's weight", min: 1, max: 1000 },
  },
  inputs: { atr: input.atr({ period: 14 }) },
  compute(ctx) {
    const { window, halfLife } = ctx.params
    const w = s.atrWindow(ctx.candles, ctx.inputs.atr, { window, flat: "flat market: no gaps" })
    if ("score" in w) return w
    const c = ctx.candles
    const { from, to: n, atr } = w
    let x = 0
    let bull = 0
    let bear = 0
    for (const g of s.fairValueGaps(c.high, c.low, from, n)) {
      x += g.dir * Math.min(g.size / atr, 2) * Math.exp(-(n - 1 - g.index) / halfLife)
      if (g.dir > 0) bull++
      else bear++
    }
    const values = { gapBalance: x, bullishGaps: bull, bearishGaps: bear }
    if (bull + bear === 0) return s.scored(50, values, "no unfilled gaps")
    return s.scored(s.squash(x, 1), values)
  },
})
