/**
 * orderbook-imbalance — size imbalance of the first 10 levels, weighted toward the touch.
 *
 * Score rule: I = Σ wᵢ(bidᵢ − askᵢ) / Σ wᵢ(bidᵢ + askᵢ), wᵢ = exp(−i / 3), i = 0 at the touch;
 *   score = 50 + 50·tanh(I / 0.5)
 *   Size at the best levels is what the next trades meet, so it counts ~e× more than size
 *   three levels out.
 * No book, empty or one-sided book: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ levels: number; decay: number; scale: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderbook-imbalance",
  component: "orderbook",
  weight: 0.19,
  lookback: 0,
  scope: "symbol",
  needs: ["orderbook"],
  description: "touch-weighted size imbalance of the first 10 levels",
  params: {
    levels: { type: "number", default: 10, description: "levels per side", min: 1, max: 1000 },
    decay: {
      type: "number",
      default: 3,
      description: "levels over which a level's weight falls by e",
      min: 0.1,
      max: 1000,
    },
    scale: { type: "number", default: 0.5, description: "imbalance that maps to ≈88 / 12", min: 0.01, max: 1 },
  },
  compute(ctx) {
    const { levels, decay, scale } = ctx.params
    const problem = s.bookProblem(ctx.orderbook)
    if (problem !== undefined || ctx.orderbook === undefined) return s.unavailable(problem ?? "no order book")
    const imbalance = s.weightedImbalance(ctx.orderbook, levels, decay)
    return s.scored(s.squash(imbalance, scale), { imbalance })
  },
})
