/**
 * orderbook-liquidity — liquidity at the touch (depth and spread): the micro-price's lean,
 * trusted less as the spread widens.
 *
 * Score rule: lean = (micro-price − mid) / half-spread = (B − A)/(B + A) with B, A the sizes of
 *   the best 3 levels per side; quality = 1 / (1 + spread / 10 bp);
 *   score = 50 + 50·tanh(lean · (0.5 + 0.5·quality) / 0.5)
 *   A tight, bid-heavy touch says the next tick is more likely up; a wide spread says the
 *   touch is thin and its lean means less.
 * No book, empty or one-sided book: unavailable. Crossed book (spread ≤ 0): unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ levels: number; spreadRefBps: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderbook-liquidity",
  component: "orderbook",
  weight: 0.13,
  lookback: 0,
  scope: "symbol",
  needs: ["orderbook"],
  description: "micro-price lean at the touch, discounted by spread",
  params: {
    levels: { type: "number", default: 3, description: "touch levels per side", min: 1, max: 100 },
    spreadRefBps: {
      type: "number",
      default: 10,
      description: "spread (bp) at which quality halves",
      min: 0.01,
      max: 10000,
    },
  },
  compute(ctx) {
    const { levels, spreadRefBps } = ctx.params
    const problem = s.bookProblem(ctx.orderbook)
    if (problem !== undefined || ctx.orderbook === undefined) return s.unavailable(problem ?? "no order book")
    const book = ctx.orderbook
    const spread = s.spreadBps(book)
    if (!(spread > 0)) return s.unavailable("crossed or locked book")
    const lean = s.balance(s.sideAmount(book.bids, levels), s.sideAmount(book.asks, levels))
    const quality = 1 / (1 + spread / spreadRefBps)
    return s.scored(s.squash(lean * (0.5 + 0.5 * quality), 0.5), { lean, spreadBps: spread, quality })
  },
})
