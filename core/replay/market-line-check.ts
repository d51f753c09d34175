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
 * schemas alone, and `test/core/replay/market-line-check.test.ts` holds the two side by side.
 */
import type { VirtuosoEvent } from "../events/index.ts"

type Fields = Record<string, unknown>

const isObject = (x: unknown): x is Fields => typeof x === "object" && x !== null && !Array.isArray(x)
/** zod's `z.number()`: a finite number (JSON can spell an infinite one, `1e999`). */
const isNumber = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x)
const isOptionalString = (x: unknown): boolean => x === undefined || typeof x === "string"

/** Own keys of a parsed JSON object (no value of one is `undefined`, so present = defined). */
const keyCount = (o: Fields): number => {
  let n = 0
  for (const _ in o) n++
  return n
}

/** `[price, amount]` levels, as `z.array(z.tuple([z.number(), z.number()]))`. */
const isLevels = (x: unknown): boolean => {
  if (!Array.isArray(x)) return false
  for (let i = 0; i < x.length; i++) {
    const level = x[i]
    if (!Array.isArray(level) || level.length !== 2 || !isNumber(level[0]) || !isNumber(level[1])) return false
  }
  return true
}

const isBook = (p: Fields): boolean =>
  typeof p.symbol === "string" &&
  isOptionalString(p.exchange) &&
  isNumber(p.time) &&
  isLevels(p.bids) &&
  isLevels(p.asks) &&
  keyCount(p) === (p.exchange === undefined ? 4 : 5)

const isTrade = (x: unknown): boolean =>
  isObject(x) &&
  typeof x.id === "string" &&
  isNumber(x.time) &&
  isNumber(x.price) &&
  isNumber(x.amount) &&
  (x.side === "buy" || x.side === "sell") &&
  keyCount(x) === 5

const isTrades = (p: Fields): boolean => {
  const trades = p.trades
  if (typeof p.symbol !== "string" || !isOptionalString(p.exchange) || !Array.isArray(trades)) return false
  for (let i = 0; i < trades.length; i++) if (!isTrade(trades[i])) return false
  return keyCount(p) === (p.exchange === undefined ? 2 : 3)
}

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
  if (type === "market.orderbook" ? !isBook(payload) : !isTrades(payload)) return undefined
  return raw as unknown as VirtuosoEvent
}
