import { describe, expect, test } from "bun:test"
import {
  foldConfluence,
  weightedMeanTs,
  weightedMeanWasm,
  type PluginScore,
} from "../../../../core/analysis/confluence/index.ts"
import { COMPONENTS } from "../../../../core/plugins/index.ts"

describe("weighted mean kernel (WASM) against its TS reference", () => {
  test("hand values: NaN skipped, weights re-normalised, nothing present → NaN", () => {
    for (const mean of [weightedMeanWasm, weightedMeanTs]) {
      expect(mean(Float64Array.of(80, 50), Float64Array.of(1, 3))).toBe(57.5)
      expect(mean(Float64Array.of(Number.NaN, 70, 40), Float64Array.of(0.2, 0.3, 0.18))).toBeCloseTo(
        (21 + 7.2) / 0.48,
        12,
      )
      expect(mean(Float64Array.of(Number.NaN), Float64Array.of(1))).toBeNaN()
      expect(mean(new Float64Array(0), new Float64Array(0))).toBeNaN()
    }
  })

  test("a whole fold is the same with either kernel", () => {
    // A fixed, varied set: 3 plugins per component, every 4th missing.
    const outcomes: Array<PluginScore> = []
    let k = 0
    for (const component of COMPONENTS) {
      for (let i = 0; i < 3; i++, k++) {
        const score = (k * 37) % 101
        outcomes.push(
          k % 4 === 3
            ? { name: `p${k}`, component, weight: 1 + (k % 3), status: "failed", score: null, values: {} }
            : { name: `p${k}`, component, weight: 1 + (k % 3), status: "ok", score, values: {} },
        )
      }
    }
    const wasm = foldConfluence(outcomes, { timeframe: "1m", time: 0, mean: weightedMeanWasm })
    const ts = foldConfluence(outcomes, { timeframe: "1m", time: 0, mean: weightedMeanTs })
    expect(wasm.score).not.toBeNull()
    expect(wasm.score!).toBeCloseTo(ts.score!, 12)
    expect(wasm.consensus!).toBeCloseTo(ts.consensus!, 12)
    expect(wasm.confidence!).toBeCloseTo(ts.confidence!, 12)
    for (const c of COMPONENTS) expect(wasm.components[c].score!).toBeCloseTo(ts.components[c].score!, 12)
  })
})
