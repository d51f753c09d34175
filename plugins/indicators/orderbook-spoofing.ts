/**
 * orderbook-spoofing — spoofing and layering suspicion in one snapshot.
 *
 * Wall: a level beyond the best 2 whose size is ≥ 5 × the median level size (both sides,
 *   25 levels). Layering: a run of ≥ 3 consecutive levels beyond the best 2, each ≥ 2.5 × median.
 *   S(side) = suspicious size / total size of that side ∈ [0, 1].
 * Score rule: score = 50 + 50·tanh(2·(S(ask) − S(bid)))
 *   Outsized liquidity parked away from the touch is treated as likely not meant to fill, so it
 *   reads *against* its side: fake bid support → bearish, fake ask supply → bullish.
 *   A single snapshot cannot see orders being pulled; this reads shape only.
 * Nothing suspicious: 50, "no spoofing or layering detected" (a reading).
 * No book, empty or one-sided book: unavailable.
 */
import { defineIndicator, scoring as s, type OrderBook } from "virtuoso/sdk"

/**
 * Suspicious size / total size over the first `n` levels of one side (0 when the side has no
 * size), in one pass: the total adds every level, the suspicious sum the levels beyond the best 2
 * that make a wall (≥ `wallSize`) or a run of ≥ 3 layered ones (≥ `layerSize`).
 */
const suspicion = (levels: OrderBook["bids"], n: number, wallSize: number, layerSize: number): number => {
  const m = Math.min(n, levels.length)
  let total = 0
  let sum = 0
  let run = 0
  let runSize = 0
  for (let i = 0; i < m; i++) {
    const a = levels[i][1]
    total += a
    if (i < 2) continue
    if (a >= wallSize) sum += a
    else if (a >= layerSize) {
      run++
      runSize += a
      if (run === 3) sum += runSize
      else if (run > 3) sum += a
      continue
    }
    run = 0
    runSize = 0
  }
  return total > 0 ? sum / total : 0
}

export default defineIndicator<{ levels: number; wall: number; layer: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderbook-spoofing",
  component: "orderbook",
  weight: 0.08,
  lookback: 0,
  scope: "symbol",
  needs: ["orderbook"],
  description: "outsized walls and layered runs away from the touch, read against their side",
  params: {
    levels: { type: "number", default: 25, description: "levels per side examined", min: 5, max: 1000 },
    wall: { type: "number", default: 5, description: "× median level size that makes a wall", min: 1.5, max: 1000 },
    layer: {
      type: "number",
      default: 2.5,
      description: "× median level size for a layered level",
      min: 1.1,
      max: 1000,
    },
  },
  compute(ctx) {
    const { levels, wall, layer } = ctx.params
    const problem = s.bookProblem(ctx.orderbook)
    if (problem !== undefined || ctx.orderbook === undefined) return s.unavailable(problem ?? "no order book")
    const book = ctx.orderbook
    const median = s.medianLevelAmount(book, levels)
    if (!(median > 0)) return s.unavailable("order book with zero sizes")
    const bid = suspicion(book.bids, levels, wall * median, layer * median)
    const ask = suspicion(book.asks, levels, wall * median, layer * median)
    const values = { bidSuspicion: bid, askSuspicion: ask, medianLevel: median }
    if (bid === 0 && ask === 0) return s.scored(50, values, "no spoofing or layering detected")
    return s.scored(s.squash(2 * (ask - bid), 1), values)
  },
})
