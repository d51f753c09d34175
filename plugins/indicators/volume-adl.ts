/**
 * volume-adl — trend of the accumulation/distribution line, as the Chaikin oscillator
 * EMA3(ADL) − EMA10(ADL) (a declared input: TA-Lib ADOSC over the series' whole history), in
 * units of average candle volume.
 *
 * Score rule: x = (EMA3(ADL) − EMA10(ADL)) / mean volume(10);  score = 50 + 50·tanh(x)
 *   The ADL adds each candle's volume × close location ((c−l)−(h−c))/(h−l); its short EMA above
 *   its long EMA means money has recently been flowing in faster than before.
 * No volume in the window: unavailable ("no volume"). Fewer than slow+1 candles: unavailable.
 */
import { defineIndicator, input, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ fast: number; slow: number; scale: number }>({
  apiVersion: 2,
  kind: "indicator",
  name: "volume-adl",
  component: "volume",
  weight: 0.15,
  lookback: 11,
  description: "Chaikin oscillator of the A/D line in average-volume units",
  params: {
    fast: { type: "number", default: 3, description: "fast EMA of the ADL", min: 2, max: 100 },
    slow: { type: "number", default: 10, description: "slow EMA of the ADL", min: 2, max: 400 },
    scale: {
      type: "number",
      default: 1,
      description: "oscillator (in mean volumes) that maps to ≈88 / 12",
      min: 0.05,
      max: 20,
    },
  },
  inputs: (p) => ({ adosc: input.adosc({ fastPeriod: p.fast, slowPeriod: p.slow }) }),
  compute(ctx) {
    const { slow, scale } = ctx.params
    const short = s.needCandles(ctx.candles, slow + 1)
    if (short) return short
    const c = ctx.candles
    const n = c.close.length
    const meanVolume = s.mean(c.volume, n - slow, n)
    if (!(meanVolume > 0)) return s.unavailable("no volume")
    const osc = ctx.inputs.adosc
    const x = osc / meanVolume
    return s.scored(s.squash(x, scale), { oscillator: osc, x })
  },
})
