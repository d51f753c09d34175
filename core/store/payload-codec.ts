/**
 * @module How payloads sit in the `payload` column. Most are JSON text. The bulky market inputs
 * (order books, trade batches: about nine in ten recorded rows, ≈1.6 KB and ≈0.6 KB of JSON)
 * are stored as raw-deflated JSON in a BLOB, which cuts their bytes on disk several-fold for a
 * few µs of CPU per row. The column keeps TEXT affinity, which SQLite leaves BLOB values alone
 * in, so no table rewrite was needed and rows written as plain JSON text read as before: the
 * storage class of the value, not the event type, says how to decode it.
 */
import { deflateRawSync, inflateRawSync } from "node:zlib"

/** Types whose payloads are deflated on write. */
export const DEFLATED_TYPES: ReadonlySet<string> = new Set(["market.orderbook", "market.trades"])

/** A stored payload: JSON text, or raw-deflated JSON bytes. */
export type StoredPayload = string | Uint8Array

export const encodePayload = (type: string, payload: unknown): StoredPayload => {
  const json = JSON.stringify(payload)
  return DEFLATED_TYPES.has(type) ? deflateRawSync(json) : json
}

export const decodePayload = (stored: StoredPayload): unknown =>
  JSON.parse(typeof stored === "string" ? stored : inflateRawSync(stored).toString("utf8"))
