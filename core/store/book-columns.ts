/**
 * @module Order books as integer columns. Exchanges quote prices on a tick and sizes on a lot,
 * so a book's numbers are small decimals: scaled to integers at the book's own precision, the
 * prices become deltas between neighbouring levels (mostly one or two digits), far less to store
 * than the same book as JSON (packed as varints in the hot tier, packed-market.ts; gzipped JSON
 * in the warm tier). A book whose numbers do not round-trip exactly
 * through that scaling (or that carries other fields) is not encoded, and is stored as JSON.
 *
 * Layout: ["b1", symbol, exchange | null, time, price decimals, size decimals, bid count,
 * price deltas (bids then asks, the first absolute), sizes (bids then asks)].
 */
import type { PayloadOf } from "../events/index.ts"

type Book = PayloadOf<"market.orderbook">
type Level = readonly [number, number]

export const BOOK_COLUMNS = "b1"
const MAX_DECIMALS = 12
const KEYS = new Set(["symbol", "exchange", "time", "bids", "asks"])

/** Digits after the point of `x` as JavaScript prints it; −1 for exponent notation. */
export const decimals = (x: number): number => {
  const s = String(x)
  if (s.includes("e")) return -1
  const dot = s.indexOf(".")
  return dot < 0 ? 0 : s.length - dot - 1
}

/** `x · scale` as an integer when that is exact, else undefined. */
export const scaled = (x: number, scale: number): number | undefined => {
  const n = Math.round(x * scale)
  return Number.isSafeInteger(n) && n / scale === x ? n : undefined
}

const precision = (levels: ReadonlyArray<Level>, side: 0 | 1): number => {
  let d = 0
  for (const level of levels) d = Math.max(d, decimals(level[side]))
  return d
}

/** The integer columns of a book, or undefined when the book cannot be encoded exactly. */
export const bookToColumns = (book: Book): Array<string | number | null> | undefined => {
  for (const key of Object.keys(book)) if (!KEYS.has(key)) return undefined
  const levels = [...book.bids, ...book.asks]
  const pd = precision(levels, 0)
  const sd = precision(levels, 1)
  if (pd < 0 || sd < 0 || pd > MAX_DECIMALS || sd > MAX_DECIMALS) return undefined
  for (const level of levels) if (decimals(level[0]) < 0 || decimals(level[1]) < 0) return undefined
  const ps = 10 ** pd
  const ss = 10 ** sd
  const out: Array<string | number | null> = [
    BOOK_COLUMNS,
    book.symbol,
    book.exchange ?? null,
    book.time,
    pd,
    sd,
    book.bids.length,
  ]
  let previous = 0
  for (const level of levels) {
    const p = scaled(level[0], ps)
    if (p === undefined) return undefined
    out.push(p - previous)
    previous = p
  }
  for (const level of levels) {
    const s = scaled(level[1], ss)
    if (s === undefined) return undefined
    out.push(s)
  }
  return out
}

/** The book back from its columns (throws naming the problem on a malformed array). */
export const columnsToBook = (columns: ReadonlyArray<unknown>): Book => {
  const [, symbol, exchange, time, pd, sd, bidCount] = columns
  if (
    typeof symbol !== "string" ||
    typeof time !== "number" ||
    typeof pd !== "number" ||
    typeof sd !== "number" ||
    typeof bidCount !== "number" ||
    (exchange !== null && typeof exchange !== "string")
  ) {
    throw new Error("stored order book: malformed column header")
  }
  const n = (columns.length - 7) / 2
  if (!Number.isInteger(n) || bidCount > n) throw new Error("stored order book: column lengths do not match")
  const ps = 10 ** pd
  const ss = 10 ** sd
  const levels: Array<[number, number]> = []
  let p = 0
  for (let i = 0; i < n; i++) {
    p += Number(columns[7 + i])
    levels.push([p / ps, Number(columns[7 + n + i]) / ss])
  }
  return {
    symbol,
    ...(exchange === null ? {} : { exchange }),
    time,
    bids: levels.slice(0, bidCount),
    asks: levels.slice(bidCount),
  }
}
