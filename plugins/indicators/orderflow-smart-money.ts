/**
 * orderflow-smart-money — which side the large trades are on.
 *
 * Large trade: notional ≥ 3 × the mean notional of the window (newest 1000 trades).
 * Score rule: r = (large buy − large sell notional) / large notional ∈ [-1, 1];
 *   confidence = min(1, large trades / 5);  score = 50 + 50·tanh(r · confidence / 0.5)
 *   No large trade in the window: 50, "no large trades" (the tape shows no whale activity — a
 *   reading, not missing data). No trades / fewer than 20: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ window: number; multiple: number; minTrades: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderflow-smart-money",
  component: "orderflow",
  weight: 0.15,
  lookback: 0,
  scope: "symbol",
  needs: ["trades"],
  description: "net side of trades at least 3× the mean notional",
  params: {
    window: { type: "number", default: 1000, description: "newest trades examined", min: 10, max: 100000 },
    multiple: {
      type: "number",
      default: 3,
      description: "× mean notional that makes a trade large",
      min: 1,
      max: 1000,
    },
    minTrades: { type: "number", default: 20, description: "fewer trades than this: unavailable", min: 1, max: 10000 },
  },
  compute(ctx) {
    const { window, multiple, minTrades } = ctx.params
    const problem = s.tapeProblem(ctx.tape, minTrades)
    if (problem !== undefined || ctx.tape === undefined) return s.unavailable(problem ?? "no trades")
    const tape = ctx.tape
    const from = s.tailStart(tape, window)
    const { price, amount, buy: isBuy, length } = s.tapeColumns(tape)
    let total = 0
    for (let i = from; i < length; i++) total += price[i] * amount[i]
    const threshold = (multiple * total) / (length - from)
    let buy = 0
    let sell = 0
    let count = 0
    for (let i = from; i < length; i++) {
      const notional = price[i] * amount[i]
      if (notional < threshold || !(notional > 0)) continue
      count++
      if (isBuy[i] === 1) buy += notional
      else sell += notional
    }
    if (count === 0) return s.scored(50, { largeTrades: 0, threshold }, "no large trades")
    const r = s.balance(buy, sell)
    const confidence = Math.min(1, count / 5)
    return s.scored(s.squash(r * confidence, 0.5), {
      largeTrades: count,
      largeBuy: buy,
      largeSell: sell,
      net: r,
      threshold,
    })
  },
})
