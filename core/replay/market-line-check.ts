/**
 * @module A hand-written check of the two event types that make up most of a recording file —
 * `market.orderbook` and `market.trades` — for a replay that reads every line of it.
 *
 * The catalogue's zod schemas cost several µs per event, as much as parsing the line, and a
 * recording holds one book and one trade batch per symbol per second. This check accepts only
 * what those schemas accept *and* hand back unchanged: the envelope and payload fields with the
 * types the schemas ask for, and no field they do not name (zod would strip it, so such an event
 * is not the parsed value as it stands). It is stricter than the schemas, never looser: anything
 * it does not accept goes to `decodeEvent`, which either accepts it (stripping what it strips) or
 * names what is wrong — so a replay accepts, refuses and reports exactly what it did through the
 * schemas alone, and `test/core/replay/market-line-check.test.ts` holds the two side by side. The
 * payloads' part of it is the catalogue's (core/events/payload-check.ts), which a store's replay
 * read uses too.
 */
import {
  isBookPayload,
  isNumber,
  isObject,
  isOptionalString,
  isTradesPayload,
  keyCount,
  type VirtuosoEvent,
} from "../events/index.ts"

/**
 * The parsed line as the event it is, when it is a book or trade batch of `version` that the
 * catalogue's schemas would hand back unchanged; undefined for anything else (decode it).
 */
export const checkedMarketEvent = (raw: unknown, version: number): VirtuosoEvent | undefined => {
  if (!isObject(raw)) return undefined
  const { type, payload } = raw
  if (type !== "market.orderbook" && type !== "market.trades") return undefined
  if (
    raw.version !== version ||
    typeof raw.id !== "string" ||
    raw.id.length === 0 ||
    !isNumber(raw.time) ||
    typeof raw.source !== "string" ||
    !isObject(payload) ||
    !isOptionalString(raw.correlationId) ||
    !(raw.replayed === undefined || typeof raw.replayed === "boolean") ||
    keyCount(raw) !== 6 + (raw.correlationId === undefined ? 0 : 1) + (raw.replayed === undefined ? 0 : 1)
  )
    return undefined
  if (type === "market.orderbook" ? !isBookPayload(payload) : !isTradesPayload(payload)) return undefined
  return raw as unknown as VirtuosoEvent
}
