/** Packed books, trades and candle history: exact round trips at the edges, and earlier forms still read. */
import { expect, test } from "bun:test"
import { deflateRawSync } from "node:zlib"
import type { VirtuosoEvent } from "../../../core/events/index.ts"
import { compactPayload, decodePayload, encodePayload } from "../../../core/store/payload-codec.ts"

type Trade = { id: string; time: number; price: number; amount: number; side: "buy" | "sell" }
const trades = (list: ReadonlyArray<Trade>, exchange?: string): VirtuosoEvent => ({
  id: "T",
  type: "market.trades",
  version: 1,
  time: 1,
  source: "test",
  payload: { symbol: "ETH/USDT", ...(exchange === undefined ? {} : { exchange }), trades: [...list] },
})
const book = (time: number, bids: Array<[number, number]>, asks: Array<[number, number]>): VirtuosoEvent => ({
  id: "B",
  type: "market.orderbook",
  version: 1,
  time: 1,
  source: "test",
  payload: { symbol: "BTC/USDT", exchange: "okx", time, bids, asks },
})
const trade = (id: string, time: number, price: number, side: "buy" | "sell" = "buy"): Trade => ({
  id,
  time,
  price,
  amount: 0.25,
  side,
})
const packed = (stored: string | Uint8Array) => typeof stored !== "string" && stored[0] === 0xff

test("string ids share prefixes, split no surrogate pair, and come back whole, non-ASCII and long alike", () => {
  const ids = ["abc-1", "abc-2", "abc-2", "ab", "é€-1", "é€-2", "😀a", "😁b", "x".repeat(300), "x".repeat(301), ""]
  const event = trades(ids.map((id, i) => trade(id, 1_700_000_000_000 + i, 10 + i / 100, i % 3 ? "sell" : "buy")))
  const stored = encodePayload(event)
  expect(packed(stored)).toBe(true)
  expect(decodePayload(stored)).toEqual(event.payload)
})

test("numeric ids come back digit for digit across hundreds, below a hundred and after a jump back", () => {
  const ids = ["4123456798", "4123456799", "4123456800", "4123456801", "100", "99", "0", "105", "4123456801", "1000"]
  for (let round = 0; round < 2; round++) {
    const event = trades(ids.map((id, i) => trade(id, 1_700_000_000_000 + i, 10)))
    const back = decodePayload(encodePayload(event))
    expect(back).toEqual(event.payload)
    expect((back as { trades: Array<Trade> }).trades.map((t) => t.id)).toEqual(ids)
  }
})

test("numbers at the edges: 15-digit ids, falling ids and times, prices near the packable limit", () => {
  const event = trades([trade("999999999999999", 2 ** 51, 1), trade("1", 5, 2 ** 40), trade("123456789012345", -7, 0)])
  expect(decodePayload(encodePayload(event))).toEqual(event.payload)
  const deep = book(
    -1,
    [
      [4.5e15 / 1000, 0],
      [0.001, 1e-12],
    ],
    [],
  )
  expect(decodePayload(encodePayload(deep))).toEqual(deep.payload)
  // Beyond 2^52 the varints cannot be exact: stored in an older form, still exact.
  const huge = book(2 ** 53 - 1, [[1, 1]], [[2, 1]])
  const stored = encodePayload(huge)
  expect(packed(stored)).toBe(false)
  expect(decodePayload(stored)).toEqual(huge.payload)
})

test("a 20-level book packs no larger than its deflated integer columns", () => {
  const level = (i: number): [number, number] => [
    (430_001 + i) / 10,
    Math.round(1000 + (((i + 40) * 7919) % 7000)) / 1000,
  ]
  const event = book(
    1_700_000_000_000,
    Array.from({ length: 20 }, (_, i) => level(-i - 1)),
    Array.from({ length: 20 }, (_, i) => level(i + 1)),
  )
  const columns = deflateRawSync(JSON.stringify(compactPayload(event)))
  const stored = encodePayload(event)
  expect(packed(stored)).toBe(true)
  expect(stored.length).toBeLessThanOrEqual(columns.length)
})

test("payloads as earlier builds stored them still decode: deflated columns, deflated JSON, JSON text", () => {
  const b = book(1_700_000_000_000, [[100.5, 2]], [[100.6, 3]])
  const t = trades([trade("7", 1, 100.5), trade("9", 2, 100.4, "sell")], "sim")
  for (const event of [b, t]) {
    expect(decodePayload(deflateRawSync(JSON.stringify(compactPayload(event))))).toEqual(event.payload)
    expect(decodePayload(deflateRawSync(JSON.stringify(event.payload)))).toEqual(event.payload)
    expect(decodePayload(JSON.stringify(event.payload))).toEqual(event.payload)
  }
})

test("packed bytes this build cannot read fail naming why", () => {
  const stored = encodePayload(book(5, [[1, 1]], [])) as Uint8Array
  const unknown = Uint8Array.from(stored)
  unknown[1] = 9
  expect(() => decodePayload(unknown)).toThrow("unknown packed layout 9")
  expect(() => decodePayload(stored.subarray(0, stored.length - 1))).toThrow("truncated")
  expect(() => decodePayload(Uint8Array.from([...stored, 0]))).toThrow("bytes left")
})

test("ids whose shared prefix shrinks and grows back to the same length come back whole, batch after batch", () => {
  // Each id is made from a prefix that is reused while ids share as much as the one before.
  const batches = [
    ["ab-1", "ab-2", "ac-3", "ac-4", "ab-5", "ab-6", "b", "bc", "bd"],
    ["zz-1", "zz-2", "zy-1", "zy-11", "zy-12"],
  ]
  for (let round = 0; round < 2; round++)
    for (const ids of batches) {
      const event = trades(ids.map((id, i) => trade(id, 1_700_000_000_000 + i, 10)))
      const back = decodePayload(encodePayload(event))
      expect(back).toEqual(event.payload)
      expect((back as { trades: Array<Trade> }).trades.map((t) => t.id)).toEqual(ids)
    }
})

test("an ASCII id after one too long for the scratch buffer shares its prefix from the id itself", () => {
  const ids = ["y".repeat(300), `${"y".repeat(10)}z`, `${"y".repeat(10)}zz`, "q", "qq"]
  const event = trades(ids.map((id, i) => trade(id, 1_700_000_000_000 + i, 10)))
  expect(decodePayload(encodePayload(event))).toEqual(event.payload)
})

const history = (payload: Record<string, unknown>): VirtuosoEvent =>
  ({ id: "H", type: "market.candles", version: 1, time: 1, source: "test", payload }) as VirtuosoEvent

test("backfilled history packs with its prices as they are, and history the layout cannot carry is deflated", () => {
  const candles = [
    { time: 1_700_000_000_000, open: 0.1 + 0.2, high: 43_123.456789, low: -1e-9, close: Math.PI, volume: 0 },
    { time: 1_699_999_940_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: Number.MAX_VALUE },
  ]
  for (const payload of [
    { symbol: "BTC/USDT", timeframe: "1m", candles, backfill: true },
    { symbol: "BTC/USDT", timeframe: "4h", exchange: "okx", candles, backfill: false },
    { symbol: "ÉTH/USDT", timeframe: "5m", candles: [] },
  ]) {
    const stored = encodePayload(history(payload))
    expect(packed(stored)).toBe(true)
    expect(decodePayload(stored)).toEqual(payload)
  }
  // An extra field, or a candle time that is not a whole number, keeps the deflated JSON form.
  for (const payload of [
    { symbol: "BTC/USDT", timeframe: "1m", candles, note: "x" },
    { symbol: "BTC/USDT", timeframe: "1m", candles: [{ ...candles[0]!, time: 1.5 }] },
    { symbol: "BTC/USDT", timeframe: "1m", candles: [{ ...candles[0]!, trades: 3 }] },
  ]) {
    const stored = encodePayload(history(payload))
    expect(packed(stored)).toBe(false)
    expect(decodePayload(stored)).toEqual(payload)
  }
})

test("packed history cut short or with bytes left over fails naming why", () => {
  const candles = [{ time: 1_700_000_000_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 }]
  const stored = encodePayload(history({ symbol: "BTC/USDT", timeframe: "1m", candles })) as Uint8Array
  expect(packed(stored)).toBe(true)
  for (const cut of [1, 8, 40])
    expect(() => decodePayload(stored.subarray(0, stored.length - cut))).toThrow("truncated")
  expect(() => decodePayload(Uint8Array.from([...stored, 0]))).toThrow("bytes left")
})
