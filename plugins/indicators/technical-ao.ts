/**
 * technical-ao — Awesome Oscillator: SMA5 − SMA34 of the median price (high+low)/2.
 *
 * Score rule: x = AO / ATR14 + 2·(AO − AO₋₁) / ATR14;  score = 50 + 50·tanh(x / 1.5)
 *   AO in ATR units makes the reading comparable across symbols and timeframes; the change term
 *   rewards a rising oscillator (the "saucer" side of the classic reading).
 * Flat window (ATR 0): 50, "flat market". Fewer than slow+1 candles: unavailable.
 */
import { defineIndicator, input, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ fast: number; slow: number; atrPeriod: number; scale: number }>({
  apiVersion: 2,
  kind: "indicator",
  name: "technical-ao",
  component: "technical",
  weight: 0.2,
  lookback: 35,
  description: "Awesome Oscillator in ATR units, plus its change",
  params: {
    fast: { type: "number", default: 5, description: "fast SMA of the median price", min: 1, max: 100 },
    slow: { type: "number", default: 34, description: "slow SMA of the median price", min: 2, max: 400 },
    atrPeriod: { type: "number", default: 14, description: "ATR period used as the unit", min: 2, max: 200 },
    scale: { type: "number", default: 1.5, description: "x that maps to ≈88 / 12", min: 0.1, max: 20 },
  },
  inputs: (p) => ({ atr: input.atr({ period: p.atrPeriod }) }),
  compute(ctx) {
    const { fast, slow, scale } = ctx.params
    const short = s.needCandles(ctx.candles, slow + 1)
    if (short) return short
    const c = ctx.candles
    const n = c.close.length
    // SMA of the median price (h+l)/2 over the `k` candles ending `back` candles ago.
    const medianMean = (k: number, back: number) =>
      (s.sum(c.high, n - back - k, n - back) + s.sum(c.low, n - back - k, n - back)) / (2 * k)
    const ao = medianMean(fast, 0) - medianMean(slow, 0)
    const prev = medianMean(fast, 1) - medianMean(slow, 1)
    // ATR is a declared input (TA-Lib, whole history); NaN until atrPeriod+1 candles.
    const atr = ctx.inputs.atr
    if (Number.isNaN(atr)) return s.unavailable("ATR still warming up")
    if (!(atr > 0)) return s.scored(50, { ao, atr: 0 }, "flat market")
    const x = ao / atr + (2 * (ao - prev)) / atr
    return s.scored(s.squash(x, scale), { ao, aoPrev: prev, atr, x })
  },
})
