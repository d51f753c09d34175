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

const suspicious = (levels: OrderBook["bids"], n: number, median: number, wall: number, layer: number): number => {
  const m = Math.min(n, levels.length)
  let sum = 0
  let run = 0
  let runSize = 0
  for (let i = 2; i < m; i++) {
    const a = levels[i][1]
    if (a >= wall * median) sum += a
    else if (a >= layer * median) {
      run++
      runSize += a
      if (run === 3) sum += runSize
      else if (run > 3) sum += a
      continue
    }
    run = 0
    runSize = 0
  }
  return sum
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
    const bidTotal = s.sideAmount(book.bids, levels)
    const askTotal = s.sideAmount(book.asks, levels)
    const bid = bidTotal > 0 ? suspicious(book.bids, levels, median, wall, layer) / bidTotal : 0
    const ask = askTotal > 0 ? suspicious(book.asks, levels, median, wall, layer) / askTotal : 0
    const values = { bidSuspicion: bid, askSuspicion: ask, medianLevel: median }
    if (bid === 0 && ask === 0) return s.scored(50, values, "no spoofing or layering detected")
    return s.scored(s.squash(2 * (ask - bid), 1), values)
  },
})
