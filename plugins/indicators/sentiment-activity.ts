/**
 * sentiment-activity — market activity: the 24 h change, louder when volume is up.
 *
 * Score rule: x = (24 h change % / 5) · clamp(√rvol, 0.5, 2), rvol = mean volume of the last
 *   20 candles / mean of the last 100;  score = 50 + 50·tanh(x)
 *   +5 % on normal volume → 88; the same on four times the volume → 98; on a quarter → 73.
 * The ticker has no 24 h change: unavailable. Fewer than 20 candles: rvol taken as 1.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ changeScale: number; recent: number; baseline: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "sentiment-activity",
  component: "sentiment",
  weight: 0.15,
  lookback: 0,
  needs: ["ticker"],
  description: "24h change scaled by relative volume",
  params: {
    changeScale: {
      type: "number",
      default: 5,
      description: "24h change (%) that maps to ≈88 / 12 at normal volume",
      min: 0.01,
      max: 100,
    },
    recent: { type: "number", default: 20, description: "recent candles for relative volume", min: 1, max: 1000 },
    baseline: { type: "number", default: 100, description: "baseline candles for relative volume", min: 2, max: 10000 },
  },
  compute(ctx) {
    const { changeScale, recent, baseline } = ctx.params
    const pct = ctx.market.ticker?.percentage
    if (pct === undefined || !Number.isFinite(pct)) return s.unavailable("ticker has no 24h change")
    const v = ctx.candles.volume
    const n = v.length
    let rvol = 1
    if (n >= recent) {
      const base = s.mean(v, Math.max(0, n - baseline), n)
      if (base > 0) rvol = s.mean(v, n - recent, n) / base
    }
    const amp = s.clamp(Math.sqrt(rvol), 0.5, 2)
    return s.scored(s.squash((pct / changeScale) * amp, 1), { change24h: pct, rvol })
  },
})
