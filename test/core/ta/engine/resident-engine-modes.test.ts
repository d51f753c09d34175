import { describe, expect, test } from "bun:test"
import { FULL_SET, makeResidentEngine } from "../../../../core/ta/index.ts"
import { getKernels } from "../../../../core/wasm/index.ts"
import { candle, oneOff, sameNaN } from "./support.ts"

describe("resident engine: latest-only mode", () => {
  test("keepHistory: false gives the same latest values, bounded memory, and no output views", () => {
    const full = makeResidentEngine(getKernels(), { capacity: 200, indicators: FULL_SET })
    const lean = makeResidentEngine(getKernels(), { capacity: 200, indicators: FULL_SET, keepHistory: false })
    const a = [full.addSeries("x"), full.addSeries("y")]
    const b = [lean.addSeries("x"), lean.addSeries("y")]
    for (let i = 0; i < 450; i++) {
      for (let s = 0; s < 2; s++) {
        full.append(a[s]!, candle(i + s * 300))
        lean.append(b[s]!, candle(i + s * 300))
      }
      if (i % 37 === 0 || i > 440) {
        full.compute()
        lean.compute()
      }
    }
    for (let s = 0; s < 2; s++) {
      for (const key of full.outputs) {
        const x = full.latest(a[s]!, key),
          y = lean.latest(b[s]!, key)
        if (Number.isNaN(x)) expect(y).toBeNaN()
        else expect(y).toBe(x)
        expect(x).toBe(full.output(a[s]!, key)[199]!)
      }
    }
    expect(() => lean.output(b[0]!, "rsi")).toThrow(RangeError)
    // Per-series cost: the output history (37 columns) is not kept.
    const [f0, l0] = [full.memoryBytes(), lean.memoryBytes()]
    full.addSeries("z")
    lean.addSeries("z")
    expect(lean.memoryBytes() - l0).toBeLessThan((full.memoryBytes() - f0) / 3)
    full.dispose()
    lean.dispose()
  })
})

describe("resident engine: series computed in pairs", () => {
  for (const keepHistory of [true, false]) {
    const name =
      "equal-length series (paired two per lane) == one-off, batch and per candle " + `(keepHistory: ${keepHistory})`
    test(name, () => {
      const e = makeResidentEngine(getKernels(), { capacity: 300, indicators: FULL_SET, keepHistory })
      const ids = [0, 1, 2, 3, 4].map((s) => e.addSeries(`p${s}`))
      ids.forEach((id, s) => {
        for (let i = 0; i < 260; i++) e.append(id, candle(s * 120 + i))
      })
      expect(e.compute()).toBe(5)
      const check = (len: number) =>
        ids.forEach((id, s) => {
          for (const key of e.outputs) {
            const want = oneOff(FULL_SET, key, s * 120, s * 120 + len)
            const got = e.latest(id, key)
            const w = want[want.length - 1]!
            if (Number.isNaN(w)) expect(got).toBeNaN()
            else expect(Math.abs(got - w)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(w)))
            if (keepHistory) sameNaN(e.output(id, key), want.subarray(Math.max(0, len - 300)), 1e-9)
          }
        })
      check(260)
      for (let step = 0; step < 70; step++) {
        ids.forEach((id, s) => e.append(id, candle(s * 120 + 260 + step)))
        if (step === 30) e.replaceLast(ids[1]!, { ...candle(120 + 290), close: candle(120 + 290).close })
        e.compute()
      }
      check(330)
      e.dispose()
    })
  }
})
