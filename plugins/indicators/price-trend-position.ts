/**
 * price-trend-position — close against the 20- and 50-candle moving averages, and their order.
 *
 * Score rule (distances in ATR14 units):
 *   x = 0.4·(close − SMA20) + 0.3·(close − SMA50) + 0.3·(SMA20 − SMA50);  score = 50 + 50·tanh(x / 2)
 *   Price above both averages with the fast one above the slow one is the textbook uptrend;
 *   in ATR units a 2-ATR lead maps to ≈88.
 * SMAs and ATR are declared inputs (TA-Lib). Flat market (ATR 0): 50, "flat market".
 * Fewer than 50 candles: unavailable.
 */
import { defineIndicator, input, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ fast: number; slow: number; scale: number }>({
  apiVersion: 2,
  kind: "indicator",
  name: "price-trend-position",
  component: "price_structure",
  weight: 0.15,
  lookback: 50,
  description: "close vs SMA20/SMA50 and SMA20 vs SMA50, in ATR units",
  params: {
    fast: { type: "number", default: 20, description: "fast SMA period", min: 2, max: 400 },
    slow: { type: "number", default: 50, description: "slow SMA period", min: 3, max: 1000 },
    scale: { type: "number", default: 2, description: "ATRs that map to ≈88 / 12", min: 0.1, max: 20 },
  },
  inputs: (p) => ({
    smaFast: input.sma({ period: p.fast }),
    smaSlow: input.sma({ period: p.slow }),
    atr: input.atr({ period: 14 }),
  }),
  compute(ctx) {
    const { slow, scale } = ctx.params
    const short = s.needCandles(ctx.candles, slow)
    if (short) return short
    const c = ctx.candles
    const n = c.close.length
    const close = c.close[n - 1]
    const { smaFast: f, smaSlow: sl, atr } = ctx.inputs
    if (!(atr > 0)) return s.scored(50, { smaFast: f, smaSlow: sl, atr: 0 }, "flat market")
    const x = (0.4 * (close - f) + 0.3 * (close - sl) + 0.3 * (f - sl)) / atr
    return s.scored(s.squash(x, scale), { smaFast: f, smaSlow: sl, atr, x })
  },
})
