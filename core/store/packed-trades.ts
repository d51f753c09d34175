/**
 * @module A packed trade batch (packed-market.ts) read as a `TradeBatch`: its trades appended to a
 * tape straight from the bytes, with no trade object and no id string made.
 *
 * Layout after the symbol and exchange: price decimals, amount decimals, count, id form, ids
 * (numeric: zigzag deltas; else each as the length it shares with the one before and the rest),
 * time deltas, price deltas, amounts (unsigned), sides (a bit per trade, set for buy).
 *
 * Made, the batch is checked once (every column read to the end, the newest trade time kept: a
 * reader merging batches needs it), and read again when appended. A numeric id goes onto the
 * tape as its number; other ids go as this batch with the trade's place, read (all of the batch's
 * at once, in order: each shares a prefix with the one before) only if some trade is read as an
 * object. The bytes are kept meanwhile: every caller hands in bytes of its own that nothing
 * rewrites (a row or block payload as read).
 */
import type { LazyIds, TradeBatch, TradeSink } from "../market-schema/index.ts"
import { ByteReader } from "./packed-bytes.ts"

// A batch's columns as read before they are appended (grown as batches need; never shrunk).
let times = new Float64Array(256)
let prices = new Float64Array(256)
let amounts = new Float64Array(256)
let ids = new Float64Array(256)
let sides = new Uint8Array(32)

const room = (n: number): void => {
  if (times.length >= n) return
  const size = Math.max(n, times.length * 2)
  times = new Float64Array(size)
  prices = new Float64Array(size)
  amounts = new Float64Array(size)
  ids = new Float64Array(size)
  sides = new Uint8Array(Math.ceil(size / 8))
}

// Reused: a batch is read start to end in one call, never inside another's read.
const reader = new ByteReader(new Uint8Array(0))

/** Moves past a batch's ids; whether they are numeric. */
const skipIds = (r: ByteReader, n: number, numeric: boolean): void => {
  if (numeric) for (let i = 0; i < n; i++) r.uvarint()
  else
    for (let i = 0; i < n; i++) {
      r.uvarint()
      r.skip(r.uvarint())
    }
}

export class PackedTrades implements TradeBatch, LazyIds {
  readonly length: number
  readonly newest: number
  private texts: Array<string> | undefined = undefined

  /** The batch at `bytes[at..end)`, `at` where its price decimals are; throws on damaged bytes. */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly at: number,
    private readonly end: number,
  ) {
    const r = reader.reset(bytes, at, end)
    r.byte()
    r.byte()
    const n = r.uvarint()
    const numeric = r.byte() === 1
    // Every trade takes a byte at least in each of its time, price and amount columns: a count
    // beyond that is a damaged payload.
    if (3 * n > r.left) throw new Error("stored payload: truncated packed bytes")
    skipIds(r, n, numeric)
    let time = 0
    let newest = -Infinity
    for (let i = 0; i < n; i++) {
      time += r.svarint()
      if (time > newest) newest = time
    }
    for (let i = 0; i < 2 * n; i++) r.uvarint()
    r.skip((n + 7) >> 3)
    if (!r.done) throw new Error("stored payload: bytes left after the packed payload")
    this.length = n
    this.newest = newest
  }

  appendTo(sink: TradeSink): void {
    const r = reader.reset(this.bytes, this.at, this.end)
    const ps = 10 ** r.byte()
    const as = 10 ** r.byte()
    const n = r.uvarint()
    const numeric = r.byte() === 1
    room(n)
    if (numeric) {
      let id = 0
      for (let i = 0; i < n; i++) ids[i] = id += r.svarint()
    } else skipIds(r, n, false)
    let time = 0
    for (let i = 0; i < n; i++) times[i] = time += r.svarint()
    let price = 0
    for (let i = 0; i < n; i++) prices[i] = (price += r.svarint()) / ps
    for (let i = 0; i < n; i++) amounts[i] = r.uvarint() / as
    const sideBytes = (n + 7) >> 3
    for (let i = 0; i < sideBytes; i++) sides[i] = r.byte()
    sink.reserve(n)
    for (let i = 0; i < n; i++)
      sink.push(numeric ? ids[i]! : this, i, times[i]!, prices[i]!, amounts[i]!, (sides[i >> 3]! >> (i & 7)) & 1)
  }

  /** The k-th trade's id (the batch's ids are read when the first is asked for). */
  id(k: number): string {
    this.texts ??= this.readIds()
    return this.texts[k]!
  }

  private readIds(): Array<string> {
    const r = new ByteReader(this.bytes, this.at, this.end)
    r.byte()
    r.byte()
    const n = r.uvarint()
    const numeric = r.byte() === 1
    const out = new Array<string>(n)
    let previous = ""
    let id = 0
    for (let i = 0; i < n; i++) out[i] = previous = numeric ? String((id += r.svarint())) : r.sharingPrefix(previous)
    return out
  }
}
