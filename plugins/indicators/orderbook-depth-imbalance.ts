/**
 * orderbook-depth-imbalance — cumulative size imbalance at depths 5, 10 and 25, tanh-squashed.
 *
 * Score rule: x = mean of (Σbid − Σask)/(Σbid + Σask) over the first 5, 10 and 25 levels;
 *   score = 50 + 50·tanh(3·x)   (x 0.1 → 64, 0.3 → 86).
 *   Agreement across depths (near and far book leaning the same way) pushes hardest.
 * No book, empty or one-sided book: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

const DEPTHS = [5, 10, 25] as const

export default defineIndicator<{ gain: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderbook-depth-imbalance",
  component: "orderbook",
  weight: 0.05,
  lookback: 0,
  scope: "symbol",
  needs: ["orderbook"],
  description: "mean cumulative imbalance at 5/10/25 levels through tanh",
  params: {
    gain: { type: "number", default: 3, description: "tanh gain applied to the mean imbalance", min: 0.1, max: 100 },
  },
  compute(ctx) {
    const { gain } = ctx.params
    const problem = s.bookProblem(ctx.orderbook)
    if (problem !== undefined || ctx.orderbook === undefined) return s.unavailable(problem ?? "no order book")
    const book = ctx.orderbook
    let x = 0
    const values: Record<string, number> = {}
    for (const d of DEPTHS) {
      const b = s.balance(s.sideAmount(book.bids, d), s.sideAmount(book.asks, d))
      values[`imbalance${d}`] = b
      x += b / DEPTHS.length
    }
    values.mean = x
    return s.scored(50 + 50 * Math.tanh(gain * x), values)
  },
})
