/**
 * sentiment-long-short — long/short account ratio read as crowding (contrarian).
 *
 * Score rule: score = 50 − 50·tanh(ln(ratio / 1) / 0.7)
 *   Balanced (1.0) → 50; 1.5 longs per short → 23; 0.67 → 77. The crowd on one side is the
 *   fuel for a squeeze the other way.
 * The exchange reports no long/short ratio: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ baseline: number; scale: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "sentiment-long-short",
  component: "sentiment",
  weight: 0.15,
  lookback: 0,
  scope: "symbol",
  needs: ["longShortRatio"],
  description: "long/short ratio vs 1, contrarian",
  params: {
    baseline: { type: "number", default: 1, description: "neutral long/short ratio", min: 0.01, max: 100 },
    scale: { type: "number", default: 0.7, description: "log ratio that maps to ≈12 / 88", min: 0.01, max: 10 },
  },
  compute(ctx) {
    const { baseline, scale } = ctx.params
    const ratio = ctx.market.longShortRatio
    if (ratio === undefined) return s.unavailable("exchange provides no long/short ratio")
    if (!(ratio > 0) || !Number.isFinite(ratio)) return s.unavailable("long/short ratio not positive")
    return s.scored(100 - s.squash(Math.log(ratio / baseline), scale), { longShortRatio: ratio })
  },
})
