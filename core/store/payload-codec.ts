/**
 * @module How payloads sit in the `payload` columns. Most are JSON text. The bulky market inputs
 * — order books and trade batches, nearly every recorded row, and backfilled candle history —
 * are stored raw-deflated in a BLOB, books and trades as integer columns when their numbers
 * allow it (book-columns.ts, trade-columns.ts), which cuts their bytes on disk several-fold for
 * a few µs of CPU per row. The columns keep TEXT affinity, which SQLite leaves BLOB values alone
 * in, so rows written as plain JSON text read as before: the storage class of the value, not the
 * event type, says how to decode it. Payloads are JSON objects, so a deflated array is
 * unambiguously a column form, named by its first element.
 */
import { deflateRawSync } from "node:zlib"
import type { VirtuosoEvent } from "../events/index.ts"
import { BOOK_COLUMNS, bookToColumns, columnsToBook } from "./book-columns.ts"
import { columnsToTrades, TRADE_COLUMNS, tradesToColumns } from "./trade-columns.ts"

/** A stored payload: JSON text, or raw-deflated JSON bytes. */
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
  const json = JSON.stringify(compactPayload(event))
  return DEFLATED.has(event.type) ? deflateRawSync(json) : json
}

const utf8 = new TextDecoder()

export const decodePayload = (stored: StoredPayload): unknown => {
  if (typeof stored === "string") return JSON.parse(stored)
  // Bun's one-shot inflate (raw DEFLATE, as `deflateRawSync` writes) costs ≈ 20% less than
  // node:zlib's per small payload, nearly all of it stream set-up: a replay inflates every row.
  return expandPayload(JSON.parse(utf8.decode(Bun.inflateSync(stored as Uint8Array<ArrayBuffer>))))
}
