/**
 * sentiment-funding — perpetual funding rate read as crowding (contrarian).
 *
 * Score rule: score = 50 − 50·tanh((rate − 0.01 %) / 0.05 %)
 *   0.01 % per interval is the usual baseline (50). Longs paying well above it means a crowded
 *   long side that squeezes easily (0.06 % → 12); shorts paying (negative funding) the reverse
 *   (−0.04 % → 88).
 * The exchange reports no funding rate (spot markets, exchanges without perps): unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ baseline: number; scale: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "sentiment-funding",
  component: "sentiment",
  weight: 0.2,
  lookback: 0,
  scope: "symbol",
  needs: ["fundingRate"],
  description: "funding rate vs its 0.01% baseline, contrarian",
  params: {
    baseline: {
      type: "number",
      default: 0.0001,
      description: "neutral funding rate per interval (fraction)",
      min: -0.01,
      max: 0.01,
    },
    scale: {
      type: "number",
      default: 0.0005,
      description: "excess rate that maps to ≈12 / 88",
      min: 0.000001,
      max: 0.1,
    },
  },
  compute(ctx) {
    const { baseline, scale } = ctx.params
    const funding = ctx.market.fundingRate
    if (funding === undefined) return s.unavailable("exchange provides no funding rate")
    const rate = funding.rate
    if (!Number.isFinite(rate)) return s.unavailable("funding rate not finite")
    return s.scored(100 - s.squash(rate - baseline, scale), { fundingRate: rate })
  },
})
