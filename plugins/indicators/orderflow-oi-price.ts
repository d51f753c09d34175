/**
 * orderflow-oi-price — open-interest change against price change over the open-interest history.
 *
 * The four quadrants: price ↑ OI ↑ new longs (strong bullish), price ↑ OI ↓ short covering
 * (weak bullish), price ↓ OI ↑ new shorts (strong bearish), price ↓ OI ↓ long liquidation
 * (weak bearish).
 * Score rule: z = ln(close / close at the first OI sample) / (σ₁ · √candles spanned), σ₁ the
 *   per-candle realised volatility (price move in "random walk" units);
 *   o = ln(OI last / OI first);  conviction = 0.625 + 0.375·tanh(o / 0.02) ∈ (0.25, 1);
 *   score = 50 + 50·tanh(z / 1.5) · conviction
 * No open-interest history (fewer than 2 samples): unavailable. Fewer than 20 candles: unavailable.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ samples: number; oiScale: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderflow-oi-price",
  component: "orderflow",
  weight: 0.15,
  lookback: 20,
  needs: ["openInterest"],
  description: "open-interest change vs price change quadrant",
  params: {
    samples: { type: "number", default: 12, description: "newest open-interest samples compared", min: 2, max: 10000 },
    oiScale: {
      type: "number",
      default: 0.02,
      description: "log OI change that counts as a clear build-up",
      min: 0.0001,
      max: 1,
    },
  },
  compute(ctx) {
    const { samples, oiScale } = ctx.params
    const oi = ctx.market.openInterest
    if (oi === undefined || oi.length < 2) return s.unavailable("no open-interest history")
    const short = s.needCandles(ctx.candles, 20)
    if (short) return short
    const first = oi[Math.max(0, oi.length - samples)]
    const lastOi = oi[oi.length - 1]
    if (!(first.amount > 0 && lastOi.amount > 0)) return s.unavailable("open interest not positive")
    const c = ctx.candles
    const n = c.close.length
    const from = Math.min(Math.max(0, s.lowerBound(c.time, first.time)), n - 2)
    const span = n - 1 - from
    const vol = s.realizedVol(c.close, Math.max(span, 20))
    const move = Math.log(c.close[n - 1] / c.close[from])
    const z = vol > 0 ? move / (vol * Math.sqrt(span)) : 0
    const o = Math.log(lastOi.amount / first.amount)
    const conviction = 0.625 + 0.375 * Math.tanh(o / oiScale)
    return s.scored(50 + 50 * Math.tanh(z / 1.5) * conviction, { priceMoveZ: z, oiChange: o, conviction })
  },
})
