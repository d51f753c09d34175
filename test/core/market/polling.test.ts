import { describe, expect, test } from "bun:test"
import { candlesDue } from "../../../core/market/polling.ts"
import { newSymbolState } from "../../../core/market/symbol-state.ts"
import { newCursor } from "../../../core/market/series-tracker.ts"
import { TIMEFRAME_MS, type Timeframe } from "../../../core/market-schema/index.ts"

const M = TIMEFRAME_MS["1m"]
const H4 = TIMEFRAME_MS["4h"]

/** A symbol whose series' newest closed candles open at `last` (absent: not backfilled). */
const stateWith = (last: Partial<Record<Timeframe, number>>) => {
  const cursors = new Map<Timeframe, ReturnType<typeof newCursor>>()
  for (const tf of ["1m", "5m", "4h"] as const) {
    const cursor = newCursor()
    if (last[tf] !== undefined) cursor.lastClosed = last[tf]
    cursors.set(tf, cursor)
  }
  return newSymbolState("BTC/USDT", cursors, true)
}

describe("candlesDue", () => {
  test("the shortest timeframe and series not backfilled yet are always fetched", () => {
    const state = stateWith({ "1m": 100 * H4 })
    expect(candlesDue(state, "1m", "1m", -Infinity)).toBe(true)
    expect(candlesDue(state, "4h", "1m", -Infinity)).toBe(true)
  })

  test("a longer series waits until the shortest one proves its next candle closed", () => {
    // 4h candle [10h·4, 11h·4) is the newest closed; the next one closes at 12·4h.
    const last4h = 10 * H4
    const nextClose = last4h + 2 * H4
    const before = stateWith({ "1m": nextClose - 2 * M, "4h": last4h })
    expect(candlesDue(before, "4h", "1m", -Infinity)).toBe(false)
    // The 1m candle ending at the 4h boundary closed: so did the 4h one.
    const after = stateWith({ "1m": nextClose - M, "4h": last4h })
    expect(candlesDue(after, "4h", "1m", -Infinity)).toBe(true)
  })

  test("the exchange's clock alone is enough once the next candle's period has ended", () => {
    const last4h = 10 * H4
    const state = stateWith({ "1m": last4h, "4h": last4h })
    expect(candlesDue(state, "4h", "1m", last4h + 2 * H4 - 1)).toBe(false)
    expect(candlesDue(state, "4h", "1m", last4h + 2 * H4)).toBe(true)
  })

  test("a series left behind (a failed fetch, a gap) is fetched every round until it catches up", () => {
    const state = stateWith({ "1m": 50 * H4, "5m": 10 * H4, "4h": 10 * H4 })
    expect(candlesDue(state, "5m", "1m", -Infinity)).toBe(true)
    expect(candlesDue(state, "4h", "1m", -Infinity)).toBe(true)
  })
})
