import { describe, expect, test } from "bun:test"
import { foldConfluence, rollUpTimeframes, type ConfluenceResult } from "../../../../core/analysis/confluence/index.ts"
import type { Timeframe } from "../../../../core/plugins/index.ts"

const at = (timeframe: Timeframe, score: number | null, time = 1000): ConfluenceResult =>
  foldConfluence(
    score === null
      ? []
      : [{ name: `t-${timeframe}`, component: "technical", weight: 1, status: "ok", score, values: {} }],
    { timeframe, time },
  )

describe("rollUpTimeframes", () => {
  test("default weights 1m .4, 5m .3, 30m .2, 4h .1 re-normalised over available timeframes", () => {
    // 30m missing: (.4·60 + .3·70 + .1·40) / .8 = 49 / .8 = 61.25
    // n = .2, .4, −.2 with weights .5, .375, .125 → n̄ = .225, E[n²] = .085
    // variance = .085 − .050625 = .034375; consensus = e^−.06875 = .933560; confidence = .225 · .933560
    const r = rollUpTimeframes(
      "BTC/USDT",
      new Map([
        ["1m", at("1m", 60)],
        ["5m", at("5m", 70)],
        ["30m", at("30m", null)],
        ["4h", at("4h", 40, 5000)],
      ]),
    )
    expect(r.symbol).toBe("BTC/USDT")
    expect(r.score).toBeCloseTo(61.25, 10)
    expect(r.timeframes["1m"]).toMatchObject({ score: 60, direction: "bullish", configuredWeight: 0.4 })
    expect(r.timeframes["1m"]!.weight).toBeCloseTo(0.5, 12)
    expect(r.timeframes["5m"]!.weight).toBeCloseTo(0.375, 12)
    expect(r.timeframes["4h"]!.weight).toBeCloseTo(0.125, 12)
    expect(r.timeframes["30m"]).toMatchObject({ score: null, weight: 0, direction: null })
    expect(r.missing).toEqual(["30m"])
    expect(r.partial).toBe(true)
    expect(r.agree).toBe(false)
    expect(r.consensus).toBeCloseTo(0.93356, 6)
    expect(r.confidence).toBeCloseTo(0.210051, 6)
    expect(r.components.technical).toBeCloseTo(61.25, 10)
    expect(r.components.orderflow).toBeNull()
    expect(r.time).toBe(5000)
    expect(r.results["1m"]!.score).toBe(60)
    expect(r.interpretation).toBe("bullish 61: 5m 70, 1m 60; 4h 40 against; 30m unavailable")
  })

  test("timeframes agree when all point the same way; custom weights; accepts an array", () => {
    const r = rollUpTimeframes("ETH/USDT", [at("1m", 60), at("5m", 70)], { "1m": 1, "5m": 3 })
    // (60 + 210) / 4 = 67.5
    expect(r.score).toBeCloseTo(67.5, 12)
    expect(r.agree).toBe(true)
    expect(r.missing).toEqual([])
    expect(Object.keys(r.timeframes)).toEqual(["1m", "5m"])
  })

  test("one timeframe cannot agree or disagree; none → null score", () => {
    expect(rollUpTimeframes("X", [at("1m", 80)]).agree).toBeNull()
    const none = rollUpTimeframes("X", [])
    expect(none.score).toBeNull()
    expect(none.agree).toBeNull()
    expect(none.missing).toEqual(["1m", "5m", "30m", "4h"])
  })
})
