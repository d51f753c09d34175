/**
 * price-structure-breaks — market structure from breaks of swing levels (BOS / CHoCH).
 *
 * A close above the last confirmed swing high (fractal width 2) is a break up: a change of
 * character (CHoCH) when the structure was down, a break of structure (BOS) when it was up.
 * Score rule: score = 50 + dir · base · (0.5 + 0.5·exp(−age / 10)),
 *   base = 40 for a BOS (continuation), 30 for a CHoCH (a fresh, less proven reversal);
 *   halved when the close is back beyond the broken level (the break is failing).
 *   A fresh BOS up → 90, an old one → 70; a fresh CHoCH down → 20.
 * No break in the window: 50, "no structure break". Fewer than 20 candles: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ window: number; width: number; halfLife: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "price-structure-breaks",
  component: "price_structure",
  weight: 0.15,
  lookback: 20,
  description: "latest BOS / CHoCH, direction and age",
  params: {
    window: { type: "number", default: 100, description: "candles replayed", min: 20, max: 5000 },
    width: { type: "number", default: 2, description: "fractal half-width of a swing", min: 1, max: 20 },
    halfLife: {
      type: "number",
      default: 10,
      description: "candles over which a break's weight decays toward half",
      min: 1,
      max: 500,
    },
  },
  compute(ctx) {
    const { window, width, halfLife } = ctx.params
    const short = s.needCandles(ctx.candles, 20)
    if (short) return short
    const c = ctx.candles
    const n = c.close.length
    const st = s.structureBreaks(c.high, c.low, c.close, width, Math.max(0, n - window), n)
    if (st.trend === 0) return s.scored(50, { trend: 0 }, "no structure break")
    const base = st.event === "bos" ? 40 : 30
    const failing = (st.trend > 0 && c.close[n - 1] < st.level) || (st.trend < 0 && c.close[n - 1] > st.level)
    const weight = (0.5 + 0.5 * Math.exp(-st.age / halfLife)) * (failing ? 0.5 : 1)
    return s.scored(50 + st.trend * base * weight, {
      trend: st.trend,
      choch: st.event === "choch" ? 1 : 0,
      age: st.age,
      level: st.level,
      failing: failing ? 1 : 0,
    })
  },
})
