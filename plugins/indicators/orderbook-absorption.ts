/**
 * orderbook-absorption — absorption (heavy taker flow that fails to move price, held by the
 * book) and exhaustion (the dominant side's flow fading).
 *
 * f = net taker share (buy − sell)/(buy + sell) over the newest 300 trades, f' = the same over
 *   the newest quarter; z = the window's price change / (per-trade σ · √trades): how far price
 *   went in random-walk units. Follow-through φ = tanh(max(0, sign(f)·z)) ∈ [0, 1).
 * absorption a = −f·(1 − φ)·(1 + sign(−f)·I₅), I₅ = size imbalance of the best 5 levels:
 *   selling that price shrugged off, with bids still stacked, is bullish (and mirrored).
 * exhaustion e = f' − f: buying that is fading reads bearish.
 * Score rule: score = 50 + 50·tanh((a + 0.5·e) / 0.5).
 * No book, empty or one-sided book, or fewer than 20 trades: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ window: number; levels: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderbook-absorption",
  component: "orderbook",
  weight: 0.08,
  lookback: 0,
  scope: "symbol",
  needs: ["orderbook", "trades"],
  description: "flow that price and book absorbed, plus fading flow",
  params: {
    window: { type: "number", default: 300, description: "newest trades examined", min: 20, max: 100000 },
    levels: { type: "number", default: 5, description: "touch levels for the book imbalance", min: 1, max: 1000 },
  },
  compute(ctx) {
    const { window, levels } = ctx.params
    const problem = s.bookProblem(ctx.orderbook) ?? s.tapeProblem(ctx.tape, 20)
    if (problem !== undefined || ctx.orderbook === undefined || ctx.tape === undefined)
      return s.unavailable(problem ?? "no data")
    const tape = ctx.tape
    const from = s.tailStart(tape, window)
    const n = tape.length - from
    const recentFrom = tape.length - Math.max(5, n >> 2)
    // The tape's columns: buy/sell volume (whole window and newest quarter) with each amount
    // already split by side, and the per-trade return moments. Simple returns: at tick scale
    // they equal log returns, without a log per trade. One pass over the window, in two
    // stretches (before the newest quarter, then the quarter, which also adds to the recent
    // sums): each sum takes the same trades in the same order as a loop of its own would.
    const { price, buyAmount, sellAmount, length } = s.tapeColumns(tape)
    // At least 20 trades, so the newest quarter starts after the window's first trade.
    const split = Math.max(from + 1, recentFrom)
    let buy = 0
    let sell = 0
    let recentBuy = 0
    let recentSell = 0
    let s1 = 0
    let s2 = 0
    buy += buyAmount[from]
    sell += sellAmount[from]
    for (let i = from + 1; i < split; i++) {
      buy += buyAmount[i]
      sell += sellAmount[i]
      const r = price[i] / price[i - 1] - 1
      s1 += r
      s2 += r * r
    }
    for (let i = split; i < length; i++) {
      buy += buyAmount[i]
      sell += sellAmount[i]
      recentBuy += buyAmount[i]
      recentSell += sellAmount[i]
      const r = price[i] / price[i - 1] - 1
      s1 += r
      s2 += r * r
    }
    const f = s.balance(buy, sell)
    const fRecent = s.balance(recentBuy, recentSell)
    const sigma = Math.sqrt(Math.max(0, s2 / (n - 1) - (s1 / (n - 1)) ** 2))
    const move = Math.log(price[length - 1] / price[from])
    const z = sigma > 0 ? move / (sigma * Math.sqrt(n - 1)) : 0
    const follow = Math.tanh(Math.max(0, Math.sign(f) * z))
    const bookLean = s.weightedImbalance(ctx.orderbook, levels, 1e9)
    const a = -f * (1 - follow) * (1 + Math.sign(-f) * bookLean)
    const e = fRecent - f
    return s.scored(s.squash(a + 0.5 * e, 0.5), {
      flow: f,
      recentFlow: fRecent,
      moveZ: z,
      absorption: a,
      exhaustion: e,
    })
  },
})
