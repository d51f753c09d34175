/**
 * orderbook-pressure — market pressure: taker flow against the resting depth it hits.
 *
 * Score rule: buy pressure = taker buy volume (newest 200 trades) / ask size of the best 5
 *   levels; sell pressure = taker sell volume / bid size of the best 5;
 *   x = ln(buy pressure / sell pressure), clamped to ±3;  score = 50 + 50·tanh(x)
 *   The same buying means more against a thin ask side: this is order-flow imbalance measured
 *   in "books consumed", not in raw volume.
 * No book, empty or one-sided book, or no trades / fewer than 10: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ window: number; levels: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderbook-pressure",
  component: "orderbook",
  weight: 0.12,
  lookback: 0,
  scope: "symbol",
  needs: ["orderbook", "trades"],
  description: "taker flow relative to the depth it consumes, buy vs sell",
  params: {
    window: { type: "number", default: 200, description: "newest trades counted", min: 10, max: 100000 },
    levels: { type: "number", default: 5, description: "touch levels per side", min: 1, max: 1000 },
  },
  compute(ctx) {
    const { window, levels } = ctx.params
    const problem = s.bookProblem(ctx.orderbook) ?? s.tapeProblem(ctx.tape, 10)
    if (problem !== undefined || ctx.orderbook === undefined || ctx.tape === undefined)
      return s.unavailable(problem ?? "no data")
    const t = s.sideTotals(ctx.tape, s.tailStart(ctx.tape, window))
    const ask = s.sideAmount(ctx.orderbook.asks, levels)
    const bid = s.sideAmount(ctx.orderbook.bids, levels)
    if (!(ask > 0 && bid > 0)) return s.unavailable("order book with zero sizes")
    const buyP = t.buy / ask
    const sellP = t.sell / bid
    if (!(buyP + sellP > 0)) return s.unavailable("trades with zero volume")
    const x = !(sellP > 0) ? 3 : !(buyP > 0) ? -3 : s.clamp(Math.log(buyP / sellP), -3, 3)
    return s.scored(s.squash(x, 1), { buyPressure: buyP, sellPressure: sellP, logRatio: x })
  },
})
