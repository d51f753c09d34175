import { describe, expect, test } from "bun:test"
import { checkInputs, FUNCTIONS, lookupFunction, resolveParams, specOf } from "../../../core/ta/catalog.ts"

describe("catalog", () => {
  test("names are unique and lookups accept our and TA-Lib spellings, case-insensitively", () => {
    expect(new Set(FUNCTIONS.map((s) => s.name)).size).toBe(FUNCTIONS.length)
    expect(FUNCTIONS.length).toBe(30)
    for (const q of ["plusDi", "PLUS_DI", "plus_di", "PLUSDI", "plusdi"]) expect(lookupFunction(q)?.name).toBe("plusDi")
    expect(lookupFunction("STOCHRSI")?.name).toBe("stochRsi")
    expect(lookupFunction("nope")).toBeUndefined()
    expect(() => specOf("nope")).toThrow(RangeError)
  })

  test("every spec is self-consistent", () => {
    for (const s of FUNCTIONS) {
      expect(s.outputs.length).toBeGreaterThan(0)
      if (s.talib) expect(s.talibOutputs.length).toBe(s.outputs.length)
      for (const p of s.params) {
        expect(p.default).toBeGreaterThanOrEqual(p.min)
        expect(p.default).toBeLessThanOrEqual(p.max)
        if (p.integer) expect(Number.isInteger(p.default)).toBe(true)
      }
      expect(Number.isInteger(s.lookback(resolveParams(s, {})))).toBe(true)
    }
  })

  test("TA-Lib defaults", () => {
    const d = (name: string) => resolveParams(specOf(name), {})
    expect(d("sma")).toEqual({ period: 30 })
    expect(d("bbands")).toEqual({ period: 5, nbDevUp: 2, nbDevDn: 2 })
    expect(d("stoch")).toEqual({ fastKPeriod: 5, slowKPeriod: 3, slowDPeriod: 3 })
    expect(d("stochRsi")).toEqual({ period: 14, fastKPeriod: 5, fastDPeriod: 3 })
    expect(d("macd")).toEqual({ fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 })
    expect(d("ultosc")).toEqual({ period1: 7, period2: 14, period3: 28 })
    expect(d("sar")).toEqual({ acceleration: 0.02, maximum: 0.2 })
    expect(d("cci")).toEqual({ period: 14 })
    expect(d("vwap")).toEqual({ period: 0 })
  })

  test("lookbacks match TA-Lib's for the fixture parameters", () => {
    const lb = (name: string, o: Record<string, number>) => specOf(name).lookback(resolveParams(specOf(name), o))
    expect(lb("dema", { period: 20 })).toBe(38)
    expect(lb("tema", { period: 20 })).toBe(57)
    expect(lb("macd", {})).toBe(33)
    expect(lb("stoch", { fastKPeriod: 14 })).toBe(17)
    expect(lb("stochRsi", { fastKPeriod: 14 })).toBe(29)
    expect(lb("adx", {})).toBe(27)
    expect(lb("adosc", {})).toBe(9)
    expect(lb("ultosc", {})).toBe(28)
    expect(lb("vwap", { period: 5 })).toBe(4)
  })

  test("resolveParams and checkInputs reject bad values with RangeError", () => {
    const rsi = specOf("rsi")
    expect(() => resolveParams(rsi, { period: 1 })).toThrow("rsi: period must be an integer in [2, 100000], got 1")
    expect(() => resolveParams(rsi, { length: 3 } as Record<string, number>)).toThrow(
      'rsi: unknown option "length" (valid: period)',
    )
    expect(resolveParams(rsi, { period: undefined })).toEqual({ period: 14 })
    expect(() => checkInputs(specOf("atr"), [new Float64Array(3), new Float64Array(3), new Float64Array(2)])).toThrow(
      "atr: input lengths differ (high has 3, close has 2)",
    )
    expect(checkInputs(specOf("atr"), [new Float64Array(3), new Float64Array(3), new Float64Array(3)])).toBe(3)
  })
})
