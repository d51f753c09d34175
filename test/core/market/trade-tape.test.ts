import { describe, expect, test } from "bun:test"
import { pushTape, TAPE_MS } from "../../../core/analysis/tape.ts"
import type { Trade } from "../../../core/market-schema/index.ts"
import { freshTrades, newSymbolState, TRADE_DEDUP_MS } from "../../../core/market/symbol-state.ts"
import { TradeTape } from "../../../core/plugins/trade-tape.ts"

const trade = (i: number, time: number): Trade => ({
  id: `t${i}`,
  time,
  price: 100,
  amount: 1,
  side: i % 2 ? "buy" : "sell",
})

describe("the trade tape", () => {
  test("MarketData publishes only trades it has not seen; Analysis keeps the last five minutes", () => {
    const state = newSymbolState("BTC/USDT", new Map(), true)
    const kept = new TradeTape()
    // One trade every 10 s for 20 minutes, fetched a minute at a time (with overlap).
    for (let minute = 0; minute < 20; minute++) {
      const batch = Array.from({ length: 7 }, (_, k) => trade(minute * 6 + k, (minute * 6 + k) * 10_000))
      pushTape(kept, freshTrades(state, batch))
    }
    const tape = kept.trades()
    const newest = tape.at(-1)!.time
    expect(tape.every((t) => t.time >= newest - TAPE_MS)).toBe(true)
    expect(tape.length).toBe(TAPE_MS / 10_000 + 1)
    expect(new Set(tape.map((t) => t.id)).size).toBe(tape.length)
  })

  test("ids are remembered for the last minute of trades only; an older trade arriving late counts as seen", () => {
    const state = newSymbolState("BTC/USDT", new Map(), true)
    // One trade a second for ten minutes, each fetch overlapping the previous one by five trades.
    for (let s = 0; s < 600; s += 5) {
      const from = Math.max(0, s - 5)
      const batch = Array.from({ length: s + 5 - from }, (_, k) => trade(from + k, (from + k) * 1000))
      const fresh = freshTrades(state, batch)
      expect(fresh.map((t) => t.id)).toEqual(batch.filter((t) => t.time >= s * 1000).map((t) => t.id))
    }
    expect(state.tradeIds.length).toBeLessThanOrEqual(TRADE_DEDUP_MS / 1000 + 1)
    expect(state.seenTrades.size).toBe(state.tradeIds.length)
    expect(freshTrades(state, [trade(9999, state.lastTradeTime! - TRADE_DEDUP_MS - 1)])).toEqual([])
    expect(freshTrades(state, [trade(9998, state.lastTradeTime! - TRADE_DEDUP_MS + 1)]).length).toBe(1)
  })

  test("a busy market's tape is capped at the limit", () => {
    const tape = new TradeTape()
    pushTape(
      tape,
      Array.from({ length: 3000 }, (_, i) => trade(i, i)),
      1000,
    )
    expect(tape.length).toBe(1000)
    expect(tape.trades()[0]!.id).toBe("t2000")
  })
})
