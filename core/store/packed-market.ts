/**
 * @module Books and trade batches packed as bytes: the integer columns of book-columns.ts and
 * trade-columns.ts (prices and sizes scaled at the payload's own precision, prices and times as
 * deltas) written as varints, with nothing compressed. A replay reads every trade batch, and a
 * per-row inflate costs several times the decode itself (stream set-up, then JSON.parse); varints
 * decode straight into the payload and take fewer bytes than the deflated JSON columns, whose
 * digits a small deflate block stores at about a byte each.
 *
 * A packed payload starts with `PACKED` (0xff): as the first byte of a raw DEFLATE stream it
 * would name the reserved block type, so it never begins one and the two forms tell themselves
 * apart. The second byte names the layout:
 *
 * - book (1): symbol, exchange, time, price decimals, size decimals, bid count, level count,
 *   price deltas (bids then asks, the first absolute), sizes (unsigned);
 * - trades (2): symbol, exchange, price decimals, amount decimals, count, id form, ids (numeric:
 *   deltas; else each as the length it shares with the one before and the rest), time deltas,
 *   price deltas, amounts (unsigned), sides (a bit per trade, set for buy);
 * - candles (3): backfilled history, packed-candles.ts.
 *
 * Numbers are zigzag varints unless marked unsigned; the exchange is a flag byte and the string
 * when present. A payload whose integers do not fit the varints exactly (or with a negative size
 * or amount) returns undefined here and is stored in an older form.
 */
import type { PayloadOf } from "../events/index.ts"
import { batchPayload } from "../market-schema/index.ts"
import { bookToColumns } from "./book-columns.ts"
import { ByteReader, ByteWriter, PACKABLE } from "./packed-bytes.ts"
import { packCandles, unpackCandles } from "./packed-candles.ts"
import { PackedRun, scanColumns } from "./packed-trades.ts"
import { tradesToColumns } from "./trade-columns.ts"

type Book = PayloadOf<"market.orderbook">
type Trades = PayloadOf<"market.trades">

export const PACKED = 0xff
const BOOK = 1
const TRADES = 2
const CANDLES = 3

const writer = new ByteWriter()

/** Whether `columns[from..to)` are integers a varint carries exactly (and none negative when `unsigned`). */
const packable = (columns: ReadonlyArray<unknown>, from: number, to: number, unsigned = false): boolean => {
  for (let i = from; i < to; i++) {
    const v = columns[i]
    if (typeof v !== "number" || !(Math.abs(v) <= PACKABLE) || (unsigned && v < 0)) return false
  }
  return true
}

const exchangeOf = (w: ByteWriter, exchange: unknown) => {
  if (typeof exchange === "string") {
    w.byte(1)
    w.string(exchange)
  } else w.byte(0)
}

/** The book packed, or undefined when its numbers cannot be carried exactly. */
export const packBook = (book: Book): Uint8Array | undefined => {
  const c = bookToColumns(book)
  const n = c === undefined ? 0 : (c.length - 7) / 2
  if (c === undefined || !packable(c, 3, 7 + n) || !packable(c, 7 + n, c.length, true)) return undefined
  const w = writer.reset()
  w.byte(PACKED)
  w.byte(BOOK)
  w.string(c[1] as string)
  exchangeOf(w, c[2])
  w.svarint(c[3] as number)
  w.byte(c[4] as number)
  w.byte(c[5] as number)
  w.uvarint(c[6] as number)
  w.uvarint(n)
  for (let i = 7; i < 7 + n; i++) w.svarint(c[i] as number)
  for (let i = 7 + n; i < c.length; i++) w.uvarint(c[i] as number)
  return w.finish()
}

/** Backfilled candle history packed (packed-candles.ts), or undefined when it holds more than the layout carries. */
export const packCandleHistory = (payload: PayloadOf<"market.candles">): Uint8Array | undefined => {
  const w = writer.reset()
  w.byte(PACKED)
  w.byte(CANDLES)
  return packCandles(w, payload) ? w.finish() : undefined
}

/** The trade batch packed, or undefined when its numbers cannot be carried exactly. */
export const packTrades = (batch: Trades): Uint8Array | undefined => {
  const c = tradesToColumns(batch)
  if (c === undefined) return undefined
  const n = c[5] as number
  const numeric = c[6] === 1
  if (!packable(c, numeric ? 7 : 7 + n, 7 + 3 * n) || !packable(c, 7 + 3 * n, 7 + 4 * n, true)) return undefined
  const w = writer.reset()
  w.byte(PACKED)
  w.byte(TRADES)
  w.string(c[1] as string)
  exchangeOf(w, c[2])
  w.byte(c[3] as number)
  w.byte(c[4] as number)
  w.uvarint(n)
  w.byte(numeric ? 1 : 0)
  let previous = ""
  for (let i = 7; i < 7 + n; i++) {
    if (numeric) {
      w.svarint(c[i] as number)
      continue
    }
    const id = c[i] as string
    let shared = 0
    const most = Math.min(id.length, previous.length)
    while (shared < most && id.charCodeAt(shared) === previous.charCodeAt(shared)) shared++
    // Never split a surrogate pair: the rest is written as UTF-8, which cannot hold half of one.
    if (shared > 0 && (id.charCodeAt(shared - 1) & 0xfc00) === 0xd800) shared--
    w.uvarint(shared)
    w.string(id.slice(shared))
    previous = id
  }
  for (let i = 7 + n; i < 7 + 3 * n; i++) w.svarint(c[i] as number)
  for (let i = 7 + 3 * n; i < 7 + 4 * n; i++) w.uvarint(c[i] as number)
  const sides = c[7 + 4 * n] as string
  for (let i = 0; i < n; i += 8) {
    let bits = 0
    for (let k = 0; k < 8 && i + k < n; k++) if (sides[i + k] === "b") bits |= 1 << k
    w.byte(bits)
  }
  return w.finish()
}

const exchangeFrom = (r: ByteReader): string | undefined => (r.byte() === 1 ? r.string() : undefined)

// A book's prices as read before its sizes (grown as books need; never shrunk).
let bookPrices = new Float64Array(64)

const unpackBook = (r: ByteReader): Book => {
  const symbol = r.string()
  const exchange = exchangeFrom(r)
  const time = r.svarint()
  const ps = 10 ** r.byte()
  const ss = 10 ** r.byte()
  const bidCount = r.uvarint()
  const n = r.uvarint()
  if (bidCount > n) throw new Error("stored order book: more bids than levels")
  if (bookPrices.length < n) bookPrices = new Float64Array(Math.max(n, bookPrices.length * 2))
  const prices = bookPrices
  let p = 0
  for (let i = 0; i < n; i++) prices[i] = p += r.svarint()
  const bids: Array<[number, number]> = new Array(bidCount)
  const asks: Array<[number, number]> = new Array(n - bidCount)
  for (let i = 0; i < bidCount; i++) bids[i] = [prices[i]! / ps, r.uvarint() / ss]
  for (let i = bidCount; i < n; i++) asks[i - bidCount] = [prices[i]! / ps, r.uvarint() / ss]
  return exchange === undefined ? { symbol, time, bids, asks } : { symbol, exchange, time, bids, asks }
}

/** A packed batch as a payload over its bytes: the trade objects are made only if read. */
const unpackTrades = (r: ByteReader, bytes: Uint8Array, end: number): Trades => {
  const symbol = r.string()
  const exchange = exchangeFrom(r)
  const run = new PackedRun(bytes)
  run.add(r.at, scanColumns(bytes, r.at, end))
  r.at = end
  return batchPayload(symbol, exchange, run) as Trades
}

// Reused: a batch's head is read to its end before the next one's.
const headReader = new ByteReader(new Uint8Array(0))

/** The symbol and exchange of the packed trade batch at `bytes[start..end)` (one `packedColumnsAt` found). */
export const packedTradesHead = (
  bytes: Uint8Array,
  start: number,
  end: number,
): { readonly symbol: string; readonly exchange: string | undefined } => {
  const r = headReader.reset(bytes, start + 2, end)
  const symbol = r.string()
  return { symbol, exchange: exchangeFrom(r) }
}

/**
 * Where the columns of the packed trade batch at `bytes[start..end)` start (its symbol and
 * exchange skipped: a reader merging a symbol's batches has them), or -1 when the payload is not one.
 */
export const packedColumnsAt = (bytes: Uint8Array, start: number, end: number): number => {
  if (bytes[start] !== PACKED || bytes[start + 1] !== TRADES) return -1
  const r = headReader.reset(bytes, start + 2, end)
  r.skip(r.uvarint())
  if (r.byte() === 1) r.skip(r.uvarint())
  return r.at
}

/**
 * A packed payload back, from `bytes[start..end)` (default: all of them); throws naming the problem
 * on bytes this build cannot read.
 */
export const unpackMarket = (
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
): Book | Trades | PayloadOf<"market.candles"> => {
  const r = new ByteReader(bytes, start, end)
  r.byte()
  const layout = r.byte()
  const payload =
    layout === BOOK
      ? unpackBook(r)
      : layout === TRADES
        ? unpackTrades(r, bytes, end)
        : layout === CANDLES
          ? unpackCandles(r)
          : undefined
  if (payload === undefined) throw new Error(`stored payload: unknown packed layout ${layout}`)
  if (!r.done) throw new Error("stored payload: bytes left after the packed payload")
  return payload
}
