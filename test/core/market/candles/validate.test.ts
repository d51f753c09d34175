import { describe, expect, test } from "bun:test"
import { CandleSeries, candleProblem } from "../../../../core/market/candles/index.ts"
import type { Candle } from "../../../../core/market-schema/index.ts"
import { closedAfter, newCursor } from "../../../../core/market/series-tracker.ts"

const H4 = 4 * 3_600_000
const at = (iso: string) => Date.parse(iso)
const candle = (time: number, o: Partial<Candle> = {}): Candle => ({
  time,
  open: 100,
  high: 101,
  low: 99,
  close: 100.5,
  volume: 10,
  ...o,
})

describe("candleProblem", () => {
  test("a sound candle passes", () => {
    expect(candleProblem(candle(at("2026-01-05T04:00:00Z")), H4)).toBeUndefined()
  })

  test("a 4h candle opening at 05:34 is misaligned", () => {
    expect(candleProblem(candle(at("2026-01-05T05:34:00Z")), H4)).toContain("not aligned to 240 min")
  })

  test("inconsistent OHLC and negative volume are named", () => {
    const t = at("2026-01-05T04:00:00Z")
    expect(candleProblem(candle(t, { high: 98 }), H4)).toBe("high below low")
    expect(candleProblem(candle(t, { close: 102 }), H4)).toBe("close outside [low, high]")
    expect(candleProblem(candle(t, { close: 98 }), H4)).toBe("close outside [low, high]")
    expect(candleProblem(candle(t, { open: 103 }), H4)).toBe("open outside [low, high]")
    expect(candleProblem(candle(t, { volume: -0.1 }), H4)).toBe("negative volume")
    expect(candleProblem(candle(t, { volume: Number.NaN }), H4)).toBe("non-finite field")
  })
})

describe("malformed candles are rejected and counted on every path", () => {
  const t0 = at("2026-01-05T00:00:00Z")
  const bad = [
    candle(t0 + 5_640_000),
    candle(t0 + H4, { close: 200 }),
    candle(t0 + 2 * H4, { high: 90 }),
    candle(t0 + 3 * H4, { volume: -1 }),
  ]

  test("REST backfill (closedAfter)", () => {
    const result = closedAfter(newCursor(), [candle(t0), ...bad, candle(t0 + 4 * H4)], H4, t0 + 10 * H4)
    expect(result.closed.map((c) => c.time)).toEqual([t0, t0 + 4 * H4])
    expect(result.malformed).toBe(4)
  })

  test("websocket updates and REST polls (CandleSeries)", () => {
    const series = new CandleSeries(H4, 100)
    expect(series.ingest(bad).malformed).toBe(4)
    expect(series.backfill(bad, t0 + 10 * H4).malformed).toBe(4)
    expect(series.closed).toEqual([])
  })
})

describe("closedness by the exchange's clock", () => {
  const M = 60_000
  const t0 = at("2026-01-05T12:00:00Z")
  const rows = [candle(t0), candle(t0 + M), candle(t0 + 2 * M)]

  test("the newest candle is closed once its period ended by the exchange's clock, even with no successor", () => {
    expect(closedAfter(newCursor(), rows, M, t0 + 3 * M).closed.map((c) => c.time)).toEqual([t0, t0 + M, t0 + 2 * M])
    // one millisecond earlier by the exchange's clock it is still open
    expect(closedAfter(newCursor(), rows, M, t0 + 3 * M - 1).closed.map((c) => c.time)).toEqual([t0, t0 + M])
  })

  test("without a clock only a successor proves a candle closed", () => {
    expect(closedAfter(newCursor(), rows, M).closed.map((c) => c.time)).toEqual([t0, t0 + M])
  })
})
