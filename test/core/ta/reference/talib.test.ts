/**
 * The TS reference against the real TA-Lib, one test per function and fixture. Beyond the
 * 1e-9 tolerance the engine is held to we assert bit-identity: the reference follows TA-Lib's operation order, so any
 * drift means a change of formula.
 */
import { describe, expect, test } from "bun:test"
import { FUNCTIONS } from "../../../../core/ta/catalog.ts"
import * as ref from "../../../support/ta-reference/index.ts"
import { expectMatchesTalib, FIXTURE_SYMBOLS, loadFixture, talibCase } from "../../../support/talib-fixture.ts"

type AnyFn = (...args: Array<unknown>) => Float64Array | Record<string, Float64Array>

const tested = FUNCTIONS.filter((s) => s.talib !== null && loadFixture("btcusdt").talib[s.talib] !== undefined)

describe("TS reference == TA-Lib", () => {
  test("the fixtures cover all 28 TA-Lib functions of the catalogue except STDDEV", () => {
    expect(tested.map((s) => s.talib).sort()).toEqual(
      FUNCTIONS.filter((s) => s.talib && s.talib !== "STDDEV")
        .map((s) => s.talib)
        .sort(),
    )
    expect(tested.length).toBe(28)
  })

  for (const symbol of FIXTURE_SYMBOLS) {
    for (const spec of tested) {
      test(`${spec.name} (${spec.talib}) on ${symbol}`, () => {
        const fixture = loadFixture(symbol)
        const c = talibCase(fixture, spec.name)
        const fn = (ref as unknown as Record<string, AnyFn>)[spec.name]!
        const result = fn(...c.inputs, c.options)
        const outputs = result instanceof Float64Array ? { real: result } : result
        expect(Object.keys(outputs).sort()).toEqual([...spec.outputs].sort())
        for (const out of spec.outputs) {
          const dev = expectMatchesTalib(outputs[out]!, c.expected[out]!, { label: `${symbol} ${spec.talib}.${out}` })
          expect(dev.compared).toBeGreaterThan(1000)
          expect(dev.maxAbs).toBe(0)
        }
      })
    }
  }
})
