/** VWAP and STDDEV have no TA-Lib run in the fixtures: hand-computed values and cross-checks. */
import { describe, expect, test } from "bun:test"
import { stddev, vwap } from "../../../support/ta-reference/index.ts"
import { expectMatchesTalib, FIXTURE_SYMBOLS, loadFixture } from "../../../support/talib-fixture.ts"

const f = (xs: ReadonlyArray<number>) => Float64Array.from(xs)

describe("vwap", () => {
  // typical prices 9, 11, 6, 9 with volumes 2, 1, 3, 0
  const high = f([10, 12, 6, 9])
  const low = f([8, 10, 6, 9])
  const close = f([9, 11, 6, 9])
  const volume = f([2, 1, 3, 0])

  test("period 0 (default) is cumulative from the first candle", () => {
    expect(Array.from(vwap(high, low, close, volume))).toEqual([9, 29 / 3, 47 / 6, 47 / 6])
  })
  test("period N is a rolling window of N candles, first value at N-1", () => {
    expect(Array.from(vwap(high, low, close, volume, { period: 2 }))).toEqual([NaN, 29 / 3, 29 / 4, 6])
    expect(Array.from(vwap(high, low, close, volume, { period: 3 }))).toEqual([NaN, NaN, 47 / 6, 29 / 4])
  })
  test("a window without volume has no VWAP (NaN), not a made-up price", () => {
    const v = f([0, 0, 1, 0, 0])
    const p = f([5, 7, 9, 4, 4])
    expect(Array.from(vwap(p, p, p, v))).toEqual([NaN, NaN, 9, 9, 9])
    expect(Array.from(vwap(p, p, p, v, { period: 2 }))).toEqual([NaN, NaN, 9, 9, NaN])
  })
  test("rolling VWAP on real candles equals a fresh per-window computation", () => {
    const c = loadFixture("btcusdt").candles
    const out = vwap(c.high, c.low, c.close, c.volume, { period: 60 })
    for (let i = 59; i < c.close.length; i++) {
      let pv = 0
      let vol = 0
      for (let j = i - 59; j <= i; j++) {
        pv += ((c.high[j]! + c.low[j]! + c.close[j]!) / 3) * c.volume[j]!
        vol += c.volume[j]!
      }
      expect(Math.abs(out[i]! - pv / vol)).toBeLessThan(1e-9 * (pv / vol))
    }
  })
})

describe("stddev", () => {
  test("population deviation of a hand-checked window", () => {
    // mean 5, squared deviations 9,1,1,1,0,0,4,16 → variance 4 → sd 2
    const s = stddev(f([2, 4, 4, 4, 5, 5, 7, 9]), { period: 8 })
    expect(Array.from(s.slice(0, 7)).every(Number.isNaN)).toBe(true)
    expect(s[7]).toBeCloseTo(2, 12)
    expect(stddev(f([1, 2, 3, 4, 5]))[4]).toBeCloseTo(Math.SQRT2, 12)
  })
  for (const symbol of FIXTURE_SYMBOLS) {
    test(`STDDEV(20, 2) == TA-Lib BBANDS(20, 2, 2) upper − middle on ${symbol}`, () => {
      const fx = loadFixture(symbol)
      const bb = fx.talib.BBANDS!.outputs
      const width = bb.outRealUpperBand!.map((u, i) => (u === null ? null : u - bb.outRealMiddleBand![i]!))
      expectMatchesTalib(stddev(fx.candles.close, { period: 20, nbDev: 2 }), width, { label: `${symbol} STDDEV` })
    })
  }
})
