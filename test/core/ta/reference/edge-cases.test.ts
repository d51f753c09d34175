/** Edge cases of the TS reference: short inputs, flat series, bad parameters, mismatched inputs. */
import { describe, expect, test } from "bun:test"
import { FUNCTIONS, resolveParams, type FunctionSpec } from "../../../../core/ta/catalog.ts"
import * as ref from "../../../support/ta-reference/index.ts"
import { loadFixture } from "../../../support/talib-fixture.ts"

type AnyFn = (...args: Array<unknown>) => Float64Array | Record<string, Float64Array>
const fnOf = (spec: FunctionSpec): AnyFn => (ref as unknown as Record<string, AnyFn>)[spec.name]!
const outputsOf = (r: Float64Array | Record<string, Float64Array>): Record<string, Float64Array> =>
  r instanceof Float64Array ? { real: r } : r

/** Candle columns cut from the LTC fixture (real, varied data). */
const slice = (n: number, from = 100): Record<string, Float64Array> => {
  const c = loadFixture("ltcusdt").candles
  return {
    open: c.open.slice(from, from + n),
    high: c.high.slice(from, from + n),
    low: c.low.slice(from, from + n),
    close: c.close.slice(from, from + n),
    volume: c.volume.slice(from, from + n),
  }
}
const run = (spec: FunctionSpec, cols: Record<string, Float64Array>, options?: object) =>
  outputsOf(fnOf(spec)(...spec.inputs.map((i) => cols[i]), options))

describe("every catalogue function", () => {
  for (const spec of FUNCTIONS) {
    const lookback = spec.lookback(resolveParams(spec, {}))

    test(`${spec.name}: exported by the reference with the catalogue's outputs`, () => {
      expect(typeof fnOf(spec)).toBe("function")
      expect(Object.keys(run(spec, slice(200))).sort()).toEqual([...spec.outputs].sort())
    })

    test(`${spec.name}: input of length lookback (${lookback}) is all NaN; one more gives one value`, () => {
      for (const arr of Object.values(run(spec, slice(lookback)))) {
        expect(arr.length).toBe(lookback)
        expect(arr.every(Number.isNaN)).toBe(true)
      }
      for (const arr of Object.values(run(spec, slice(lookback + 1)))) {
        expect(arr.length).toBe(lookback + 1)
        expect(arr.slice(0, lookback).every(Number.isNaN)).toBe(true)
        expect(Number.isFinite(arr[lookback]!)).toBe(true)
      }
    })

    test(`${spec.name}: leaves its inputs untouched`, () => {
      const cols = slice(300)
      const before = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, Array.from(v)]))
      run(spec, cols)
      for (const [k, v] of Object.entries(cols)) expect(Array.from(v)).toEqual(before[k]!)
    })

    test(`${spec.name}: empty input gives empty output`, () => {
      for (const arr of Object.values(run(spec, slice(0)))) expect(arr.length).toBe(0)
    })

    test(`${spec.name}: output values start exactly at the lookback on default parameters`, () => {
      for (const arr of Object.values(run(spec, slice(500)))) {
        expect(arr.findIndex((v) => !Number.isNaN(v))).toBe(lookback)
        expect(arr.slice(lookback).every(Number.isFinite)).toBe(true)
      }
    })

    if (spec.inputs.length > 1) {
      test(`${spec.name}: inputs of different lengths throw RangeError`, () => {
        const cols = slice(100)
        const last = spec.inputs[spec.inputs.length - 1]!
        expect(() => run(spec, { ...cols, [last]: cols[last]!.slice(0, 99) })).toThrow(RangeError)
        expect(() => run(spec, { ...cols, [last]: cols[last]!.slice(0, 99) })).toThrow(/input lengths differ/)
      })
    }

    for (const param of spec.params) {
      test(`${spec.name}: ${param.name} outside [${param.min}, ${param.max}] or not a number throws RangeError`, () => {
        const cols = slice(100)
        expect(() => run(spec, cols, { [param.name]: param.min - Math.max(1, Math.abs(param.min)) })).toThrow(
          RangeError,
        )
        expect(() => run(spec, cols, { [param.name]: param.max * 10 })).toThrow(RangeError)
        expect(() => run(spec, cols, { [param.name]: NaN })).toThrow(new RegExp(`${param.name} must be`))
        if (param.integer) expect(() => run(spec, cols, { [param.name]: param.default + 0.5 })).toThrow(RangeError)
      })
    }

    if (spec.params.length > 0) {
      test(`${spec.name}: unknown option throws RangeError naming the valid ones`, () => {
        expect(() => run(spec, slice(100), { timePeriod: 3 })).toThrow(/unknown option "timePeriod" \(valid: /)
      })
    }
  }
})

describe("flat series", () => {
  const n = 120
  const flat = new Float64Array(n).fill(42)
  const vol = new Float64Array(n).fill(5)
  const last = (a: Float64Array) => a[n - 1]

  test("RSI is 0 (not 50) on a flat window", () => {
    const r = ref.rsi(flat)
    expect(r.slice(14).every((v) => v === 0)).toBe(true)
  })
  test("STOCH %K/%D and STOCHRSI are 0 when high == low", () => {
    const s = ref.stoch(flat, flat, flat)
    expect(s.k.slice(8).every((v) => v === 0)).toBe(true)
    expect(s.d.slice(8).every((v) => v === 0)).toBe(true)
    const sr = ref.stochRsi(flat)
    expect(sr.k.slice(20).every((v) => v === 0)).toBe(true)
  })
  test("WILLR, CCI, MOM, ROC, ATR, STDDEV, ADX/DI, ULTOSC, MFI are 0; averages equal the price", () => {
    expect(last(ref.willr(flat, flat, flat))).toBe(0)
    expect(last(ref.cci(flat, flat, flat))).toBe(0)
    expect(last(ref.mom(flat))).toBe(0)
    expect(last(ref.roc(flat))).toBe(0)
    expect(last(ref.atr(flat, flat, flat))).toBe(0)
    expect(last(ref.stddev(flat))).toBe(0)
    expect(last(ref.adx(flat, flat, flat))).toBe(0)
    expect(last(ref.plusDi(flat, flat, flat))).toBe(0)
    expect(last(ref.ultosc(flat, flat, flat))).toBe(0)
    expect(last(ref.mfi(flat, flat, flat, vol))).toBe(0)
    for (const f of [ref.sma, ref.ema, ref.wma, ref.dema, ref.tema, ref.kama]) expect(last(f(flat))).toBe(42)
    const bb = ref.bbands(flat)
    expect([last(bb.upper), last(bb.middle), last(bb.lower)]).toEqual([42, 42, 42])
    expect(last(ref.obv(flat, vol))).toBe(5)
    expect(last(ref.ad(flat, flat, flat, vol))).toBe(0)
    expect(last(ref.vwap(flat, flat, flat, vol))).toBe(42)
  })
})

describe("hand-checked small cases", () => {
  const x = Float64Array.from([1, 2, 3, 4, 5, 6])
  test("SMA/WMA/EMA/MOM/ROC over 1..6", () => {
    expect(Array.from(ref.sma(x, { period: 3 }))).toEqual([NaN, NaN, 2, 3, 4, 5])
    expect(ref.wma(x, { period: 3 })[2]).toBeCloseTo((1 + 4 + 9) / 6, 14)
    // EMA(3): k = 0.5, seed SMA(1,2,3) = 2 at index 2, then 3, 4, 5.
    expect(Array.from(ref.ema(x, { period: 3 }))).toEqual([NaN, NaN, 2, 3, 4, 5])
    expect(Array.from(ref.mom(x, { period: 2 }))).toEqual([NaN, NaN, 2, 2, 2, 2])
    expect(ref.roc(x, { period: 1 })[1]).toBe(100)
  })
  test("STDDEV is the population deviation times nbDev", () => {
    const s = ref.stddev(Float64Array.from([2, 4, 4, 4, 5, 5, 7, 9]), { period: 8, nbDev: 2 })
    expect(s[7]).toBeCloseTo(4, 12)
  })
  test("MACD swaps periods when slow < fast, like TA-Lib", () => {
    const c = loadFixture("btcusdt").candles.close
    const a = ref.macd(c, { fastPeriod: 26, slowPeriod: 12 })
    const b = ref.macd(c)
    expect(Array.from(a.macd)).toEqual(Array.from(b.macd))
  })
  test("SAR with acceleration above maximum is capped at maximum", () => {
    const { high, low } = slice(200)
    expect(Array.from(ref.sar(high!, low!, { acceleration: 0.5, maximum: 0.2 }))).toEqual(
      Array.from(ref.sar(high!, low!, { acceleration: 0.2, maximum: 0.2 })),
    )
  })
})

describe("period 1 (documented differences from TA-Lib)", () => {
  const { high, low, close } = slice(300)
  test("ATR(1) is the true range and NATR(1) is 100·TR/close", () => {
    const tr = ref.trange(high!, low!, close!)
    expect(Array.from(ref.atr(high!, low!, close!, { period: 1 }))).toEqual(Array.from(tr))
    const natr = ref.natr(high!, low!, close!, { period: 1 })
    for (let i = 1; i < 300; i++) expect(natr[i]).toBe((tr[i]! / close![i]!) * 100)
  })
  test("PLUS_DI(1)/MINUS_DI(1) stay on the 0..100 scale: 100·DM/TR of the bar", () => {
    const plus = ref.plusDi(high!, low!, close!, { period: 1 })
    const minus = ref.minusDi(high!, low!, close!, { period: 1 })
    const tr = ref.trange(high!, low!, close!)
    for (let i = 1; i < 300; i++) {
      const up = high![i]! - high![i - 1]!
      const down = low![i - 1]! - low![i]!
      expect(plus[i]).toBeCloseTo(up > 0 && up > down ? (100 * up) / tr[i]! : 0, 10)
      expect(minus[i]).toBeCloseTo(down > 0 && down > up ? (100 * down) / tr[i]! : 0, 10)
    }
  })
})
