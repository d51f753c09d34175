/**
 * orderflow-trade-flow — time-decayed taker flow: the last minutes of tape count most.
 *
 * Score rule: each trade weighs 2^(−age / 60 s) (age from the newest trade);
 *   x = 0.6·(buy − sell)/(buy + sell) of decayed volume + 0.4·the same of decayed trade counts;
 *   score = 50 + 50·tanh(x / 0.35)
 *   Counts catch many small aggressive orders that volume alone hides behind a few big ones.
 * No trades / fewer than 10: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ halfLifeSec: number; scale: number; minTrades: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderflow-trade-flow",
  component: "orderflow",
  weight: 0.17,
  lookback: 0,
  scope: "symbol",
  needs: ["trades"],
  description: "time-decayed net taker volume and trade count",
  params: {
    halfLifeSec: {
      type: "number",
      default: 60,
      description: "half-life of a trade's weight (seconds)",
      min: 1,
      max: 86400,
    },
    scale: { type: "number", default: 0.35, description: "net share that maps to ≈88 / 12", min: 0.01, max: 1 },
    minTrades: { type: "number", default: 10, description: "fewer trades than this: unavailable", min: 1, max: 10000 },
  },
  compute(ctx) {
    const { halfLifeSec, scale, minTrades } = ctx.params
    const problem = s.tapeProblem(ctx.tape, minTrades)
    if (problem !== undefined || ctx.tape === undefined) return s.unavailable(problem ?? "no trades")
    const now = ctx.tape.time[ctx.tape.length - 1]
    const d = s.decayedTotals(ctx.tape, now, halfLifeSec * 1000)
    const volume = s.balance(d.buy, d.sell)
    const count = s.balance(d.buyCount, d.sellCount)
    const x = 0.6 * volume + 0.4 * count
    return s.scored(s.squash(x, scale), { volumeFlow: volume, countFlow: count, x })
  },
})
