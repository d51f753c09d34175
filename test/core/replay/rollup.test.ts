import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import { parseConfig } from "../../../core/config/index.ts"
import type { Candle } from "../../../core/market-schema/index.ts"
import { candlesFromCsv, makeAggregator, replayFile, rollupTimeframes } from "../../../core/replay/index.ts"
import { BTC, readRows } from "./support.ts"

const m = (minute: number, close: number): Candle => ({
  time: minute * 60_000,
  open: close - 1,
  high: close + 2,
  low: close - 3,
  close,
  volume: 1,
})

describe("higher timeframes from base candles", () => {
  test("5m from the real 1m candles equals OHLCV worked out by hand from the CSV", () => {
    const candles = candlesFromCsv(readFileSync(BTC, "utf8"), "btc")
    const agg = makeAggregator("1m", "5m")
    const built = candles.flatMap((c) => agg.push(c))
    expect(built).toHaveLength(288)
    const cells = readFileSync(BTC, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(",").map(Number))
    for (const k of [0, 137, 287]) {
      const rows = cells.slice(5 * k, 5 * k + 5)
      expect(built[k]).toEqual({
        time: rows[0]![0]!,
        open: rows[0]![1]!,
        high: Math.max(...rows.map((r) => r[2]!)),
        low: Math.min(...rows.map((r) => r[3]!)),
        close: rows[4]![4]!,
        volume: rows.reduce((v, r) => v + r[5]!, 0),
      })
    }
  })

  test(
    "a bucket closes on its last candle, or on the next bucket's " +
      "first after a gap; a partial first bucket is dropped",
    () => {
      const agg = makeAggregator("1m", "5m")
      expect(agg.push(m(3, 10))).toEqual([]) // enters 00:00–00:05 part-way
      expect(agg.push(m(4, 11))).toEqual([]) // ...and that bucket is never emitted
      expect(agg.push(m(5, 12))).toEqual([])
      expect(agg.push(m(6, 13))).toEqual([])
      // 7, 8, 9 missing: minute 10 closes the 5-minute bucket from what it has.
      expect(agg.push(m(10, 14))).toEqual([{ time: 300_000, open: 11, high: 15, low: 9, close: 13, volume: 2 }])
      for (const minute of [11, 12, 13]) expect(agg.push(m(minute, 15))).toEqual([])
      expect(agg.push(m(14, 16))).toEqual([{ time: 600_000, open: 13, high: 18, low: 11, close: 16, volume: 5 }])
    },
  )

  test("which configured timeframes a base can build", () => {
    const config = parseConfig({
      timeframes: {
        "1m": { weight: 1, candles: 100 },
        "3m": { weight: 1, candles: 100 },
        "5m": { weight: 1, candles: 100 },
        "1h": { weight: 1, candles: 100 },
      },
    })
    expect(rollupTimeframes(config, "5m")).toEqual({ build: ["1h"], skipped: ["1m", "3m"] })
    expect(rollupTimeframes(config, "1m").build).toEqual(["3m", "5m", "1h"])
  })
})

describe("replay --rollup", async () => {
  const config = parseConfig({})
  const single = await Effect.runPromise(replayFile(config, BTC, { symbol: "BTC/USDT", horizons: [5, 60] }))
  const rolled = await Effect.runPromise(
    replayFile(config, BTC, { symbol: "BTC/USDT", horizons: [5, 60], rollup: true }),
  )

  test("builds the configured timeframes and rolls them up into the score, as live", () => {
    expect(rolled.report.rollup).toEqual(["5m", "30m", "4h"])
    expect(rolled.report.timeframes.map((t) => [t.timeframe, t.candles])).toEqual([
      ["1m", 1440],
      ["5m", 288],
      ["30m", 48],
      ["4h", 6],
    ])
    // 4h needs more than a day of history: it never scores and its weight goes to the others.
    expect(rolled.report.timeframes.find((t) => t.timeframe === "4h")!.scored).toBe(0)
    // Until the first 5m candle closes only 1m has a score: the roll-up equals the single-timeframe score.
    for (let i = 0; i < 4; i++) expect(rolled.run.trace[i]!.score).toBe(single.run.trace[i]!.score)
    const differ = rolled.run.trace.filter((p, i) => p.score !== single.run.trace[i]!.score).length
    expect(differ).toBeGreaterThan(1000)
    expect(rolled.report.signals.length).toBeGreaterThan(0)
    for (const s of rolled.report.signals) expect(s.signal.timeframe).toBe("all")
  })

  test("forward returns still count base candles from the CSV; deterministic", async () => {
    const rows = readRows(BTC)
    const s = rolled.report.signals[1]!
    expect(s.forward[0]!.returnPct!).toBeCloseTo((rows[s.index + 5]!.close / rows[s.index]!.close - 1) * 100, 12)
    const again = await Effect.runPromise(
      replayFile(config, BTC, { symbol: "BTC/USDT", horizons: [5, 60], rollup: true }),
    )
    expect(again.json).toBe(rolled.json)
    expect(again.svg).toBe(rolled.svg)
  })
})
