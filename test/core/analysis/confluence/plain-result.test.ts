import { describe, expect, test } from "bun:test"
import {
  contributionsOf,
  detailOf,
  foldConfluence,
  interpretationOf,
  weightedMeanTs,
  type PluginScore,
} from "../../../../core/analysis/confluence/index.ts"

// The fold returns plain data (no getters, nothing built on read); contributions and the
// interpretation are derived from it on demand and must not depend on anything after the fold.
const outcomes = (): Array<PluginScore> => [
  { name: "rsi", component: "technical", weight: 0.5, status: "ok", score: 70, values: { rsi: 70 } },
  {
    name: "atr",
    component: "technical",
    weight: 0.5,
    status: "failed",
    score: null,
    values: {},
    error: "compute threw Error: boom",
  },
  { name: "obv", component: "volume", weight: 1, status: "ok", score: 40, values: {} },
  {
    name: "depth",
    component: "orderbook",
    weight: 1,
    status: "unavailable",
    score: null,
    values: {},
    reason: "no orderbook data",
  },
]

const hasGetter = (value: unknown): boolean => {
  if (typeof value !== "object" || value === null) return false
  return Object.values(Object.getOwnPropertyDescriptors(value)).some((d) => d.get !== undefined || hasGetter(d.value))
}

describe("a fold result", () => {
  test("is plain data: no accessor anywhere, JSON round-trips to an equal value", () => {
    const r = foldConfluence(outcomes(), { timeframe: "5m", time: 1 })
    expect(hasGetter(r)).toBe(false)
    expect(Object.keys(r.components.technical)).toEqual(["score", "weight", "configuredWeight", "partial"])
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
    expect(detailOf(r)).toEqual(
      detailOf(foldConfluence(outcomes(), { timeframe: "5m", time: 1, mean: weightedMeanTs })),
    )
  })

  test("derives contributions and the interpretation line on demand", () => {
    const r = foldConfluence(outcomes(), { timeframe: "5m", time: 1 })
    expect(contributionsOf(r, "technical").map((p) => [p.name, p.weight, p.score])).toEqual([
      ["rsi", 1, 70],
      ["atr", 0, null],
    ])
    expect(contributionsOf(r, "orderbook")[0]).toMatchObject({
      name: "depth",
      reason: "no orderbook data",
      contribution: null,
    })
    expect(interpretationOf(r)).toBe(detailOf(r).interpretation)
    expect(interpretationOf(r)).toStartWith("neutral 51: bullish technical 70; bearish volume 40")
  })

  test("does not see later folds nor changes to the outcome list after the fold", () => {
    const list = outcomes()
    const r = foldConfluence(list, { timeframe: "5m", time: 1 })
    const expected = foldConfluence(outcomes(), { timeframe: "5m", time: 1, mean: weightedMeanTs })
    // Another fold reuses the default path's scratch memory; then the caller reuses its list.
    foldConfluence([{ name: "x", component: "technical", weight: 3, status: "ok", score: 10, values: {} }], {
      timeframe: "1m",
      time: 2,
    })
    list.length = 0
    list.push({ name: "late", component: "volume", weight: 1, status: "ok", score: 99, values: {} })
    expect(detailOf(r)).toEqual(detailOf(expected))
    expect(r).toEqual(expected)
  })
})
