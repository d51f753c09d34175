/** Books as integer columns: exact round trips, and JSON for books the scaling cannot carry. */
import { expect, test } from "bun:test"
import { inflateRawSync } from "node:zlib"
import type { VirtuosoEvent } from "../../../core/events/index.ts"
import { decodePayload, encodePayload } from "../../../core/store/payload-codec.ts"

let state = 7
const random = () => {
  state = (state * 1103515245 + 12345) % 2 ** 31
  return state / 2 ** 31
}
const bookEvent = (price: (i: number) => number, size: () => number): VirtuosoEvent => ({
  id: "B",
  type: "market.orderbook",
  version: 1,
  time: 1,
  source: "test",
  payload: {
    symbol: "BTC/USDT",
    exchange: "binance",
    time: 1_700_000_000_000,
    bids: Array.from({ length: 20 }, (_, i) => [price(-i - 1), size()] as [number, number]),
    asks: Array.from({ length: 20 }, (_, i) => [price(i + 1), size()] as [number, number]),
  },
})
const storedForm = (stored: string | Uint8Array) =>
  typeof stored === "string"
    ? "text"
    : stored[0] === 0xff
      ? "packed"
      : Array.isArray(JSON.parse(inflateRawSync(stored).toString()))
        ? "columns"
        : "json"

test("tick-aligned books are stored as packed integer columns and decode to the same numbers", () => {
  for (let run = 0; run < 200; run++) {
    const tick = [1, 0.1, 0.01, 0.00001][run % 4]
    const mid = Math.round((100 + random() * 60_000) / tick)
    const event = bookEvent(
      (i) => Number(((mid + i * (1 + Math.floor(random() * 3))) * tick).toFixed(5)),
      () => Number((random() * 50).toFixed(run % 9)),
    )
    const stored = encodePayload(event)
    expect(storedForm(stored)).toBe("packed")
    expect(decodePayload(stored)).toEqual(event.payload)
  }
})

test("books with full-precision or exponent numbers fall back to deflated JSON, still exact", () => {
  const offTick = bookEvent(
    (i) => 43_000 * (1 + 0.0001 * i),
    () => 1 + random() * 5,
  )
  const tiny = bookEvent(
    (i) => 1e-9 * (100 + i),
    () => 3,
  )
  for (const event of [offTick, tiny]) {
    const stored = encodePayload(event)
    expect(storedForm(stored)).toBe("json")
    expect(decodePayload(stored)).toEqual(event.payload)
  }
})

test("a book without an exchange decodes without one", () => {
  const event: VirtuosoEvent = {
    id: "C",
    type: "market.orderbook",
    version: 1,
    time: 1,
    source: "test",
    payload: { symbol: "X/Y", time: 5, bids: [[1.5, 2]], asks: [] },
  }
  const decoded = decodePayload(encodePayload(event))
  expect(decoded).toEqual(event.payload)
  expect(Object.keys(decoded as object)).not.toContain("exchange")
})
