/**
 * @module How payloads sit in the `payload` column. Most are JSON text. The bulky market inputs
 * (order books, trade batches: about nine in ten recorded rows, ≈1.6 KB and ≈0.6 KB of JSON)
 * are stored raw-deflated in a BLOB, books as integer columns when their numbers allow it
 * (book-columns.ts), which cuts their bytes on disk several-fold for a few µs of CPU per row.
 * The column keeps TEXT affinity, which SQLite leaves BLOB values alone in, so no table rewrite
 * was needed and rows written as plain JSON text read as before: the storage class of the
 * value, not the event type, says how to decode it. Payloads are JSON objects, so a deflated
 * array is unambiguously the column form.
 */
import { deflateRawSync, inflateRawSync } from "node:zlib"
import type { VirtuosoEvent } from "../events/index.ts"
import { BOOK_COLUMNS, bookToColumns, columnsToBook } from "./book-columns.ts"

/** A stored payload: JSON text, or raw-deflated JSON bytes. */
export type StoredPayload = string | Uint8Array

export const encodePayload = (event: VirtuosoEvent): StoredPayload => {
  if (event.type === "market.orderbook") {
    return deflateRawSync(JSON.stringify(bookToColumns(event.payload) ?? event.payload))
  }
  const json = JSON.stringify(event.payload)
  return event.type === "market.trades" ? deflateRawSync(json) : json
}

export const decodePayload = (stored: StoredPayload): unknown => {
  if (typeof stored === "string") return JSON.parse(stored)
  const value: unknown = JSON.parse(inflateRawSync(stored).toString("utf8"))
  return Array.isArray(value) && value[0] === BOOK_COLUMNS ? columnsToBook(value) : value
}
