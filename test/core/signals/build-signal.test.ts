import { describe, expect, test } from "bun:test"
import { foldConfluence, rollUpTimeframes } from "../../../core/analysis/index.ts"
import type { IndicatorOutcome } from "../../../core/plugins/index.ts"
import { buildSignal, DEFAULT_RULES, topIndicators, tradePlan } from "../../../core/signals/index.ts"

const outcome = (name: string, component: IndicatorOutcome["component"], score: number): IndicatorOutcome => ({
  name,
  component,
  weight: 1,
  status: "ok",
  score,
  values: {},
  micros: 1,
})

const confluence = () => {
  const outcomes = [
    outcome("rsi", "technical", 80),
    outcome("cci", "technical", 60),
    outcome("cvd", "orderflow", 90),
    outcome("obi", "orderbook", 30),
    outcome("obv", "volume", 70),
  ]
  const result = foldConfluence(outcomes, { timeframe: "1m", time: 1_000 })
  return rollUpTimeframes("BTC/USDT", [result], { "1m": 1 })
}

describe("signal payload", () => {
  test("trade plan: stop at 1.5 ATR, targets at 1/2/3 R, mirrored for shorts", () => {
    const rules = { stopAtr: 1.5, targets: [1, 2, 3] }
    const long = tradePlan("long", 100, 2, rules)
    expect(long).toEqual({ entry: 100, stop: 97, targets: [103, 106, 109], atr: 2, riskReward: [1, 2, 3] })
    const short = tradePlan("short", 100, 2, rules)
    expect(short.stop).toBe(103)
    expect(short.targets).toEqual([97, 94, 91])
    expect(tradePlan("long", 100, null, rules)).toEqual({
      entry: 100,
      stop: null,
      targets: [],
      atr: null,
      riskReward: [],
    })
  })

  test("top indicators: those pushing the signal's way, strongest first", () => {
    // Weights over the available components (.30 + .20 + .18 + .10 = .78):
    // cvd .30/.78·40 = 15.38, obv .18/.78·20 = 4.62, rsi .10/.78·½·30 = 1.92, cci .10/.78·½·10 = 0.64.
    const top = topIndicators(confluence(), "long")
    expect(top.map((t) => t.name)).toEqual(["cvd", "obv", "rsi", "cci"])
    expect(top[0]!.contribution).toBeCloseTo((0.3 / 0.78) * 40, 9)
    expect(top[2]!.contribution).toBeCloseTo((0.1 / 0.78) * 0.5 * 30, 9)
    expect(top.every((t) => t.contribution > 0)).toBe(true)
    expect(topIndicators(confluence(), "short").map((t) => t.name)).toEqual(["obi"])
  })

  test("the signal carries score, consensus, confidence, components, price, thresholds and a deterministic id", () => {
    const c = confluence()
    const signal = buildSignal({
      confluence: c,
      decision: { side: "long", agreement: 0.75 },
      timeframe: "all",
      price: 100,
      atr: 2,
      rules: { ...DEFAULT_RULES, stopAtr: 1.5, targets: [1, 2] },
    })
    expect(signal.id).toBe("sig:BTC/USDT:all:long:1000")
    expect(signal.score).toBe(c.score!)
    expect(signal.consensus).toBe(c.consensus)
    expect(signal.confidence).toBe(c.confidence)
    expect(signal.components).toEqual(c.components)
    expect(signal.thresholds).toEqual(DEFAULT_RULES)
    expect(signal.trade.targets).toEqual([103, 106])
    expect(signal.interpretation).toContain("LONG BTC/USDT")
    expect(signal.interpretation).toContain("75% of components agree")
  })
})
