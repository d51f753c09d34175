/**
 * volume-relative — relative volume(30) signed by what the volume did to price.
 *
 * Score rule: rvol = mean volume of the last 3 candles / mean volume of the 30 before them;
 *   dir = (close − open three candles ago) / (their high − low) ∈ [-1, 1];
 *   score = 50 + 50·tanh(dir · rvol)
 *   Heavy volume that drove price up → high, heavy volume that drove it down → low; a quiet
 *   market (rvol ≪ 1) stays near 50 whatever the candles did.
 * No volume in the baseline: unavailable ("no volume"). Fewer than 33 candles: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ period: number; recent: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "volume-relative",
  component: "volume",
  weight: 0.15,
  lookback: 33,
  description: "relative volume signed by the direction of the move it made",
  params: {
    period: { type: "number", default: 30, description: "baseline candles", min: 2, max: 1000 },
    recent: { type: "number", default: 3, description: "recent candles compared with the baseline", min: 1, max: 50 },
  },
  compute(ctx) {
    const { period, recent } = ctx.params
    const short = s.needCandles(ctx.candles, period + recent)
    if (short) return short
    const c = ctx.candles
    const n = c.close.length
    const base = s.mean(c.volume, n - recent - period, n - recent)
    if (!(base > 0)) return s.unavailable("no volume")
    const rvol = s.mean(c.volume, n - recent, n) / base
    const range = s.highest(c.high, n - recent, n) - s.lowest(c.low, n - recent, n)
    const dir = range > 0 ? (c.close[n - 1] - c.open[n - recent]) / range : 0
    return s.scored(s.squash(dir * rvol, 1), { rvol, direction: dir })
  },
})
