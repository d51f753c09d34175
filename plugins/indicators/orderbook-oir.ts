/**
 * orderbook-oir — order imbalance ratio over 25 levels: (Σbid − Σask) / (Σbid + Σask).
 *
 * Score rule: score = 50 + 50·tanh(OIR / 0.4)   (OIR 0.2 → 73, 0.4 → 88, −0.4 → 12).
 *   Unweighted sizes: the whole visible book, far levels as much as near ones.
 * No book, empty or one-sided book: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ levels: number; scale: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderbook-oir",
  component: "orderbook",
  weight: 0.16,
  lookback: 0,
  scope: "symbol",
  needs: ["orderbook"],
  description: "order imbalance ratio (Σbid−Σask)/(Σbid+Σask) over 25 levels",
  params: {
    levels: { type: "number", default: 25, description: "levels per side", min: 1, max: 1000 },
    scale: { type: "number", default: 0.4, description: "OIR that maps to ≈88 / 12", min: 0.01, max: 1 },
  },
  compute(ctx) {
    const { levels, scale } = ctx.params
    const problem = s.bookProblem(ctx.orderbook)
    if (problem !== undefined || ctx.orderbook === undefined) return s.unavailable(problem ?? "no order book")
    const bid = s.sideAmount(ctx.orderbook.bids, levels)
    const ask = s.sideAmount(ctx.orderbook.asks, levels)
    if (!(bid + ask > 0)) return s.unavailable("order book with zero sizes")
    const oir = s.balance(bid, ask)
    return s.scored(s.squash(oir, scale), { oir, bidAmount: bid, askAmount: ask })
  },
})
