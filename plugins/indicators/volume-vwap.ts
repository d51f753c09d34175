/**
 * volume-vwap — deviation of the close from a rolling 50-candle VWAP, in σ band units.
 *
 * Score rule: z = (close − VWAP) / σ, σ = volume-weighted standard deviation of the typical
 *   price around the VWAP;  score = 50 + 50·tanh(z / 2)
 *   On the +2σ band → 88, on the −2σ band → 12, at the VWAP → 50.
 * No volume: unavailable. σ = 0 (flat window): 50, "flat market". Fewer than 10 candles: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ window: number; bands: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "volume-vwap",
  component: "volume",
  weight: 0.1,
  lookback: 10,
  description: "close vs rolling VWAP in σ units (2σ bands)",
  params: {
    window: { type: "number", default: 50, description: "candles in the rolling VWAP", min: 5, max: 5000 },
    bands: { type: "number", default: 2, description: "σ multiple of the bands (maps to ≈88 / 12)", min: 0.5, max: 5 },
  },
  compute(ctx) {
    const { window, bands } = ctx.params
    const short = s.needCandles(ctx.candles, 10)
    if (short) return short
    const c = ctx.candles
    const n = c.close.length
    const { vwap, sigma } = s.vwapBands(c, Math.max(0, n - window), n)
    if (!Number.isFinite(vwap)) return s.unavailable("no volume")
    const close = c.close[n - 1]
    if (!(sigma > vwap * 1e-12)) return s.scored(50, { vwap, sigma: 0 }, "flat market")
    const z = (close - vwap) / sigma
    return s.scored(s.squash(z, bands), { vwap, sigma, z })
  },
})
