/**
 * WASM == TS reference (`core/ta/reference`) on synthetic series built to hit the edge cases
 * (flat stretches, zero volume, gaps, huge and tiny prices) and on the real fixture candles,
 * with default and non-default parameters.
 */
import { describe, expect, test } from "bun:test"
import * as ta from "../../../../core/ta/index.ts"
import * as ref from "../../../support/ta-reference/index.ts"
import { FUNCTIONS } from "../../../../core/ta/catalog.ts"
import { loadFixture } from "../../../support/talib-fixture.ts"
import { getKernels } from "../../../../core/wasm/index.ts"

type AnyFn = (...args: Array<unknown>) => Float64Array | Record<string, Float64Array>

/** Deterministic xorshift so failures reproduce. */
const rng = (seed: number) => () => {
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return ((seed >>> 0) % 1_000_000) / 1_000_000
}

const synthetic = (n: number, seed: number, scale: number) => {
  const r = rng(seed)
  const open = new Float64Array(n),
    high = new Float64Array(n),
    low = new Float64Array(n)
  const close = new Float64Array(n),
    volume = new Float64Array(n)
  let p = scale
  for (let i = 0; i < n; i++) {
    const flat = i % 400 > 360 // flat stretch: H == L == C, zero volume
    const o = p
    if (!flat) p = Math.max(scale * 0.01, p * (1 + (r() - 0.5) * 0.02))
    const c = p
    open[i] = o
    close[i] = c
    high[i] = flat ? c : Math.max(o, c) * (1 + r() * 0.005)
    low[i] = flat ? c : Math.min(o, c) * (1 - r() * 0.005)
    volume[i] = flat || r() < 0.05 ? 0 : r() * 1000
  }
  return { open, high, low, close, volume }
}

const sameOrClose = (a: Float64Array, b: Float64Array, label: string) => {
  expect(a.length).toBe(b.length)
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!,
      y = b[i]!
    if (Number.isNaN(y) || Number.isNaN(x)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) throw new Error(`${label}: index ${i}: wasm ${x}, reference ${y}`)
      continue
    }
    if (!(Math.abs(x - y) <= 1e-9 + 1e-9 * Math.abs(y)))
      throw new Error(`${label}: index ${i}: wasm ${x}, reference ${y}`)
  }
}

/** Non-default parameters per function (each within the catalogue's limits). */
const ALT: Record<string, Record<string, number>> = {
  sma: { period: 7 },
  ema: { period: 3 },
  wma: { period: 11 },
  dema: { period: 5 },
  tema: { period: 4 },
  kama: { period: 10 },
  rsi: { period: 5 },
  macd: { fastPeriod: 5, slowPeriod: 13, signalPeriod: 4 },
  bbands: { period: 9, nbDevUp: 1.5, nbDevDn: 2.5 },
  stddev: { period: 12, nbDev: 2 },
  stoch: { fastKPeriod: 9, slowKPeriod: 4, slowDPeriod: 2 },
  stochRsi: { period: 9, fastKPeriod: 7, fastDPeriod: 4 },
  cci: { period: 5 },
  willr: { period: 6 },
  roc: { period: 3 },
  mom: { period: 1 },
  ultosc: { period1: 14, period2: 5, period3: 9 },
  atr: { period: 5 },
  natr: { period: 3 },
  adx: { period: 6 },
  plusDi: { period: 5 },
  minusDi: { period: 8 },
  aroon: { period: 5 },
  sar: { acceleration: 0.05, maximum: 0.3 },
  mfi: { period: 6 },
  adosc: { fastPeriod: 5, slowPeriod: 7 },
  vwap: { period: 20 },
}

/** Windows longer than the kernels' brute-force SIMD limit (48) take the rescan path. */
const LONG: Record<string, Record<string, number>> = {
  willr: { period: 60 },
  stoch: { fastKPeriod: 60 },
  stochRsi: { period: 14, fastKPeriod: 55, fastDPeriod: 3 },
  aroon: { period: 60 },
}

const datasets = [
  ["btc fixture", loadFixture("btcusdt").candles],
  ["ltc fixture", loadFixture("ltcusdt").candles],
  ["synthetic ~30000", synthetic(3000, 7, 30_000)],
  ["synthetic ~0.001", synthetic(2000, 99, 0.001)],
  ["synthetic short", synthetic(40, 3, 100)],
  // Longer than the bridge's chunking threshold (2 × 8192 bars): exercises chunk shifts.
  ["synthetic long (chunked)", synthetic(41_000, 11, 500)],
] as const

describe("WASM == TS reference", () => {
  for (const spec of FUNCTIONS) {
    test(spec.name, () => {
      const wasm = (ta as unknown as Record<string, AnyFn>)[spec.name]!
      const ts = (ref as unknown as Record<string, AnyFn>)[spec.name]!
      expect(typeof wasm).toBe("function")
      for (const [label, data] of datasets) {
        const inputs = spec.inputs.map((i) => data[i])
        const variants =
          spec.params.length > 0
            ? [{}, ALT[spec.name] ?? {}, ...(LONG[spec.name] ? [LONG[spec.name]] : [])]
            : [undefined]
        for (const opts of variants) {
          const a = opts === undefined ? wasm(...inputs) : wasm(...inputs, opts)
          const b = opts === undefined ? ts(...inputs) : ts(...inputs, opts)
          const tag = `${spec.name} ${label} ${JSON.stringify(opts ?? {})}`
          if (a instanceof Float64Array) sameOrClose(a, b as Float64Array, tag)
          else
            for (const out of spec.outputs)
              sameOrClose(a[out]!, (b as Record<string, Float64Array>)[out]!, `${tag}.${out}`)
        }
      }
    })
  }

  test("bad parameters and length mismatches throw RangeError", () => {
    const x = new Float64Array(50)
    expect(() => ta.ema(x, { period: 0 })).toThrow(RangeError)
    expect(() => ta.rsi(x, { period: 2.5 })).toThrow(RangeError)
    expect(() => ta.sma(x, { nope: 3 } as never)).toThrow(RangeError)
    expect(() => ta.atr(x, x, new Float64Array(49))).toThrow(RangeError)
    expect(() => ta.weightedMean(new Float64Array(2), new Float64Array(3))).toThrow(RangeError)
  })

  test("empty and too-short inputs give all-NaN outputs of the same length", () => {
    expect(ta.ema(new Float64Array(0)).length).toBe(0)
    const short = ta.rsi(new Float64Array([1, 2, 3]))
    expect(short.length).toBe(3)
    expect(Array.from(short).every(Number.isNaN)).toBe(true)
    const m = ta.macd(new Float64Array(20).fill(1))
    expect(m.hist.length).toBe(20)
  })

  test("weightedMean skips NaN and renormalises; weightedRows matches it row by row", () => {
    expect(ta.weightedMean(new Float64Array([60, NaN, 40]), new Float64Array([1, 2, 3]))).toBeCloseTo(
      (60 + 120) / 4,
      12,
    )
    expect(ta.weightedMean(new Float64Array([NaN, NaN]), new Float64Array([1, 1]))).toBeNaN()
    const rows = 7,
      cols = 5
    const r = rng(5)
    const m = Float64Array.from({ length: rows * cols }, () => (r() < 0.2 ? NaN : r() * 100))
    const w = Float64Array.from({ length: cols }, () => r())
    const out = ta.weightedRows(m, rows, cols, w, new Float64Array(rows))
    for (let i = 0; i < rows; i++) {
      const expected = ta.weightedMean(m.subarray(i * cols, (i + 1) * cols), w)
      if (Number.isNaN(expected)) expect(out[i]).toBeNaN()
      else expect(out[i]).toBe(expected)
    }
  })
})

describe("last.<fn> == <fn> at the final index", () => {
  const data = loadFixture("btcusdt").candles
  for (const spec of FUNCTIONS) {
    test(spec.name, () => {
      const full = (ta as unknown as Record<string, AnyFn>)[spec.name]!
      const lastFn = (ta.last as unknown as Record<string, (...a: Array<unknown>) => number | Record<string, number>>)[
        spec.name
      ]!
      const inputs = spec.inputs.map((i) => data[i])
      const a = full(...inputs)
      const b = lastFn(...inputs)
      if (a instanceof Float64Array) expect(b).toBe(a[a.length - 1]!)
      else for (const out of spec.outputs) expect((b as Record<string, number>)[out]).toBe(a[out]![a[out]!.length - 1]!)
    })
  }
  test("chunked lengths too", () => {
    const long = synthetic(40_000, 21, 50)
    for (const spec of FUNCTIONS) {
      const inputs = spec.inputs.map((i) => long[i])
      const a = (ta as unknown as Record<string, AnyFn>)[spec.name]!(...inputs)
      const b = (ta.last as unknown as Record<string, (...x: Array<unknown>) => number | Record<string, number>>)[
        spec.name
      ]!(...inputs)
      if (a instanceof Float64Array) expect(b).toBe(a[a.length - 1]!)
      else for (const out of spec.outputs) expect((b as Record<string, number>)[out]).toBe(a[out]![a[out]!.length - 1]!)
    }
  })

  test("warm-up gives NaN", () => {
    expect(ta.last.rsi(new Float64Array([1, 2, 3]))).toBeNaN()
  })
})

describe("resident inputs", () => {
  test("a view into WASM memory gives the same results as a plain copy (short and chunked lengths)", () => {
    const K = getKernels()
    for (const n of [500, 30_000]) {
      const data = synthetic(n, 5, 100)
      const ptr = K.arena.alloc(n * 8 * 4)
      const heap = K.f64()
      heap.set(data.high, ptr >> 3)
      heap.set(data.low, (ptr >> 3) + n)
      heap.set(data.close, (ptr >> 3) + 2 * n)
      heap.set(data.volume, (ptr >> 3) + 3 * n)
      const [h, l, c, v] = [0, 1, 2, 3].map((i) => K.view(ptr + i * n * 8, n)) as [
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
      ]
      expect(K.isResident(c)).toBe(true)
      expect(Array.from(ta.mfi(h, l, c, v))).toEqual(Array.from(ta.mfi(data.high, data.low, data.close, data.volume)))
      expect(Array.from(ta.stoch(h, l, c).d)).toEqual(Array.from(ta.stoch(data.high, data.low, data.close).d))
      expect(Array.from(ta.cci(h, l, c))).toEqual(Array.from(ta.cci(data.high, data.low, data.close)))
      K.arena.free(ptr)
    }
  })
})
