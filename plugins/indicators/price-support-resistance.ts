/**
 * price-support-resistance — room to the nearest resistance vs room to the nearest support.
 *
 * Levels: confirmed swing highs / lows (fractals of width 3) in the last 100 candles;
 *   resistance = the lowest swing high above the close, support = the highest swing low below.
 * Score rule: up = (resistance − close) / ATR14, down = (close − support) / ATR14, each clamped
 *   to [0.25, 6] (a missing level — price above every swing high, a breakout — counts as 6);
 *   score = 50 + 50·tanh(ln(up / down) / 1.5)
 *   Sitting on support with resistance far away → high; pressed under resistance → low.
 * No swing levels at all (too few or flat candles): unavailable. Fewer than 20 candles: unavailable.
 */
import { defineIndicator, input, scoring as s } from "virtuoso/sdk"

const ROOM_MIN = 0.25
const ROOM_MAX = 6

export default defineIndicator<{ window: number; width: number }>({
  apiVersion: 2,
  kind: "indicator",
  name: "price-support-resistance",
  component: "price_structure",
  weight: 0.15,
  lookback: 20,
  description: "log ratio of room to resistance vs room to support (swing levels)",
  params: {
    window: { type: "number", default: 100, description: "candles searched for swing levels", min: 20, max: 5000 },
    width: { type: "number", default: 3, description: "fractal half-width of a swing", min: 1, max: 20 },
  },
  inputs: { atr: input.atr({ period: 14 }) },
  compute(ctx) {
    const { window, width } = ctx.params
    const w = s.atrWindow(ctx.candles, ctx.inputs.atr, { window, flat: "flat market: no swing levels" })
    if ("score" in w) return w
    const c = ctx.candles
    const { from, to: n, atr } = w
    const piv = s.swings(c.high, c.low, width, from, n)
    if (piv.highs.length + piv.lows.length === 0) return s.unavailable("no swing levels in window")
    const close = c.close[n - 1]
    let resistance = Number.POSITIVE_INFINITY
    let support = Number.NEGATIVE_INFINITY
    for (const i of piv.highs) if (c.high[i] > close && c.high[i] < resistance) resistance = c.high[i]
    for (const i of piv.lows) if (c.low[i] < close && c.low[i] > support) support = c.low[i]
    const up = s.clamp((resistance - close) / atr, ROOM_MIN, ROOM_MAX)
    const down = s.clamp((close - support) / atr, ROOM_MIN, ROOM_MAX)
    return s.scored(s.squash(Math.log(up / down), 1.5), { resistance, support, roomUp: up, roomDown: down })
  },
})
