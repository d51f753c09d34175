/**
 * orderbook-depth — resting notional within ±0.5 % of the mid, bids against asks.
 *
 * Score rule: x = ln(bid notional / ask notional) within the band, clamped to ±2 (a side
 *   with nothing in the band counts as the clamp);  score = 50 + 50·tanh(x / 0.7)
 *   Twice as much bid as ask money near price → 88: the book would cushion a fall more than a rise.
 * No book, empty or one-sided book: unavailable. Nothing within the band on either side: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ bandPct: number; scale: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderbook-depth",
  component: "orderbook",
  weight: 0.19,
  lookback: 0,
  scope: "symbol",
  needs: ["orderbook"],
  description: "log ratio of bid to ask notional within ±0.5% of mid",
  params: {
    bandPct: { type: "number", default: 0.5, description: "band around the mid, percent", min: 0.01, max: 50 },
    scale: { type: "number", default: 0.7, description: "log depth ratio that maps to ≈88 / 12", min: 0.01, max: 5 },
  },
  compute(ctx) {
    const { bandPct, scale } = ctx.params
    const problem = s.bookProblem(ctx.orderbook)
    if (problem !== undefined || ctx.orderbook === undefined) return s.unavailable(problem ?? "no order book")
    const book = ctx.orderbook
    const mid = s.midPrice(book)
    const bid = s.notionalWithin(book.bids, mid, bandPct / 100)
    const ask = s.notionalWithin(book.asks, mid, bandPct / 100)
    if (!(bid > 0) && !(ask > 0)) return s.unavailable("no depth within the band")
    const x = !(ask > 0) ? 2 : !(bid > 0) ? -2 : s.clamp(Math.log(bid / ask), -2, 2)
    return s.scored(s.squash(x, scale), { bidNotional: bid, askNotional: ask, logRatio: x })
  },
})
