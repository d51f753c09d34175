import { describe, expect, test } from "bun:test"
import { foldConfluence, weightedMeanTs, type PluginScore } from "../../../../core/analysis/confluence/index.ts"

// The fold builds `components.<c>.plugins` and `interpretation` on first read. These tests pin
// what that must not change: the values are the fold-time ones, whatever happens afterwards.
const outcomes = (): Array<PluginScore> => [
  { name: "rsi", component: "technical", weight: 0.5, status: "ok", score: 70, values: { rsi: 70 } },
  { name: "atr", component: "technical", weight: 0.5, status: "failed", score: null, values: {}, error: "compute threw Error: boom" },
  { name: "obv", component: "volume", weight: 1, status: "ok", score: 40, values: {} },
  { name: "depth", component: "orderbook", weight: 1, status: "unavailable", score: null, values: {}, reason: "no orderbook data" },
]

describe("fold results built on first read", () => {
  test("are plain enumerable fields: spread and JSON see them, equal to the reference path's", () => {
    const r = foldConfluence(outcomes(), { timeframe: "5m", time: 1 })
    const reference = foldConfluence(outcomes(), { timeframe: "5m", time: 1, mean: weightedMeanTs })
    expect(Object.keys(r)).toContain("interpretation")
    expect(Object.keys(r.components.technical)).toEqual(["score", "weight", "configuredWeight", "plugins", "partial"])
    expect(JSON.parse(JSON.stringify(r))).toEqual(JSON.parse(JSON.stringify(reference)))
    expect({ ...r }.interpretation).toBe(reference.interpretation)
    expect(r.components.technical.plugins.map((p) => p.name)).toEqual(["rsi", "atr"])
  })

  test("are read once: the same list and line on every read", () => {
    const r = foldConfluence(outcomes(), { timeframe: "5m", time: 1 })
    expect(r.components.volume.plugins).toBe(r.components.volume.plugins)
    expect(r.interpretation).toBe(r.interpretation)
  })

  test("do not see later folds nor changes to the outcome list after the fold", () => {
    const list = outcomes()
    const r = foldConfluence(list, { timeframe: "5m", time: 1 })
    const expected = foldConfluence(outcomes(), { timeframe: "5m", time: 1, mean: weightedMeanTs })
    // Another fold reuses the default path's scratch memory; then the caller reuses its list.
    foldConfluence([{ name: "x", component: "technical", weight: 3, status: "ok", score: 10, values: {} }], { timeframe: "1m", time: 2 })
    list.length = 0
    list.push({ name: "late", component: "volume", weight: 1, status: "ok", score: 99, values: {} })
    expect(r.components.technical.plugins).toEqual(expected.components.technical.plugins)
    expect(r.components.volume.plugins).toEqual(expected.components.volume.plugins)
    expect(r.interpretation).toBe(expected.interpretation)
    expect(r).toEqual(expected)
  })
})
