/**
 * A block's packed trade batches as a replay reads them (block-read.ts, `coalesced`): each batch
 * is checked as it is read, the first of a merged batch and those merged into it alike, so a
 * damaged one fails the read naming what is wrong instead of reaching a tape; an intact block's
 * merged trades append to a tape as the batches hold them.
 */
import { expect, test } from "bun:test"
import type { VirtuosoEvent } from "../../../core/events/index.ts"
import { type Trade, tradeBatchOf } from "../../../core/market-schema/index.ts"
import { TradeTape } from "../../../core/plugins/trade-tape.ts"
import { blockEvents, EventStoreError, encodeBlock, encodePayload, type MarketRow } from "../../../core/store/index.ts"

const T0 = 1_764_460_800_000
const SYMBOL = "BTC/USDT"

const tradesEvent = (k: number, ids: "text" | "numeric"): VirtuosoEvent => ({
  id: `T${k}`,
  type: "market.trades",
  version: 1,
  time: T0 + k * 1000,
  source: "test",
  payload: {
    symbol: SYMBOL,
    trades: Array.from({ length: 5 }, (_, i) => ({
      id: ids === "text" ? `${SYMBOL}-${k}-${i}` : String(7_000_000 + k * 10 + i),
      time: T0 + k * 1000 + i,
      price: 43_000 + k + i / 100,
      amount: (i + 1) / 1000,
      side: i % 2 === 0 ? ("buy" as const) : ("sell" as const),
    })),
  },
})
const bookEvent = (k: number): VirtuosoEvent => ({
  id: `B${k}`,
  type: "market.orderbook",
  version: 1,
  time: T0 + k * 1000,
  source: "test",
  payload: { symbol: SYMBOL, time: T0 + k * 1000, bids: [[42_999 + k, 1]], asks: [[43_001 + k, 2]] },
})

/** A block of `batches` trade batches, a book before each, with batch `damaged` (if any) changed by `damage`. */
const block = (batches: number, ids: "text" | "numeric", damaged = -1, damage = (b: Uint8Array) => b) => {
  const rows: Array<MarketRow> = []
  for (let k = 0; k < batches; k++)
    for (const e of [bookEvent(k), tradesEvent(k, ids)]) {
      const stored = encodePayload(e) as Uint8Array
      rows.push({
        seq: rows.length + 1,
        time: e.time,
        type: e.type,
        symbol: SYMBOL,
        id: e.id,
        version: 1,
        source: e.source,
        payload: e.type === "market.trades" && k === damaged ? damage(stored) : stored,
      })
    }
  const { lead } = encodeBlock(rows, T0)
  return { seq: 1, time: T0, symbol: SYMBOL, count: rows.length, payload: lead, books: null }
}

const read = (b: ReturnType<typeof block>) => () => blockEvents(b, {}, true)

test("an intact block's batches merge into one, and its trades append to a tape as they were recorded", () => {
  for (const ids of ["text", "numeric"] as const) {
    const events = blockEvents(block(6, ids), {}, true)
    const merged = events.filter((e) => e.type === "market.trades")
    expect(merged).toHaveLength(1)
    const tape = new TradeTape()
    tape.appendBatch(tradeBatchOf(merged[0]!.payload as object)!)
    const recorded = Array.from({ length: 6 }, (_, k) => tradesEvent(k, ids).payload as { trades: Array<Trade> })
    expect(tape.trades()).toEqual(recorded.flatMap((p) => p.trades))
  }
})

test("a damaged trade batch fails the read with an EventStoreError naming the damage, wherever it sits", () => {
  // Cut short by a byte, a byte left over, a count larger than the bytes hold.
  const damages: Array<[(b: Uint8Array) => Uint8Array, string]> = [
    [(b) => b.subarray(0, b.length - 1), "truncated"],
    [(b) => Uint8Array.from([...b, 0]), "bytes left"],
    [(b) => Uint8Array.from(b, (x, i) => (i === countAt(b) ? 60 : x)), "truncated"],
  ]
  // Damaged: the first batch (read as a payload), one merged into it, and the last.
  for (const ids of ["text", "numeric"] as const)
    for (const [damage, message] of damages)
      for (const damaged of [0, 2, 5]) {
        const bad = block(6, ids, damaged, damage)
        expect(read(bad)).toThrow(message)
        expect(read(bad)).toThrow(EventStoreError)
      }
})

/** Where a packed batch's trade count sits: after marker, layout, symbol, exchange flag and two decimals bytes. */
const countAt = (b: Uint8Array): number => 2 + 1 + b[2]! + 1 + 2
