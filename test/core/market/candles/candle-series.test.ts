import { describe, expect, test } from "bun:test"
import { CandleSeries } from "../../../../core/market/candles/index.ts"
import type { Candle } from "../../../../core/market-schema/index.ts"

const M = 60_000
const c = (i: number, close = 100 + i, volume = 1): Candle => ({
  time: i * M,
  open: 100,
  high: Math.max(100, close) + 1,
  low: Math.min(100, close) - 1,
  close,
  volume,
})
const times = (cs: ReadonlyArray<Candle>) => cs.map((x) => x.time / M)

describe("CandleSeries", () => {
  test("seed: candles ended by now are closed, the newest is open", () => {
    const s = new CandleSeries(M, 100)
    const r = s.seed([c(1), c(2), c(3)], 3 * M + 10)
    expect(times(r.closed)).toEqual([1, 2])
    expect(r.open?.time).toBe(3 * M)
    expect(s.lastClosedTime).toBe(2 * M)
  })

  test("live updates: the open candle is revised in place; it closes when the next one arrives", () => {
    const s = new CandleSeries(M, 100)
    s.seed([c(1), c(2)], 2 * M + 1)
    expect(times(s.ingest([c(2, 150)]).closed)).toEqual([])
    expect(s.open?.close).toBe(150)
    const r = s.ingest([c(2, 151), c(3, 160)]) // final frame of 2, first of 3 (one ccxt batch)
    expect(times(r.closed)).toEqual([2])
    expect(r.closed[0]!.close).toBe(151)
    expect(r.open?.time).toBe(3 * M)
  })

  test("duplicates and out-of-order updates are dropped and counted", () => {
    const s = new CandleSeries(M, 100)
    s.seed([c(1), c(2), c(3)], 3 * M + 1) // 1,2 closed; 3 open
    const r = s.ingest([c(1), c(2, 999), c(3, 130)])
    expect(r.duplicates).toBe(2)
    expect(r.revised).toBe(1) // c(2, 999) differs from the kept closed candle
    expect(r.closed).toEqual([])
    expect(s.closed.find((x) => x.time === 2 * M)!.close).toBe(102) // closed candles are immutable
    s.ingest([c(4)])
    const late = s.ingest([c(3, 1)]) // 3 already closed by 4
    expect(late.duplicates).toBe(1)
  })

  test("out-of-order inside one batch is sorted first", () => {
    const s = new CandleSeries(M, 100)
    s.seed([c(1)], 1 * M + 1)
    const r = s.ingest([c(3), c(2)])
    expect(times(r.closed)).toEqual([1, 2]) // 1 closed by 2, 2 closed by 3
    expect(r.open?.time).toBe(3 * M)
  })

  test("a jump is a gap: skipped candles and the last open one become a backfill range", () => {
    const s = new CandleSeries(M, 100)
    s.seed([c(1), c(2)], 2 * M + 1) // 2 open
    const r = s.ingest([c(5)])
    expect(r.closed).toEqual([])
    expect(r.gaps).toEqual([{ from: 2 * M, to: 4 * M }])
    expect(s.pendingGaps).toEqual([{ from: 2 * M, to: 4 * M }])
    // the stream moves on meanwhile
    expect(times(s.ingest([c(6)]).closed)).toEqual([5])
    // REST backfill fills the hole, in order, from closed candles only
    const b = s.backfill([c(2), c(3), c(4), c(5), c(6)], 6 * M + 5)
    expect(times(b.closed)).toEqual([2, 3, 4])
    expect(s.pendingGaps).toEqual([])
    expect(times(s.closed)).toEqual([1, 2, 3, 4, 5])
  })

  test("a partial backfill leaves the rest of the range pending", () => {
    const s = new CandleSeries(M, 100)
    s.seed([c(1)], 1 * M + 1)
    s.ingest([c(6)])
    s.backfill([c(1), c(2), c(3)], 10 * M)
    expect(s.pendingGaps).toEqual([{ from: 4 * M, to: 5 * M }])
  })

  test("REST moving past a candle the stream left open re-fetches it", () => {
    const s = new CandleSeries(M, 100)
    s.seed([c(1), c(2)], 2 * M + 1) // 2 open
    const r = s.backfill([c(3), c(4)], 4 * M + 1) // REST window no longer includes 2
    expect(r.gaps).toEqual([{ from: 2 * M, to: 2 * M }])
    expect(times(r.closed)).toEqual([3])
    expect(r.open?.time).toBe(4 * M)
  })

  test("malformed candles (misaligned, NaN, high < low) are counted, never stored", () => {
    const s = new CandleSeries(M, 100)
    const r = s.ingest([
      { ...c(1), time: 61_001 },
      { ...c(2), close: Number.NaN },
      { ...c(3), high: 1, low: 2 },
    ])
    expect(r.malformed).toBe(3)
    expect(s.open).toBeUndefined()
  })

  test("bounded: keeps the newest `capacity` closed candles", () => {
    const s = new CandleSeries(M, 5)
    s.seed(
      Array.from({ length: 20 }, (_, i) => c(i)),
      20 * M,
    )
    expect(times(s.closed)).toEqual([15, 16, 17, 18, 19])
  })
})

test("seed without an open candle never closes the newest one early (no look-ahead)", () => {
  const s = new CandleSeries(M, 100)
  const r = s.seed([c(1), c(2)], 2 * M) // candle 2 has just opened
  expect(times(r.closed)).toEqual([1])
  expect(s.open?.time).toBe(2 * M)
})

test(
  "after(): continues a series held elsewhere — gaps and " + "duplicates are judged against its last closed candle",
  () => {
    const s = CandleSeries.after(M, 100, 5 * M)
    expect(s.ingest([c(5)]).duplicates).toBe(1) // already closed upstream
    const r = s.ingest([c(8)]) // 6 and 7 missing
    expect(r.gaps).toEqual([{ from: 6 * M, to: 7 * M }])
    const filled = s.backfill([c(6), c(7)], 8 * M + 1)
    expect(times(filled.closed)).toEqual([6, 7])
    expect(times(s.ingest([c(9)]).closed)).toEqual([8])
  },
)
