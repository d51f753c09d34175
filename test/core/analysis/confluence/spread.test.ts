import { describe, expect, test } from "bun:test"
import { spread, weightedMeanWasm } from "../../../../core/analysis/confluence/index.ts"

const f = (xs: ReadonlyArray<number>) => Float64Array.from(xs)

// Runs on the WASM kernel (the default everywhere); math.test.ts checks it against the TS form.
describe("spread (consensus, confidence)", () => {
  test("two equally weighted scores 50 and 100", () => {
    // n = 0, 1 → n̄ = .5, variance = .25, consensus = e^−.5 = .606531, confidence = .5 · .606531
    const r = spread(f([50, 100]), f([1, 1]), weightedMeanWasm)
    expect(r.consensus).toBeCloseTo(0.606531, 6)
    expect(r.confidence).toBeCloseTo(0.303265, 6)
  })

  test("full agreement at the extreme gives consensus 1 and confidence 1", () => {
    const r = spread(f([100, 100, 100]), f([0.2, 0.3, 0.5]), weightedMeanWasm)
    expect(r.consensus).toBe(1)
    expect(r.confidence).toBe(1)
  })

  test("opposite extremes: variance 1 → consensus e^−2, confidence 0", () => {
    const r = spread(f([0, 100]), f([1, 1]), weightedMeanWasm)
    expect(r.consensus).toBeCloseTo(Math.exp(-2), 12)
    expect(r.confidence).toBe(0)
  })

  test("missing (NaN) scores are skipped; none present → null", () => {
    expect(spread(f([Number.NaN, 100]), f([5, 1]), weightedMeanWasm)).toEqual({ consensus: 1, confidence: 1 })
    expect(spread(f([Number.NaN]), f([1]), weightedMeanWasm)).toEqual({ consensus: null, confidence: null })
  })
})
