/**
 * sentiment-risk — leverage risk: funding extremity, open-interest build-up and volatility
 * expansion folded into one risk index; high risk reads bearish (risk-off).
 *
 * Risk parts (each 0 at "normal", clamped to [−1, 3]):
 *   funding = |rate| / 0.03 % − 1;  leverage = ln(OI last / OI first of the newest 12) / 5 %;
 *   volatility = ln(σ20 / σ100) / 0.5 (realised, from candles).
 * Score rule: r = mean of the available parts;  score = 50 − 50·tanh(r)
 *   Calm funding, shrinking OI and quiet volatility → above 50; stretched funding with OI
 *   piling in → well below.
 * Neither funding nor open interest available: unavailable (volatility alone is
 * sentiment-volatility's job). Declares only `fundingRate` as a need: open interest is optional.
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ fundingRef: number; oiRef: number; samples: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "sentiment-risk",
  component: "sentiment",
  weight: 0.12,
  lookback: 0,
  // The host skips a plugin when any declared need is missing; open interest is optional here.
  needs: ["fundingRate"],
  description: "risk index from funding, OI build-up and volatility expansion; high = risk-off",
  params: {
    fundingRef: {
      type: "number",
      default: 0.0003,
      description: "|funding| that counts as one unit of risk",
      min: 0.000001,
      max: 0.1,
    },
    oiRef: {
      type: "number",
      default: 0.05,
      description: "log OI growth that counts as one unit of risk",
      min: 0.0001,
      max: 10,
    },
    samples: { type: "number", default: 12, description: "newest open-interest samples compared", min: 2, max: 10000 },
  },
  compute(ctx) {
    const { fundingRef, oiRef, samples } = ctx.params
    const values: Record<string, number> = {}
    let sum = 0
    let parts = 0
    const funding = ctx.market.fundingRate?.rate
    if (funding !== undefined && Number.isFinite(funding)) {
      values.fundingRisk = s.clamp(Math.abs(funding) / fundingRef - 1, -1, 3)
      sum += values.fundingRisk
      parts++
    }
    const oi = ctx.market.openInterest
    if (oi !== undefined && oi.length >= 2) {
      const first = oi[Math.max(0, oi.length - samples)].amount
      const lastOi = oi[oi.length - 1].amount
      if (first > 0 && lastOi > 0) {
        values.leverageRisk = s.clamp(Math.log(lastOi / first) / oiRef, -1, 3)
        sum += values.leverageRisk
        parts++
      }
    }
    if (parts === 0) return s.unavailable("exchange provides neither funding rate nor open interest")
    const close = ctx.candles.close
    if (close.length >= 21) {
      const { volShort: short, volLong: long } = s.returnStats(close, 20, 100)
      if (short > 0 && long > 0) {
        values.volatilityRisk = s.clamp(Math.log(short / long) / 0.5, -1, 3)
        sum += values.volatilityRisk
        parts++
      }
    }
    const r = sum / parts
    values.risk = r
    return s.scored(50 - 50 * Math.tanh(r), values)
  },
})
