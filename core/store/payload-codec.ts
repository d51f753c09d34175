/**
 * @module How payloads sit in the `payload` columns. Most are JSON text. The bulky market inputs
 * — order books and trade batches, nearly every recorded row — are packed as varint columns
 * (packed-market.ts): no zlib on either side, so a replay decodes a trade batch in well under a
 * microsecond. Backfilled candle history is packed too, its prices as float64s
 * (packed-candles.ts). A book or batch whose numbers the integer columns cannot carry exactly,
 * and history with fields the layout does not carry, is raw-deflated JSON in a BLOB.
 *
 * The columns keep TEXT affinity, which SQLite leaves BLOB values alone in, so the storage class
 * and first byte of the value, never the event type, say how to decode it: text is JSON; a BLOB
 * starting with `PACKED` is packed; any other BLOB is raw DEFLATE. Rows earlier builds wrote
 * read as they are: plain JSON text, and deflated integer columns (books and trades as arrays
 * named by their first element, book-columns.ts, trade-columns.ts — payloads are objects, so a
 * deflated array is unambiguously a column form). The warm tier's day files keep the JSON
 * column form (gzip compresses it across a whole tiering pass).
 */
import { deflateRawSync } from "node:zlib"
import type { VirtuosoEvent } from "../events/index.ts"
import { BOOK_COLUMNS, bookToColumns, columnsToBook } from "./book-columns.ts"
import { PACKED, packBook, packCandleHistory, packTrades, unpackMarket } from "./packed-market.ts"
import { columnsToTrades, TRADE_COLUMNS, tradesToColumns } from "./trade-columns.ts"

/** A stored payload: JSON text, packed columns, or raw-deflated JSON bytes. */
export type StoredPayload = string | Uint8Array

/** The payload as JSON: the column form for books and trades when it applies. */
export const compactPayload = (event: VirtuosoEvent): unknown => {
  if (event.type === "market.orderbook") return bookToColumns(event.payload) ?? event.payload
  if (event.type === "market.trades") return tradesToColumns(event.payload) ?? event.payload
  return event.payload
}

/** The payload back from `compactPayload`'s form (objects pass through). */
export const expandPayload = (value: unknown): unknown => {
  if (!Array.isArray(value)) return value
  if (value[0] === BOOK_COLUMNS) return columnsToBook(value)
  if (value[0] === TRADE_COLUMNS) return columnsToTrades(value)
  return value
}

const DEFLATED: ReadonlySet<string> = new Set(["market.orderbook", "market.trades", "market.candles"])

export const encodePayload = (event: VirtuosoEvent): StoredPayload => {
  const packed =
    event.type === "market.orderbook"
      ? packBook(event.payload)
      : event.type === "market.trades"
        ? packTrades(event.payload)
        : event.type === "market.candles"
          ? packCandleHistory(event.payload)
          : undefined
  if (packed !== undefined) return packed
  const json = JSON.stringify(event.type === "market.candles" ? event.payload : compactPayload(event))
  return DEFLATED.has(event.type) ? deflateRawSync(json) : json
}

const utf8 = new TextDecoder()

/**
 * The payload back from its stored form; `start` and `end` pick a payload out of a larger buffer
 * (a block row's, market-blocks.ts) without a view of it.
 */
export const decodePayload = (stored: StoredPayload, start = 0, end = stored.length): unknown => {
  if (typeof stored === "string") return JSON.parse(stored)
  if (stored[start] === PACKED) return unpackMarket(stored, start, end)
  if (start !== 0 || end !== stored.length) return decodePayload(stored.subarray(start, end))
  // Bun's one-shot inflate (raw DEFLATE, as `deflateRawSync` writes) costs ≈ 20% less than
  // node:zlib's per small payload, nearly all of it stream set-up.
  return expandPayload(JSON.parse(utf8.decode(Bun.inflateSync(stored as Uint8Array<ArrayBuffer>))))
}
