/**
 * volume-profile — where price sits against the last 100 candles' volume profile
 * (100 bins, 70 % value area).
 *
 * Score rule: pos = (close − VAL) / (VAH − VAL)  (0 at the value-area low, 1 at its high);
 *   score = 50 + 50·tanh(2·(pos − 0.5))
 *   Inside value → 27…73; accepted above value (pos 1.5) → 98; below value (pos −0.5) → 2.
 * Flat window or no volume: unavailable (no profile). Fewer than 20 candles: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ window: number; bins: number; valueArea: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "volume-profile",
  component: "volume",
  weight: 0.1,
  lookback: 20,
  description: "close position against the value area of the volume profile",
  params: {
    window: { type: "number", default: 100, description: "candles in the profile", min: 10, max: 5000 },
    bins: { type: "number", default: 100, description: "price bins", min: 5, max: 1000 },
    valueArea: { type: "number", default: 0.7, description: "share of volume in the value area", min: 0.1, max: 0.99 },
  },
  compute(ctx) {
    const { window, bins, valueArea } = ctx.params
    const short = s.needCandles(ctx.candles, 20)
    if (short) return short
    const c = ctx.candles
    const n = c.close.length
    const from = Math.max(0, n - window)
    const vp = s.volumeProfile(c.high, c.low, c.volume, bins, valueArea, from, n)
    if (vp === undefined)
      return s.unavailable(s.isFlat(c, from) ? "flat market: no price range to profile" : "no volume")
    const close = c.close[n - 1]
    const pos = (close - vp.val) / (vp.vah - vp.val)
    return s.scored(s.squash(2 * (pos - 0.5), 1), { poc: vp.poc, vah: vp.vah, val: vp.val, position: pos })
  },
})
