/**
 * orderbook-depth-imbalance — cumulative size imbalance at depths 5, 10 and 25, tanh-squashed.
 *
 * Score rule: x = mean of (Σbid − Σask)/(Σbid + Σask) over the first 5, 10 and 25 levels;
 *   score = 50 + 50·tanh(3·x)   (x 0.1 → 64, 0.3 → 86).
 *   Agreement across depths (near and far book leaning the same way) pushes hardest.
 * No book, empty or one-sided book: unavailable.
 */
import { defineIndicator, type OrderBook, scoring as s } from "virtuoso/sdk"

const DEPTHS = [5, 10, 25] as const

/**
 * Σ amount over the first 5, 10 and 25 levels into `out`: one running sum read at each depth,
 * the same additions in the same order as summing each depth afresh, one pass instead of three.
 */
const depthSums = (levels: OrderBook["bids"], out: Float64Array): void => {
  let sum = 0
  let i = 0
  for (let k = 0; k < DEPTHS.length; k++) {
    const m = Math.min(DEPTHS[k], levels.length)
    for (; i < m; i++) sum += levels[i][1]
    out[k] = sum
  }
}
// Scratch for the sums (compute is synchronous).
const bids = new Float64Array(DEPTHS.length)
const asks = new Float64Array(DEPTHS.length)

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
    depthSums(book.bids, bids)
    depthSums(book.asks, asks)
    const b5 = s.balance(bids[0], asks[0])
    const b10 = s.balance(bids[1], asks[1])
    const b25 = s.balance(bids[2], asks[2])
    let x = 0
    x += b5 / DEPTHS.length
    x += b10 / DEPTHS.length
    x += b25 / DEPTHS.length
    const values = { imbalance5: b5, imbalance10: b10, imbalance25: b25, mean: x }
    return s.scored(50 + 50 * Math.tanh(gain * x), values)
  },
})
