import { describe, expect, test } from "bun:test"
import { pushTrades, TAPE_MS, type SymbolState } from "../../../core/market/symbol-state.ts"
import type { Trade } from "../../../core/market-schema/index.ts"

const state = (): SymbolState => ({
  symbol: "BTC/USDT", series: new Map(), trades: [], tradeIds: new Set(), market: {}, derivativesAt: 0, live: true, removed: false,
})
const trade = (i: number, time: number): Trade => ({ id: `t${i}`, time, price: 100, amount: 1, side: i % 2 ? "buy" : "sell" })

describe("the trade tape", () => {
  test("keeps the last five minutes, forgets the ids it dropped, skips repeats", () => {
    const s = state()
    // One trade every 10 s for 20 minutes, delivered a minute at a time (with overlap).
    for (let minute = 0; minute < 20; minute++) {
      const batch = Array.from({ length: 7 }, (_, k) => trade(minute * 6 + k, (minute * 6 + k) * 10_000))
      pushTrades(s, batch, 1000)
    }
    const newest = s.trades.at(-1)!.time
    expect(s.trades.every((t) => t.time >= newest - TAPE_MS)).toBe(true)
    expect(s.trades.length).toBe(TAPE_MS / 10_000 + 1)
    expect(s.tradeIds.size).toBe(s.trades.length)
    expect(new Set(s.trades.map((t) => t.id)).size).toBe(s.trades.length)
  })

  test("a busy market's tape is capped at the limit", () => {
    const s = state()
    pushTrades(s, Array.from({ length: 3000 }, (_, i) => trade(i, i)), 1000)
    expect(s.trades.length).toBe(1000)
    expect(s.trades[0]!.id).toBe("t2000")
    expect(s.tradeIds.size).toBe(1000)
  })
})
