/**
 * price-liquidity-zones' sweep reading: the newest of the last `sweepBars` candles that wicked
 * through a swing level and closed back inside decides (+1 through a swing low, −1 through a
 * swing high; a candle doing both reads −1). Hand-built cases, and the plugin against the rule
 * written out candle by candle (oldest to newest, the last sweep seen wins) on real windows.
 */
import { describe, expect, test } from "bun:test"
import { scoring as s, type CandleColumns } from "../../../core/plugins/sdk.ts"
import { columns, loadCandles, loadPlugins, run, window } from "./support.ts"

const plugin = (await loadPlugins()).find((p) => p.name === "price-liquidity-zones")!
const sweepOf = (c: CandleColumns): number | undefined => run(plugin, { candles: c }).values?.sweep

type Row = readonly [number, number, number, number, number, number]
/** 30 quiet candles, a swing low of 97 at 10 and a swing high of 103 at 15; `last` overrides candles 26–29. */
const candles = (last: Partial<Record<26 | 27 | 28 | 29, { high?: number; low?: number }>>): CandleColumns => {
  const rows: Array<Row> = []
  for (let i = 0; i < 30; i++) {
    const o = last[i as 26 | 27 | 28 | 29]
    const low = o?.low ?? (i === 10 ? 97 : 99.5)
    const high = o?.high ?? (i === 15 ? 103 : 101)
    rows.push([i * 60_000, 100, high, low, 100.5, 10])
  }
  return columns(rows)
}

describe("price-liquidity-zones sweep", () => {
  test("through a swing low and back: +1; through a swing high: −1; both on one candle: −1; none: 0", () => {
    expect(sweepOf(candles({ 29: { low: 96.5 } }))).toBe(1)
    expect(sweepOf(candles({ 29: { high: 103.5 } }))).toBe(-1)
    expect(sweepOf(candles({ 29: { high: 103.5, low: 96.5 } }))).toBe(-1)
    expect(sweepOf(candles({}))).toBe(0)
  })

  test("the newest sweeping candle decides", () => {
    expect(sweepOf(candles({ 27: { high: 103.5 }, 29: { low: 96.5 } }))).toBe(1)
    expect(sweepOf(candles({ 27: { low: 96.5 }, 29: { high: 103.5 } }))).toBe(-1)
    expect(sweepOf(candles({ 27: { low: 96.5 }, 28: { high: 103.5, low: 96.5 } }))).toBe(-1)
    // Older than the last 3 candles: not a recent sweep.
    expect(sweepOf(candles({ 26: { low: 96.5 } }))).toBe(0)
    expect(sweepOf(candles({ 26: { high: 103.5 } }))).toBe(0)
  })

  test("equals the rule applied oldest to newest on real windows", () => {
    const src = loadCandles("ltcusdt-1m")
    let seen = 0
    for (let end = 120; end <= src.close.length; end += 13) {
      const c = window(src, end, 100)
      const n = c.close.length
      const piv = s.swings(c.high, c.low, 2, 0, n - 3)
      let want = 0
      for (let i = n - 3; i < n; i++) {
        for (const p of piv.lows) if (c.low[i] < c.low[p] && c.close[i] > c.low[p]) want = 1
        for (const p of piv.highs) if (c.high[i] > c.high[p] && c.close[i] < c.high[p]) want = -1
      }
      const got = run(plugin, { candles: c })
      if (got.score === null) continue
      expect(got.values!.sweep).toBe(want)
      if (want !== 0) seen++
    }
    expect(seen).toBeGreaterThan(5)
  })
})
