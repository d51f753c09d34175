import { describe, expect, test } from "bun:test"
import { closedAfter, newCursor } from "../../../core/market/series-tracker.ts"
import type { Candle } from "../../../core/market-schema/index.ts"

const candle = (time: number, close = 100): Candle => ({
  time,
  open: close,
  high: close + 1,
  low: close - 1,
  close,
  volume: 10,
})

describe("closedAfter", () => {
  test("the newest candle is open and left out", () => {
    const result = closedAfter(newCursor(), [candle(0), candle(60), candle(120)], 60)
    expect(result.closed.map((c) => c.time)).toEqual([0, 60])
  })

  test("duplicates and out-of-order candles are dropped, the rest sorted", () => {
    const cursor = { lastClosed: 60, version: 1 }
    const result = closedAfter(cursor, [candle(180), candle(60), candle(120), candle(0), candle(240)], 60)
    expect(result.closed.map((c) => c.time)).toEqual([120, 180])
    expect(result.duplicates).toBe(2)
  })

  test("a gap after the cursor is reported", () => {
    const result = closedAfter({ lastClosed: 60, version: 1 }, [candle(300), candle(360)], 60)
    expect(result.gapFrom).toBe(120)
    expect(closedAfter({ lastClosed: 60, version: 1 }, [candle(120), candle(180)], 60).gapFrom).toBeUndefined()
  })

  test("malformed candles (NaN, high < low, negative volume) are counted, not appended", () => {
    const bad = [
      { ...candle(0), close: Number.NaN },
      { ...candle(60), high: 90, low: 110 },
      { ...candle(120), volume: -1 },
      candle(180),
      candle(240),
    ]
    const result = closedAfter(newCursor(), bad, 60)
    expect(result.closed.map((c) => c.time)).toEqual([180])
    expect(result.malformed).toBe(3)
  })
})
