import { describe, expect, test } from "bun:test"
import {
  detailOf,
  foldConfluence,
  interpretationOf,
  type PluginScore,
} from "../../../../core/analysis/confluence/index.ts"

const ok = (
  name: string,
  component: PluginScore["component"],
  score: number,
  weight = 1,
  values: Record<string, number> = {},
): PluginScore => ({ name, component, weight, status: "ok", score, values })
const failed = (name: string, component: PluginScore["component"], weight = 1): PluginScore => ({
  name,
  component,
  weight,
  status: "failed",
  score: null,
  values: {},
  error: "compute threw Error: boom",
})

// Hand-computed case used by several tests:
//   technical: a 80 (w1), b 50 (w3) → (80 + 150) / 4 = 57.5
//   orderflow: c 70 → 70;   volume: e 40 → 40;   orderbook: d failed → unavailable
//   price_structure, sentiment: no plugins → unavailable
//   available weights .30 + .18 + .10 = .58
//   final = (.30·70 + .18·40 + .10·57.5) / .58 = 33.95 / .58 = 58.534483
//   n = (s−50)/50: orderflow .4, volume −.2, technical .15; n̄ = .099 / .58 = .170690
//   E[n²] = (.3·.16 + .18·.04 + .1·.0225) / .58 = .05745 / .58 = .099052
//   variance = .099052 − .170690² = .069917; consensus = e^(−.139834) = .869503
//   confidence = .170690 · .869503 = .148415
const mixed: ReadonlyArray<PluginScore> = [
  ok("a", "technical", 80, 1, { rsi: 71.2 }),
  ok("b", "technical", 50, 3),
  ok("c", "orderflow", 70),
  failed("d", "orderbook"),
  ok("e", "volume", 40),
]

describe("foldConfluence", () => {
  test("component = weighted mean of its ok plugins; final = weighted mean of available components", () => {
    const r = foldConfluence(mixed, { timeframe: "1m", time: 1_700_000_000_000 })
    expect(r.components.technical.score).toBeCloseTo(57.5, 10)
    expect(r.components.orderflow.score).toBe(70)
    expect(r.components.volume.score).toBe(40)
    expect(r.components.orderbook.score).toBeNull()
    expect(r.score).toBeCloseTo(58.534483, 5)
    expect(r.direction).toBe("bullish")
    expect(r.timeframe).toBe("1m")
    expect(r.time).toBe(1_700_000_000_000)
  })

  test("consensus and confidence", () => {
    const r = foldConfluence(mixed, { timeframe: "1m", time: 0 })
    expect(r.consensus).toBeCloseTo(0.869503, 5)
    expect(r.confidence).toBeCloseTo(0.148415, 5)
  })

  test("redistributed component weights, plugin shares and contributions that sum to score − 50", () => {
    const r = foldConfluence(mixed, { timeframe: "5m", time: 0 })
    expect(r.components.orderflow.weight).toBeCloseTo(0.3 / 0.58, 10)
    expect(r.components.volume.weight).toBeCloseTo(0.18 / 0.58, 10)
    expect(r.components.technical.weight).toBeCloseTo(0.1 / 0.58, 10)
    expect(r.components.orderbook.weight).toBe(0)
    expect(r.components.orderbook.configuredWeight).toBe(0.2)
    const [a, b] = detailOf(r).components.technical.plugins
    expect(a).toMatchObject({ name: "a", weight: 0.25, score: 80, values: { rsi: 71.2 } })
    expect(b.weight).toBe(0.75)
    expect(a.contribution).toBeCloseTo((0.1 / 0.58) * 0.25 * 30, 10) // 1.293103
    expect(b.contribution).toBe(0)
    expect(detailOf(r).components.volume.plugins[0].contribution).toBeCloseTo((0.18 / 0.58) * -10, 10) // −3.103448
    const total = Object.values(detailOf(r).components)
      .flatMap((c) => c.plugins)
      .reduce((s, p) => s + (p.contribution ?? 0), 0)
    expect(total).toBeCloseTo(r.score! - 50, 10)
  })

  test("partial result names the missing plugins and unavailable components", () => {
    const r = foldConfluence(mixed, { timeframe: "1m", time: 0 })
    expect(r.partial).toBe(true)
    expect(r.missing).toEqual(["d"])
    expect(r.unavailable).toEqual(["orderbook", "sentiment", "price_structure"])
    expect(r.components.orderbook.partial).toBe(true)
    expect(detailOf(r).components.orderbook.plugins[0]).toMatchObject({
      name: "d",
      status: "failed",
      score: null,
      contribution: null,
      error: "compute threw Error: boom",
    })
    expect(r.components.technical.partial).toBe(false)
  })

  test("interpretation line", () => {
    const r = foldConfluence(mixed, { timeframe: "1m", time: 0 })
    expect(interpretationOf(r)).toBe(
      "bullish 59: orderflow 70, technical 58; volume 40 against; orderbook unavailable; sentiment unavailable; " +
        "price structure unavailable",
    )
    const neutralBook = foldConfluence([ok("t", "technical", 71), ok("f", "orderflow", 68), ok("o", "orderbook", 51)], {
      timeframe: "1m",
      time: 0,
    })
    // (.10·71 + .30·68 + .20·51) / .60 = 37.7 / .6 = 62.83
    expect(neutralBook.score).toBeCloseTo(37.7 / 0.6, 10)
    expect(interpretationOf(neutralBook)).toStartWith("bullish 63: orderflow 68, technical 71; orderbook neutral")
  })

  test("a failed plugin drops out of its component, which re-normalises over the working ones", () => {
    const r = foldConfluence([ok("a", "technical", 80, 1), failed("b", "technical", 3)], { timeframe: "1m", time: 0 })
    expect(r.components.technical.score).toBe(80)
    expect(detailOf(r).components.technical.plugins[0].weight).toBe(1)
    expect(detailOf(r).components.technical.plugins[1].weight).toBe(0)
    // The only component: its score is the score, not pulled toward 50.
    expect(r.score).toBe(80)
    expect(r.consensus).toBe(1)
    expect(r.confidence).toBeCloseTo(0.6, 12)
  })

  test("never fabricates a neutral: no data → null score, not 50", () => {
    const r = foldConfluence(
      [
        failed("a", "technical"),
        {
          name: "u",
          component: "orderbook",
          weight: 1,
          status: "unavailable",
          score: null,
          values: {},
          reason: "no orderbook data",
        },
      ],
      { timeframe: "1m", time: 0 },
    )
    expect(r.score).toBeNull()
    expect(r.direction).toBeNull()
    expect(r.consensus).toBeNull()
    expect(r.confidence).toBeNull()
    expect(r.missing).toEqual(["a", "u"])
    expect(interpretationOf(r)).toBe(
      "no score: no data for technical, volume, orderflow, orderbook, sentiment, price structure",
    )
    expect(foldConfluence([], { timeframe: "1m", time: 0 }).score).toBeNull()
  })

  test("configured weights: 0 disables a component and its weight is redistributed", () => {
    const r = foldConfluence(mixed, { timeframe: "1m", time: 0, weights: { orderflow: 0 } })
    // (.18·40 + .10·57.5) / .28 = 12.95 / .28
    expect(r.score).toBeCloseTo(12.95 / 0.28, 10)
    expect(r.components.orderflow.weight).toBe(0)
    expect(r.unavailable).not.toContain("orderflow")
    expect(interpretationOf(r)).not.toContain("orderflow")
  })

  test("an ok outcome with a non-finite score is treated as missing, not averaged", () => {
    const r = foldConfluence([ok("a", "technical", 80), ok("nan", "technical", Number.NaN)], {
      timeframe: "1m",
      time: 0,
    })
    expect(r.components.technical.score).toBe(80)
    expect(r.missing).toEqual(["nan"])
  })
})
