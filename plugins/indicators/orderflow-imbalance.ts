/**
 * orderflow-imbalance — taker imbalance over the newest 10, 30 and 100 trades.
 *
 * Score rule: bₙ = (buy − sell)/(buy + sell) volume over the newest n trades;
 *   x = 0.5·b₁₀ + 0.3·b₃₀ + 0.2·b₁₀₀;  score = 50 + 50·tanh(x / 0.4)
 *   The shortest window reacts first and weighs most; agreement of all three saturates.
 * No trades / fewer than 10: unavailable (windows longer than the tape use the whole tape).
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ short: number; medium: number; long: number; scale: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderflow-imbalance",
  component: "orderflow",
  weight: 0.13,
  lookback: 0,
  scope: "symbol",
  needs: ["trades"],
  description: "weighted taker imbalance over 10/30/100-trade windows",
  params: {
    short: { type: "number", default: 10, description: "short window (trades), weight 0.5", min: 1, max: 100000 },
    medium: { type: "number", default: 30, description: "medium window (trades), weight 0.3", min: 1, max: 100000 },
    long: { type: "number", default: 100, description: "long window (trades), weight 0.2", min: 1, max: 100000 },
    scale: { type: "number", default: 0.4, description: "weighted imbalance that maps to ≈88 / 12", min: 0.01, max: 1 },
  },
  compute(ctx) {
    const { short, medium, long, scale } = ctx.params
    const problem = s.tapeProblem(ctx.tape, 10)
    if (problem !== undefined || ctx.tape === undefined) return s.unavailable(problem ?? "no trades")
    const t = ctx.tape
    const imb = (n: number) => {
      const w = s.sideTotals(t, s.tailStart(t, n))
      return s.balance(w.buy, w.sell)
    }
    const b1 = imb(short)
    const b2 = imb(medium)
    const b3 = imb(long)
    const x = 0.5 * b1 + 0.3 * b2 + 0.2 * b3
    return s.scored(s.squash(x, scale), { short: b1, medium: b2, long: b3, x })
  },
})
