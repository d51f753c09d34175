import { describe, expect, test } from "bun:test"
import { pushTape, TAPE_MS } from "../../../core/analysis/tape.ts"
import type { Trade } from "../../../core/market-schema/index.ts"
import { freshTrades, newSymbolState } from "../../../core/market/symbol-state.ts"

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
    const tape: Array<Trade> = []
    // One trade every 10 s for 20 minutes, fetched a minute at a time (with overlap).
    for (let minute = 0; minute < 20; minute++) {
      const batch = Array.from({ length: 7 }, (_, k) => trade(minute * 6 + k, (minute * 6 + k) * 10_000))
      pushTape(tape, freshTrades(state, batch))
    }
    const newest = tape.at(-1)!.time
    expect(tape.every((t) => t.time >= newest - TAPE_MS)).toBe(true)
    expect(tape.length).toBe(TAPE_MS / 10_000 + 1)
    expect(new Set(tape.map((t) => t.id)).size).toBe(tape.length)
  })

  test("a busy market's tape is capped at the limit", () => {
    const tape: Array<Trade> = []
    pushTape(
      tape,
      Array.from({ length: 3000 }, (_, i) => trade(i, i)),
      1000,
    )
    expect(tape.length).toBe(1000)
    expect(tape[0]!.id).toBe("t2000")
  })
})
