/**
 * price-volume-profile — the close against the point of control of a longer (200-candle)
 * profile, and where the POC is migrating.
 *
 * Score rule (distances in value-area widths w = VAH − VAL of the whole window):
 *   x = (close − POC) / w + (POC of the newer half − POC of the older half) / w;
 *   score = 50 + 50·tanh(x)
 *   Trading above an up-migrating POC is acceptance at higher prices; below a falling one, the
 *   opposite. (volume-profile in the volume component reads the value area of a shorter window.)
 * Flat window or no volume: unavailable. Fewer than 40 candles: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ window: number; bins: number; scale: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "price-volume-profile",
  component: "price_structure",
  weight: 0.15,
  lookback: 40,
  description: "close vs POC plus POC migration, in value-area widths",
  params: {
    window: { type: "number", default: 200, description: "candles in the profile", min: 20, max: 5000 },
    bins: { type: "number", default: 100, description: "price bins", min: 5, max: 1000 },
    scale: { type: "number", default: 1, description: "value-area widths that map to ≈88 / 12", min: 0.05, max: 10 },
  },
  compute(ctx) {
    const { window, bins, scale } = ctx.params
    const short = s.needCandles(ctx.candles, 40)
    if (short) return short
    const c = ctx.candles
    const n = c.close.length
    const from = Math.max(0, n - window)
    const all = s.volumeProfile(c.high, c.low, c.volume, bins, 0.7, from, n, (from + n) >> 1)
    if (all === undefined)
      return s.unavailable(s.isFlat(c, from) ? "flat market: no price range to profile" : "no volume")
    const width = Math.max(all.vah - all.val, all.binSize)
    const migration =
      Number.isFinite(all.pocBefore) && Number.isFinite(all.pocAfter) ? (all.pocAfter - all.pocBefore) / width : 0
    const x = (c.close[n - 1] - all.poc) / width + migration
    return s.scored(s.squash(x, scale), { poc: all.poc, vah: all.vah, val: all.val, pocMigration: migration, x })
  },
})
