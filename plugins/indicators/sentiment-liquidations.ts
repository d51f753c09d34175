/**
 * sentiment-liquidations — time-decayed forced flow from liquidations.
 *
 * Each liquidation's notional weighs 2^(−age / 30 min), age from the newest of: ticker time,
 * newest liquidation, newest candle. Short liquidations are forced buys, long liquidations
 * forced sells.
 * Score rule: r = (short − long)/(short + long) decayed notional;
 *   intensity = decayed notional / (24 h quote volume · 30 min / 24 h), the share of a
 *   half-life's turnover that was forced; confidence = tanh(intensity / 0.5 %), 1 when the
 *   ticker has no quote volume;  score = 50 + 50·tanh(r · confidence / 0.5)
 * The exchange provides no liquidation feed: unavailable. Feed present but nothing liquidated
 * in the window: 50, "no liquidations" (a reading).
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ halfLifeMin: number; intensityRef: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "sentiment-liquidations",
  component: "sentiment",
  weight: 0.2,
  lookback: 0,
  needs: ["liquidations"],
  description: "time-decayed short vs long liquidations, scaled by their share of turnover",
  params: {
    halfLifeMin: {
      type: "number",
      default: 30,
      description: "half-life of a liquidation's weight (minutes)",
      min: 1,
      max: 10080,
    },
    intensityRef: {
      type: "number",
      default: 0.005,
      description: "forced share of turnover that counts as heavy",
      min: 0.00001,
      max: 1,
    },
  },
  compute(ctx) {
    const { halfLifeMin, intensityRef } = ctx.params
    const liqs = ctx.market.liquidations
    if (liqs === undefined) return s.unavailable("exchange provides no liquidation feed")
    if (liqs.length === 0) return s.scored(50, { longNotional: 0, shortNotional: 0 }, "no liquidations")
    let now = ctx.market.ticker?.time ?? 0
    const times = ctx.candles.time
    if (times.length > 0 && times[times.length - 1] > now) now = times[times.length - 1]
    for (const l of liqs) if (l.time > now) now = l.time
    const k = Math.LN2 / (halfLifeMin * 60_000)
    let long = 0
    let short = 0
    for (const l of liqs) {
      const w = Math.exp(-k * (now - l.time)) * l.amount * l.price
      if (l.side === "long") long += w
      else short += w
    }
    const total = long + short
    if (!(total > 0)) return s.scored(50, { longNotional: 0, shortNotional: 0 }, "no liquidations")
    const quote = ctx.market.ticker?.quoteVolume
    const intensity = quote !== undefined && quote > 0 ? total / ((quote * halfLifeMin) / 1440) : Number.NaN
    const confidence = Number.isFinite(intensity) ? Math.tanh(intensity / intensityRef) : 1
    const r = s.balance(short, long)
    return s.scored(s.squash(r * confidence, 0.5), {
      longNotional: long,
      shortNotional: short,
      net: r,
      intensity,
      confidence,
    })
  },
})
