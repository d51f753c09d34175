/**
 * The scoring kernels (gaps, order blocks, split volume profile) against brute force on random candles.
 */
import { describe, expect, test } from "bun:test"
import { scoring as s } from "../../../core/plugins/sdk.ts"
import { rng } from "./support.ts"

describe("kernels against brute force on random candles", () => {
  const r = rng(42)
  const n = 400
  const high = new Float64Array(n)
  const low = new Float64Array(n)
  let p = 100
  for (let i = 0; i < n; i++) {
    p *= 1 + (r() - 0.5) * 0.02
    high[i] = p * (1 + r() * 0.004)
    low[i] = p * (1 - r() * 0.004)
  }

  test("fairValueGaps keeps exactly the gaps no later candle filled", () => {
    const brute: Array<[number, number]> = []
    for (let i = 2; i < n; i++) {
      let filled = false
      if (low[i] > high[i - 2]) {
        for (let j = i + 1; j < n; j++) if (low[j] <= high[i - 2]) filled = true
        if (!filled) brute.push([i, 1])
      } else if (high[i] < low[i - 2]) {
        for (let j = i + 1; j < n; j++) if (high[j] >= low[i - 2]) filled = true
        if (!filled) brute.push([i, -1])
      }
    }
    expect(brute.length).toBeGreaterThan(0)
    expect(s.fairValueGaps(high, low).map((g) => [g.index, g.dir])).toEqual(brute)
  })

  test("orderBlocks keeps exactly the blocks no close after their impulse broke", () => {
    const open = Float64Array.from({ length: n }, (_, i) => low[i] + (high[i] - low[i]) * r())
    const close = Float64Array.from({ length: n }, (_, i) => low[i] + (high[i] - low[i]) * r())
    const impulse = 0.004 * 100
    const brute: Array<[number, number]> = []
    for (let i = 1; i < n; i++) {
      const body = close[i] - open[i]
      if (Math.abs(body) < impulse) continue
      const dir = Math.sign(body)
      for (let j = i - 1; j >= Math.max(0, i - 3); j--) {
        if ((close[j] - open[j]) * dir >= 0) continue
        let broken = false
        for (let k = i + 1; k < n; k++) if (dir > 0 ? close[k] < low[j] : close[k] > high[j]) broken = true
        if (!broken) brute.push([j, dir])
        break
      }
    }
    expect(brute.length).toBeGreaterThan(0)
    expect(s.orderBlocks(open, high, low, close, impulse).map((b) => [b.index, b.dir])).toEqual(brute)
  })

  test("structureBreaks in one pass == replaying the closes against the pivots `swings` lists", () => {
    const close = Float64Array.from({ length: n }, (_, i) => (high[i] + low[i]) / 2 + (r() - 0.5) * (high[i] - low[i]))
    // The pivot-list replay: a pivot counts from the bar that confirms it.
    const replay = (width: number, from: number, to: number) => {
      const piv = s.swings(high, low, width, from, to)
      let [hi, lo, trend, at] = [0, 0, 0, -1]
      let [swingHigh, swingLow, level] = [Number.NaN, Number.NaN, Number.NaN]
      let event: s.StructureState["event"] = "none"
      for (let i = from; i < to; i++) {
        while (hi < piv.highs.length && piv.highs[hi]! + width <= i) swingHigh = high[piv.highs[hi++]!]!
        while (lo < piv.lows.length && piv.lows[lo]! + width <= i) swingLow = low[piv.lows[lo++]!]!
        if (close[i]! > swingHigh) {
          ;[event, trend, at, level, swingHigh] = [trend === -1 ? "choch" : "bos", 1, i, swingHigh, Number.NaN]
        } else if (close[i]! < swingLow) {
          ;[event, trend, at, level, swingLow] = [trend === 1 ? "choch" : "bos", -1, i, swingLow, Number.NaN]
        }
      }
      return { trend, event, age: at < 0 ? Number.NaN : to - 1 - at, level }
    }
    let breaks = 0
    for (const width of [1, 2, 3, 5])
      for (const [from, to] of [
        [0, n],
        [37, 300],
        [n - 100, n],
        [n - 8, n],
      ] as const) {
        const got = s.structureBreaks(high, low, close, width, from, to)
        expect(got).toEqual(replay(width, from, to))
        if (got.trend !== 0) breaks++
      }
    expect(breaks).toBeGreaterThan(8)
  })

  test("volumeProfile split: the two halves' POCs are the argmax of separately binned halves", () => {
    const volume = Float64Array.from({ length: n }, () => 1 + r() * 10)
    const vp = s.volumeProfile(high, low, volume, 50, 0.7, 0, n, 200)!
    const bin = (from: number, to: number) => {
      const bins = new Float64Array(50)
      const size = (vp.high - vp.low) / 50
      for (let i = from; i < to; i++) {
        const b0 = Math.min(49, Math.floor((low[i] - vp.low) / size))
        const b1 = Math.min(49, Math.floor((high[i] - vp.low) / size))
        for (let b = b0; b <= b1; b++) bins[b] += volume[i] / (b1 - b0 + 1)
      }
      let at = 0
      for (let b = 1; b < 50; b++) if (bins[b] > bins[at] + 1e-9) at = b
      return vp.low + (at + 0.5) * size
    }
    expect(vp.pocBefore).toBeCloseTo(bin(0, 200), 9)
    expect(vp.pocAfter).toBeCloseTo(bin(200, n), 9)
    expect(vp.poc).toBeCloseTo(bin(0, n), 9)
    const whole = s.volumeProfile(high, low, volume, 50, 0.7)!
    expect([whole.poc, whole.vah, whole.val]).toEqual([vp.poc, vp.vah, vp.val])
  })
})
