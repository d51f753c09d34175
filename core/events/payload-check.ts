/**
 * @module A recorded payload checked against its type's schema in the catalogue, for readers of
 * recorded input (a replay's store and files), which must refuse a malformed payload with what is
 * wrong rather than hand it to the layers.
 *
 * Books and trade batches — nearly every recorded event — go through a hand-written check first:
 * the schemas cost several µs per book (about as much as parsing it). That check accepts only
 * what the schemas accept *and* hand back unchanged (the fields they name, with their types, and
 * no other field, which zod would strip), so it is stricter, never looser; what it does not
 * accept goes to the schema, which either accepts it or names the first faulty field.
 */
import { EVENT_CATALOGUE, isEventType } from "./catalogue.ts"

type Fields = Record<string, unknown>

export const isObject = (x: unknown): x is Fields => typeof x === "object" && x !== null && !Array.isArray(x)
/** zod's `z.number()`: a finite number (JSON can spell an infinite one, `1e999`). */
export const isNumber = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x)
export const isOptionalString = (x: unknown): boolean => x === undefined || typeof x === "string"

/** Own keys of a parsed JSON object (no value of one is `undefined`, so present = defined). */
export const keyCount = (o: Fields): number => {
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

/** A `market.orderbook` payload the schema hands back as it is. */
export const isBookPayload = (p: Fields): boolean =>
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

/** A `market.trades` payload (its trades an array) the schema hands back as it is. */
export const isTradesPayload = (p: Fields): boolean => {
  const trades = p.trades
  if (typeof p.symbol !== "string" || !isOptionalString(p.exchange) || !Array.isArray(trades)) return false
  for (let i = 0; i < trades.length; i++) if (!isTrade(trades[i])) return false
  return keyCount(p) === (p.exchange === undefined ? 2 : 3)
}

/**
 * What is wrong with `payload` as one of `type` — the first faulty field, as `payload.path: what`
 * — or undefined when the schema accepts it.
 */
export const payloadFault = (type: string, payload: unknown): string | undefined => {
  if (!isEventType(type)) return `unknown event type "${type}"`
  if (type === "market.orderbook" && isObject(payload) && isBookPayload(payload)) return undefined
  if (type === "market.trades" && isObject(payload) && isTradesPayload(payload)) return undefined
  const checked = EVENT_CATALOGUE[type].schema.safeParse(payload)
  if (checked.success) return undefined
  const issue = checked.error.issues[0]
  if (issue === undefined) return "payload: invalid"
  return `${["payload", ...issue.path].map(String).join(".")}: ${issue.message}`
}
