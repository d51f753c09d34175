/**
 * price-liquidity-zones — unbroken order blocks near price, and liquidity sweeps.
 *
 * Order block: the last opposite candle (within 3 bars) before an impulse candle whose body is
 *   ≥ 1.2 ATR14; a bullish block stays valid until a close below it (bearish mirrored).
 *   Each valid block adds dir · w · exp(−distance / 2 ATR), w = min(impulse / (1.2 ATR), 2):
 *   bullish blocks just under price are support, bearish blocks just above are supply.
 * Sweep: within the last 3 candles a wick through a prior swing low (width 2) that closed back
 *   above it took the sell-side liquidity and was rejected: +1; the mirror at a swing high: −1.
 * Score rule: score = 50 + 50·tanh((blocks + sweep) / 1.5).
 *   No blocks and no sweep in the window: 50, "no zones near price" (a reading, not missing data).
 * ATR14 is a declared input (TA-Lib, whole history). Flat market (ATR 0): unavailable.
 * Fewer than 20 candles: unavailable.
 */
import { defineIndicator, input, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ window: number; impulse: number; sweepBars: number }>({
  apiVersion: 2,
  kind: "indicator",
  name: "price-liquidity-zones",
  component: "price_structure",
  weight: 0.2,
  lookback: 20,
  description: "order blocks near price plus recent liquidity sweeps",
  params: {
    window: { type: "number", default: 100, description: "candles searched", min: 20, max: 5000 },
    impulse: {
      type: "number",
      default: 1.2,
      description: "impulse body in ATRs that marks a block",
      min: 0.2,
      max: 10,
    },
    sweepBars: { type: "number", default: 3, description: "recent candles checked for a sweep", min: 1, max: 20 },
  },
  inputs: { atr: input.atr({ period: 14 }) },
  compute(ctx) {
    const { window, impulse, sweepBars } = ctx.params
    const w = s.atrWindow(ctx.candles, ctx.inputs.atr, { window, flat: "flat market: no zones" })
    if ("score" in w) return w
    const c = ctx.candles
    const { from, to: n, atr } = w
    const close = c.close[n - 1]
    let blocks = 0
    let bull = 0
    let bear = 0
    for (const z of s.orderBlocks(c.open, c.high, c.low, c.close, impulse * atr, from, n)) {
      const dist = close > z.top ? close - z.top : close < z.bottom ? z.bottom - close : 0
      // A bullish block above price (or bearish below) is not support/supply for the close.
      if ((z.dir > 0 && z.bottom > close) || (z.dir < 0 && z.top < close)) continue
      blocks += z.dir * Math.min(z.size / (impulse * atr), 2) * Math.exp(-dist / (2 * atr))
      if (z.dir > 0) bull++
      else bear++
    }
    const piv = s.swings(c.high, c.low, 2, from, n - sweepBars)
    // The newest candle that swept a level decides (a high sweep wins over a low one on the same
    // candle), so scan from the newest back and stop at the first sweep.
    let sweep = 0
    for (let i = n - 1; i >= Math.max(from, n - sweepBars) && sweep === 0; i--) {
      const hi = c.high[i]
      const lo = c.low[i]
      const close = c.close[i]
      for (let k = 0; k < piv.highs.length; k++) {
        const level = c.high[piv.highs[k]]
        if (hi > level && close < level) {
          sweep = -1
          break
        }
      }
      if (sweep !== 0) break
      for (let k = 0; k < piv.lows.length; k++) {
        const level = c.low[piv.lows[k]]
        if (lo < level && close > level) {
          sweep = 1
          break
        }
      }
    }
    const x = blocks + sweep
    const values = { blocks, bullishBlocks: bull, bearishBlocks: bear, sweep, atr }
    if (bull + bear === 0 && sweep === 0) return s.scored(50, values, "no zones near price")
    return s.scored(s.squash(x, 1.5), values)
  },
})
