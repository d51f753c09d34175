/**
 * WASM kernels == TA-Lib 0.6.0-dev on real BTC/USDT and LTC/USDT 1m candles, for every function
 * in the fixtures: NaN exactly where TA-Lib has no value, |Δ| <= 1e-9 + 1e-9·|ref| elsewhere
 * (1e-6 absolute for BBANDS, whose E[x²]−mean² variance loses digits on BTC-sized prices).
 */
import { describe, expect, test } from "bun:test"
import * as ta from "../../../../core/ta/index.ts"
import { lookupFunction } from "../../../../core/ta/catalog.ts"
import { FIXTURE_SYMBOLS, expectMatchesTalib, loadFixture } from "../../../support/talib-fixture.ts"

type AnyFn = (...args: Array<unknown>) => Float64Array | Record<string, Float64Array>

for (const symbol of FIXTURE_SYMBOLS) {
  const fixture = loadFixture(symbol)
  describe(`WASM == TA-Lib (${symbol})`, () => {
    for (const [talibName, run] of Object.entries(fixture.talib)) {
      test(talibName, () => {
        const spec = lookupFunction(talibName)
        expect(spec).toBeDefined()
        const options: Record<string, number> = {}
        for (const [optIn, value] of Object.entries(run.params)) {
          if (optIn.endsWith("MAType")) {
            expect(value).toBe(0) // only SMA is supported, and that is what the fixtures use
            continue
          }
          const param = spec!.params.find((p) => p.talib === optIn)
          expect(param).toBeDefined()
          options[param!.name] = value
        }
        const fn = (ta as unknown as Record<string, AnyFn>)[spec!.name]
        expect(typeof fn).toBe("function")
        const inputs = spec!.inputs.map((name) => fixture.candles[name])
        const result = spec!.params.length > 0 ? fn!(...inputs, options) : fn!(...inputs)
        const abs = talibName === "BBANDS" ? 1e-6 : 1e-9
        spec!.outputs.forEach((out, i) => {
          const actual =
            spec!.outputs.length === 1 ? (result as Float64Array) : (result as Record<string, Float64Array>)[out]!
          const talibOut = spec!.talibOutputs[i]!
          expectMatchesTalib(actual, run.outputs[talibOut]!, { abs, label: `${symbol} ${talibName}.${talibOut}` })
        })
      })
    }
  })
}
