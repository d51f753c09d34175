import { describe, expect, test } from "bun:test"
import {
  foldConfluence,
  fromSummary,
  rollUpTimeframes,
  summaryOf,
  type PluginScore,
} from "../../../core/analysis/index.ts"
import { ConfluenceComputed } from "../../../core/events/index.ts"
import { COMPONENTS, type Timeframe } from "../../../core/plugins/index.ts"

// 40 plugins per series with long names and values: the per-series detail is big, the event is not.
const outcomes = (shift: number): Array<PluginScore> =>
  Array.from({ length: 40 }, (_, i) => ({
    name: `some-rather-long-plugin-name-${i}`,
    component: COMPONENTS[i % COMPONENTS.length],
    weight: 0.1 + (i % 7) / 10,
    status: i % 9 === 0 ? "unavailable" : "ok",
    score: i % 9 === 0 ? null : (shift + i * 7.123456789) % 100,
    values: { first: Math.PI * i, second: Math.E * i, third: i / 3 },
  }))

const rollUp = () =>
  rollUpTimeframes(
    "SOMELONGBASE/USDT:USDT",
    (["1m", "5m", "30m", "4h"] as Array<Timeframe>).map((tf, k) =>
      foldConfluence(outcomes(k * 13.37), { timeframe: tf, time: 1_765_000_000_000 + k }),
    ),
  )

describe("the analysis.confluence payload", () => {
  test("is at most 1 KB of JSON, valid against the catalogue schema, plain data", () => {
    const overall = rollUp()
    const payload = summaryOf({ ...overall, score: overall.score! })
    const json = JSON.stringify(payload)
    expect(new TextEncoder().encode(json).length).toBeLessThanOrEqual(1024)
    // The full roll-up it summarises is an order of magnitude larger.
    expect(JSON.stringify(overall).length).toBeGreaterThan(10 * json.length)
    expect(ConfluenceComputed.parse(JSON.parse(json))).toEqual(payload)
    expect(payload).toMatchObject({ symbol: overall.symbol, timeframe: "all", time: overall.time, partial: true })
    expect(payload.score).toBeCloseTo(overall.score!, 4)
    expect(Object.keys(payload.timeframes)).toEqual(["1m", "5m", "30m", "4h"])
  })

  test("round-trips the roll-up's numbers, rounded (without the per-series detail)", () => {
    const overall = rollUp()
    const back = fromSummary(JSON.parse(JSON.stringify(summaryOf({ ...overall, score: overall.score! }))))
    const { results: _results, ...numbers } = overall
    expect(back.score).toBeCloseTo(overall.score!, 4)
    expect(back.confidence).toBeCloseTo(overall.confidence!, 6)
    for (const c of COMPONENTS)
      expect(back.components[c] ?? Number.NaN).toBeCloseTo(overall.components[c] ?? Number.NaN, 4)
    for (const tf of ["1m", "5m", "30m", "4h"] as const) {
      expect(back.timeframes[tf]!.score).toBeCloseTo(overall.timeframes[tf]!.score!, 4)
      expect(back.timeframes[tf]!.weight).toBeCloseTo(overall.timeframes[tf]!.weight, 6)
    }
    // Everything but the rounded numbers is the same.
    const rounded = {
      ...numbers,
      score: back.score,
      consensus: back.consensus,
      confidence: back.confidence,
      components: back.components,
      timeframes: back.timeframes,
    }
    expect(back).toEqual({ ...rounded, results: {} })
  })
})
