/**
 * technical-rsi — Wilder's RSI(14) read as momentum.
 *
 * Score rule: score = 50 + 50·tanh((RSI − 50) / scale), scale 15
 *   (RSI 60 → 79, 70 → 93, 40 → 21, 30 → 7): above 50 the up-closes have been outweighing the
 *   down-closes. RSI is a declared input: the host's TA-Lib RSI over the series' whole history.
 * Flat market (RSI 0 and no price change over the last period+1 closes): 50, "flat market".
 * Fewer than period+1 candles: unavailable.
 */
import { defineIndicator, input, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ period: number; scale: number }>({
  apiVersion: 2,
  kind: "indicator",
  name: "technical-rsi",
  component: "technical",
  weight: 0.2,
  lookback: 15,
  description: "RSI momentum: 50 + 50·tanh((RSI − 50) / 15)",
  params: {
    period: { type: "number", default: 14, description: "RSI period (candles)", min: 2, max: 200 },
    scale: { type: "number", default: 15, description: "RSI points from 50 that map to ≈88 / 12", min: 1, max: 50 },
  },
  inputs: (p) => ({ rsi: input.rsi({ period: p.period }) }),
  compute(ctx) {
    const { period, scale } = ctx.params
    const short = s.needCandles(ctx.candles, period + 1)
    if (short) return short
    const close = ctx.candles.close
    const n = close.length
    const rsi = ctx.inputs.rsi
    // TA-Lib's RSI is 0 when nothing moved (and when only down-closes did): scan only then.
    if (!(rsi > 0) && s.highest(close, n - period - 1, n) === s.lowest(close, n - period - 1, n)) {
      return s.scored(50, { rsi: 50 }, "flat market")
    }
    return s.scored(s.squash(rsi - 50, scale), { rsi })
  },
})
