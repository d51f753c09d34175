/**
 * orderflow-cvd — cumulative volume delta of the tape: taker buys minus taker sells.
 *
 * Score rule: r = CVD / traded volume over the newest 1000 trades ∈ [-1, 1];
 *   score = 50 + 50·tanh(r / 0.3)   (r 0.15 → 73, 0.3 → 88).
 * No trades / fewer than 10: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ window: number; scale: number; minTrades: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderflow-cvd",
  component: "orderflow",
  weight: 0.22,
  lookback: 0,
  scope: "symbol",
  needs: ["trades"],
  description: "cumulative volume delta as a share of traded volume",
  params: {
    window: { type: "number", default: 1000, description: "newest trades summed", min: 10, max: 100000 },
    scale: { type: "number", default: 0.3, description: "delta share that maps to ≈88 / 12", min: 0.01, max: 1 },
    minTrades: { type: "number", default: 10, description: "fewer trades than this: unavailable", min: 1, max: 10000 },
  },
  compute(ctx) {
    const { window, scale, minTrades } = ctx.params
    const problem = s.tapeProblem(ctx.tape, minTrades)
    if (problem !== undefined || ctx.tape === undefined) return s.unavailable(problem ?? "no trades")
    const t = s.sideTotals(ctx.tape, s.tailStart(ctx.tape, window))
    const total = t.buy + t.sell
    if (!(total > 0)) return s.unavailable("trades with zero volume")
    const cvd = t.buy - t.sell
    return s.scored(s.squash(cvd / total, scale), { cvd, volume: total, deltaShare: cvd / total })
  },
})
