/**
 * sentiment-volatility — the volatility mood: is the movement upside or downside, and is
 * volatility expanding (fear) or calm.
 *
 * Score rule: skew = ln(σ↑ / σ↓), the root-mean-square of up-moves vs down-moves over the
 *   last 20 candles; expansion = ln(σ20 / σ100) of realised volatility;
 *   x = skew − 0.5·max(0, expansion);  score = 50 + 50·tanh(x / 0.4)
 *   Upside-dominated calm markets read greedy/bullish; a volatility spike counts against,
 *   more so when the moves are down (crypto volatility spikes mostly on sell-offs).
 * From candles, so always available. Flat window: 50, "flat market". Fewer than 21 candles: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ short: number; long: number; scale: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "sentiment-volatility",
  component: "sentiment",
  weight: 0.18,
  lookback: 21,
  description: "up/down volatility skew, penalised by volatility expansion",
  params: {
    short: { type: "number", default: 20, description: "recent window (candles)", min: 5, max: 1000 },
    long: { type: "number", default: 100, description: "baseline window (candles)", min: 10, max: 10000 },
    scale: { type: "number", default: 0.4, description: "x that maps to ≈88 / 12", min: 0.01, max: 10 },
  },
  compute(ctx) {
    const { short, long, scale } = ctx.params
    const few = s.needCandles(ctx.candles, short + 1)
    if (few) return few
    const close = ctx.candles.close
    // Semi-deviations and both realised vols from one pass over the log returns.
    const { up, down, volShort, volLong } = s.returnStats(close, short, long)
    if (!(up + down > 0)) return s.scored(50, { skew: 0, expansion: 0 }, "flat market")
    const skew = s.clamp(Math.log(Math.max(up, 1e-12) / Math.max(down, 1e-12)), -3, 3)
    const expansion = volLong > 0 ? Math.log(volShort / volLong) : 0
    const x = skew - 0.5 * Math.max(0, expansion)
    return s.scored(s.squash(x, scale), { skew, expansion, volShort, volLong })
  },
})
