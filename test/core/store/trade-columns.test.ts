/** Trade batches as packed integer columns: exact round trips, and JSON for batches the scaling cannot carry. */
import { expect, test } from "bun:test"
import { inflateRawSync } from "node:zlib"
import type { VirtuosoEvent } from "../../../core/events/index.ts"
import { decodePayload, encodePayload } from "../../../core/store/payload-codec.ts"

let state = 11
const random = () => {
  state = (state * 1103515245 + 12345) % 2 ** 31
  return state / 2 ** 31
}
type Trade = { id: string; time: number; price: number; amount: number; side: "buy" | "sell" }
const batch = (trades: ReadonlyArray<Trade>, exchange?: string): VirtuosoEvent => ({
  id: "T",
  type: "market.trades",
  version: 1,
  time: 1,
  source: "test",
  payload: { symbol: "ETH/USDT", ...(exchange === undefined ? {} : { exchange }), trades: [...trades] },
})
const form = (stored: string | Uint8Array) =>
  typeof stored === "string"
    ? "text"
    : stored[0] === 0xff
      ? "packed"
      : Array.isArray(JSON.parse(inflateRawSync(stored).toString()))
        ? "columns"
        : "json"

test("tick- and lot-aligned trades are stored packed and decode to the same trades", () => {
  for (let run = 0; run < 200; run++) {
    const tick = [1, 0.1, 0.01, 0.00001][run % 4]!
    const numericIds = run % 2 === 0
    let time = 1_700_000_000_000 + run
    let id = 4_000_000_000 + run * 1000
    const trades = Array.from({ length: run % 50 }, (_, i): Trade => {
      time += Math.floor(random() * 500)
      id += 1 + Math.floor(random() * 3)
      return {
        id: numericIds ? String(id) : `${run}-${i}`,
        time,
        price: Number((Math.round((100 + random() * 60_000) / tick) * tick).toFixed(5)),
        amount: Number((random() * 50).toFixed(run % 9)),
        side: random() < 0.5 ? "buy" : "sell",
      }
    })
    const event = batch(trades, run % 3 === 0 ? undefined : "binance")
    const stored = encodePayload(event)
    expect(form(stored)).toBe("packed")
    expect(decodePayload(stored)).toEqual(event.payload)
  }
})

test("trades with full-precision numbers, extra fields or zero-padded ids stay exact", () => {
  const base: Trade = { id: "1", time: 5, price: 100.5, amount: 2, side: "buy" }
  const offLot = batch([{ ...base, amount: 1 / 3 }])
  const extra = batch([{ ...base, fee: 1 } as Trade])
  const stored = encodePayload(offLot)
  expect(form(stored)).toBe("json")
  expect(decodePayload(stored)).toEqual(offLot.payload)
  expect(decodePayload(encodePayload(extra))).toEqual(extra.payload)
  // "007" is not the number 7: such ids are kept as strings.
  const padded = batch([
    { ...base, id: "007" },
    { ...base, id: "8" },
  ])
  expect(decodePayload(encodePayload(padded))).toEqual(padded.payload)
})
