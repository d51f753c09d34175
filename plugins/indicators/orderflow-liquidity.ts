/**
 * orderflow-liquidity — which side takes liquidity in bigger bites: mean taker buy size vs
 * mean taker sell size over the newest 500 trades.
 *
 * Score rule: x = ln(mean buy size / mean sell size), clamped to ±2 (a side with no trades
 *   counts as the clamp);  score = 50 + 50·tanh(x / 0.5)
 *   Buyers sweeping the book with larger orders than sellers use → high (mean buy twice the
 *   mean sell → 92). Complements the volume and count imbalances, which ignore order size.
 * No trades / fewer than 10: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ window: number; scale: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderflow-liquidity",
  component: "orderflow",
  weight: 0.1,
  lookback: 0,
  scope: "symbol",
  needs: ["trades"],
  description: "log ratio of mean aggressive buy size to mean aggressive sell size",
  params: {
    window: { type: "number", default: 500, description: "newest trades examined", min: 10, max: 100000 },
    scale: { type: "number", default: 0.5, description: "log size ratio that maps to ≈88 / 12", min: 0.01, max: 5 },
  },
  compute(ctx) {
    const { window, scale } = ctx.params
    const problem = s.tapeProblem(ctx.tape, 10)
    if (problem !== undefined || ctx.tape === undefined) return s.unavailable(problem ?? "no trades")
    const t = s.sideTotals(ctx.tape, s.tailStart(ctx.tape, window))
    const buySize = t.buyCount > 0 ? t.buy / t.buyCount : 0
    const sellSize = t.sellCount > 0 ? t.sell / t.sellCount : 0
    if (!(buySize > 0) && !(sellSize > 0)) return s.unavailable("trades with zero volume")
    const x = !(sellSize > 0) ? 2 : !(buySize > 0) ? -2 : s.clamp(Math.log(buySize / sellSize), -2, 2)
    return s.scored(s.squash(x, scale), { meanBuySize: buySize, meanSellSize: sellSize, logRatio: x })
  },
})
