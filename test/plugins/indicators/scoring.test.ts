/**
 * The shared scoring math (core/plugins/scoring) on hand-computed cases.
 */
import { describe, expect, test } from "bun:test"
import { scoring as s } from "../../../core/plugins/sdk.ts"
import { bookOf, columns, loadCandles, tapeOf } from "./support.ts"

describe("maps", () => {
  test("squash, fromUnit, linear, balance", () => {
    expect(s.squash(0, 3)).toBe(50)
    expect(s.squash(3, 3)).toBeCloseTo(50 + 50 * Math.tanh(1), 12)
    expect(s.squash(-1e9)).toBe(0)
    expect(s.fromUnit(0.5)).toBe(75)
    expect(s.fromUnit(7)).toBe(100)
    expect(s.linear(5, 0, 10)).toBe(50)
    expect(s.linear(5, 10, 0)).toBe(50)
    expect(s.balance(3, 1)).toBe(0.5)
    expect(s.balance(0, 0)).toBe(0)
  })

  test("scored clamps, drops non-finite values, and turns a NaN score into unavailable", () => {
    expect(s.scored(120, { a: 1 })).toEqual({ score: 100, values: { a: 1 } })
    expect(s.scored(40, { a: 1, b: Number.NaN })).toEqual({ score: 40, values: { a: 1 } })
    const bad = s.scored(Number.NaN, { a: 1 })
    expect(bad.score).toBeNull()
    expect(bad.reason).toMatch(/not computable/)
  })
})

describe("series", () => {
  const a = Float64Array.from([1, 3, 5, 7, 9])
  test("slope of a line is its step; sums, means, extremes over ranges", () => {
    expect(s.slope(a)).toBeCloseTo(2, 12)
    expect(s.slope(Float64Array.from([5, 5, 5]))).toBe(0)
    expect(s.sum(a, 1, 3)).toBe(8)
    expect(s.mean(a)).toBe(5)
    expect(s.highest(a, 0, 3)).toBe(5)
    expect(s.lowest(a, 2)).toBe(5)
    expect(s.back(a, 1)).toBe(7)
    expect(s.lowerBound(a, 6)).toBe(3)
  })

  test("realized volatility and semi-deviation of a known return path", () => {
    const up = Math.log(1.01)
    const close = Float64Array.from([100, 101, 100, 101, 100])
    expect(s.realizedVol(close, 4)).toBeCloseTo(up, 6)
    const semi = s.semiDeviation(close, 4)
    expect(semi.up).toBeCloseTo(Math.sqrt((2 * up * up) / 4), 9)
    expect(semi.down).toBeCloseTo(semi.up, 4)
  })

  test("returnStats: the two realized vols and the semi-deviations of one pass, bit for bit", () => {
    const c = loadCandles("btcusdt-1m").close
    for (const [len, short, long] of [
      [500, 20, 100],
      [60, 20, 100],
      [30, 50, 10],
      [2, 20, 100],
      [1, 5, 10],
    ] as const) {
      const close = c.subarray(0, len)
      const st = s.returnStats(close, short, long)
      const semi = s.semiDeviation(close, short)
      expect([st.volShort, st.volLong, st.up, st.down]).toEqual([
        s.realizedVol(close, short),
        s.realizedVol(close, long),
        semi.up,
        semi.down,
      ])
    }
  })

  test("returnStats kept for the same closes: equal to computing them, never stale after a change", () => {
    const c = loadCandles("ltcusdt-1m").close.slice(0, 400)
    const fresh = (close: Float64Array, short: number, long: number) => {
      const copy = Float64Array.from(close) // another array: nothing kept applies to it
      const st = s.returnStats(copy, short, long)
      return [st.volShort, st.volLong, st.up, st.down]
    }
    const read = (close: Float64Array, short: number, long: number) => {
      const st = s.returnStats(close, short, long)
      return [st.volShort, st.volLong, st.up, st.down]
    }
    for (let end = 150; end < 400; end += 7) {
      const view = c.subarray(end - 120, end)
      for (const [short, long] of [
        [20, 100],
        [10, 30],
        [20, 100],
      ] as const) {
        expect(read(view, short, long)).toEqual(fresh(view, short, long))
        expect(read(view, short, long)).toEqual(fresh(view, short, long))
      }
      // The newest close corrected in place (the same view): recomputed, not the kept result.
      view[view.length - 1] *= 1.002
      expect(read(view, 20, 100)).toEqual(fresh(view, 20, 100))
    }
    const zeros = Float64Array.from([1, 2, 0, 3, 4])
    const before = read(zeros, 3, 4)
    zeros[2] = -0
    expect(read(zeros, 3, 4)).toEqual(fresh(zeros, 3, 4))
    expect(read(zeros, 3, 4)).not.toEqual(before)
  })

  test("vwapBands: volume-weighted mean and σ of the typical price", () => {
    const c = columns([
      [0, 10, 10, 10, 10, 1],
      [1, 20, 20, 20, 20, 3],
    ])
    const { vwap, sigma } = s.vwapBands(c)
    expect(vwap).toBe(17.5)
    expect(sigma).toBeCloseTo(Math.sqrt(0.25 * 7.5 ** 2 + 0.75 * 2.5 ** 2), 9)
    expect(Number.isNaN(s.vwapBands(columns([[0, 1, 1, 1, 1, 0]])).vwap)).toBe(true)
  })

  test("atrWindow: too few candles, no positive ATR (flat or warming up), else the window and the ATR", () => {
    const c = loadCandles("btcusdt-1m")
    expect(s.atrWindow(s.tail(c, 19), 1, { window: 100, flat: "flat" })).toEqual({
      score: null,
      reason: "need 20 closed candles, have 19",
    })
    expect(s.atrWindow(c, 0, { window: 100, flat: "flat market" })).toEqual({ score: null, reason: "flat market" })
    expect(s.atrWindow(c, Number.NaN, { window: 100, flat: "flat market" })).toEqual({
      score: null,
      reason: "flat market",
    })
    const n = c.close.length
    expect(s.atrWindow(c, 2.5, { window: 100, flat: "flat" })).toEqual({ from: n - 100, to: n, atr: 2.5 })
    expect(s.atrWindow(s.tail(c, 30), 2.5, { window: 100, flat: "flat" })).toMatchObject({ from: 0, to: 30 })
  })

  test("tail returns views of the newest candles", () => {
    const c = columns([
      [0, 1, 1, 1, 1, 1],
      [1, 2, 2, 2, 2, 2],
      [2, 3, 3, 3, 3, 3],
    ])
    const t = s.tail(c, 2)
    expect([...t.close]).toEqual([2, 3])
    c.close[2] = 9
    expect(t.close[1]).toBe(9)
  })
})

describe("volume profile", () => {
  test("POC at the heaviest price; the value area holds ≥ 70 % around it", () => {
    // 10 candles spanning 100..110, and 5 heavy narrow candles at 104..105.
    const rows: Array<[number, number, number, number, number, number]> = []
    for (let i = 0; i < 10; i++) rows.push([i, 105, 110, 100, 105, 10])
    for (let i = 10; i < 15; i++) rows.push([i, 104.5, 105, 104, 104.5, 100])
    const c = columns(rows)
    // Bins of 1: the wide candles put 10 in every bin, the narrow ones 250 in bins 4 and 5.
    const vp = s.volumeProfile(c.high, c.low, c.volume, 10, 0.7)!
    expect(vp.poc).toBe(104.5)
    // From bin 4 (260) the value area takes bin 5 (260 > 10 below): 520 of 600 ≥ 70 %.
    expect(vp.val).toBe(104)
    expect(vp.vah).toBe(106)
    expect(vp.totalVolume).toBe(600)
  })

  test("flat range or no volume: no profile", () => {
    const flat = columns([
      [0, 1, 1, 1, 1, 5],
      [1, 1, 1, 1, 1, 5],
    ])
    expect(s.volumeProfile(flat.high, flat.low, flat.volume)).toBeUndefined()
    const dry = columns([
      [0, 1, 2, 0.5, 1, 0],
      [1, 1, 2, 0.5, 1, 0],
    ])
    expect(s.volumeProfile(dry.high, dry.low, dry.volume)).toBeUndefined()
  })
})

describe("structure", () => {
  // highs: a zig-zag with swing highs at 2 and 6, swing lows at 4 and 8.
  const highs = Float64Array.from([1, 2, 5, 2, 1, 3, 6, 3, 2, 3, 4, 7, 8])
  const lows = highs.map((h) => h - 0.5)
  const closes = highs.map((h) => h - 0.2)

  test("swings finds fractal highs and lows, none in the unconfirmed tail", () => {
    const sw = s.swings(highs, lows, 2)
    expect(sw.highs).toEqual([2, 6])
    expect(sw.lows).toEqual([4, 8])
  })

  test("structure breaks: closes above the last swing high are BOS up", () => {
    const st = s.structureBreaks(highs, lows, closes, 2)
    expect(st.trend).toBe(1)
    expect(st.event).toBe("bos")
    expect(st.level).toBe(6)
    // The close at index 11 (6.8) is the first above 6; the series ends one candle later.
    expect(st.age).toBe(1)
  })

  test("a break down after an up-structure is a CHoCH", () => {
    const h = Float64Array.from([...highs, 7, 5, 3, 1])
    const l = h.map((x) => x - 0.5)
    const c = h.map((x) => x - 0.2)
    const st = s.structureBreaks(h, l, c, 2)
    expect(st.trend).toBe(-1)
    expect(st.event).toBe("choch")
  })

  test("fair value gaps: an open bullish gap, and a bearish one that got filled", () => {
    //               0    1    2    3    4    5
    const h = Float64Array.from([10, 12, 15, 14, 11, 14])
    const l = Float64Array.from([9, 10, 13, 12, 9, 10])
    const gaps = s.fairValueGaps(h, l)
    // i=2: low 13 > high[0] 10 → bullish gap [10, 13]; filled at i=4 (low 9 ≤ 10).
    expect(gaps).toEqual([])
    const open = s.fairValueGaps(h.subarray(0, 4), l.subarray(0, 4))
    expect(open).toEqual([{ dir: 1, top: 13, bottom: 10, index: 2, size: 3 }])
  })

  test("order blocks: the last red candle before an impulse, dropped once closed below", () => {
    // 0..4: a green, a red (the block), the green impulse (body 2), then drift.
    const o = Float64Array.from([10, 10.2, 10, 12, 11.8])
    const c = Float64Array.from([10.2, 10, 12, 11.8, 11.9])
    const h = Float64Array.from([10.3, 10.3, 12.1, 12.1, 12])
    const l = Float64Array.from([9.9, 9.8, 9.9, 11.7, 11.7])
    const blocks = s.orderBlocks(o, h, l, c, 1.5)
    expect(blocks).toEqual([{ dir: 1, top: 10.3, bottom: 9.8, index: 1, size: 2 }])
    // A red impulse closing at 9.5 breaks the bullish block and makes the green candle 4 a bearish one.
    const broken = s.orderBlocks(
      Float64Array.from([...o, 11]),
      Float64Array.from([...h, 11]),
      Float64Array.from([...l, 9]),
      Float64Array.from([...c, 9.5]),
      1.5,
    )
    expect(broken).toEqual([{ dir: -1, top: 12, bottom: 11.7, index: 4, size: 1.5 }])
  })
})

describe("book and tape", () => {
  const book = bookOf([3, 2, 1], [1, 1, 1], 100, 1)
  test("side sums, band depth, mid and spread, weighted imbalance, median level", () => {
    expect(s.sideAmount(book.bids, 2)).toBe(5)
    expect(s.sideNotional(book.asks, 1)).toBe(100.5)
    expect(s.midPrice(book)).toBe(100)
    expect(s.spreadBps(book)).toBeCloseTo(100, 9)
    expect(s.notionalWithin(book.bids, 100, 0.01)).toBeCloseTo(3 * 99.5, 9)
    expect(s.weightedImbalance(book, 3, 1e9)).toBeCloseTo(3 / 9, 9)
    expect(s.weightedImbalance(book, 1, 1)).toBeCloseTo(0.5, 9)
    expect(s.medianLevelAmount(book, 3)).toBe(1)
    expect(s.bookProblem({ ...book, asks: [] })).toBe("one-sided book: no asks")
    expect(s.bookProblem(book)).toBeUndefined()
  })

  test("median level: the native sort's median to the bit (duplicates, zeros of both signs, NaN, infinities)", () => {
    // Sizes drawn from a few values so books repeat them; some books get odd sizes.
    let seed = 11
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    const odd = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1.5]
    for (let k = 0; k < 400; k++) {
      const size = () =>
        k % 4 === 0 && rnd() < 0.1 ? odd[Math.floor(rnd() * odd.length)]! : 1 + Math.floor(rnd() * 8) / 4
      const side = (from: number, step: number) =>
        Array.from({ length: Math.floor(rnd() * 30) }, (_, i): [number, number] => [from + step * i, size()])
      const b = { symbol: "T/USDT", time: 0, bids: side(99, -0.01), asks: side(101, 0.01) }
      const n = 1 + Math.floor(rnd() * 30)
      const all = [...b.bids.slice(0, n), ...b.asks.slice(0, n)].map((l) => l[1])
      const sorted = Float64Array.from(all).sort()
      const h = sorted.length >> 1
      const want =
        sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2
      expect(Object.is(s.medianLevelAmount(b, n), want)).toBe(true)
    }
  })

  test("side totals, decayed totals (half-life), tick volumes", () => {
    const t = [
      { id: "1", time: 0, price: 10, amount: 2, side: "buy" as const },
      { id: "2", time: 1000, price: 11, amount: 1, side: "sell" as const },
      { id: "3", time: 2000, price: 11, amount: 4, side: "buy" as const },
      { id: "4", time: 3000, price: 10, amount: 3, side: "sell" as const },
    ]
    expect(s.sideTotals(t)).toEqual({ buy: 6, sell: 4, buyCount: 2, sellCount: 2 })
    expect(s.sideTotals(t, 2)).toEqual({ buy: 4, sell: 3, buyCount: 1, sellCount: 1 })
    const d = s.decayedTotals(t, 3000, 1000)
    expect(d.sell).toBeCloseTo(3 + 1 * 0.25, 12)
    expect(d.buy).toBeCloseTo(4 * 0.5 + 2 * 0.125, 12)
    // 2nd trade is an uptick, 3rd inherits it, 4th is a downtick.
    expect(s.tickVolumes(t)).toEqual({ up: 5, down: 3 })
    expect(s.tickVolumes(t, 2)).toEqual({ up: 0, down: 3 })
    expect(s.meanNotional(t)).toBeCloseTo((20 + 11 + 44 + 30) / 4, 12)
    expect(s.tapeProblem([], 1)).toBe("no trades")
    expect(s.tapeProblem(tapeOf(5, { buyShare: 0.5 }), 10)).toBe("too few trades (5 < 10)")
  })
})
