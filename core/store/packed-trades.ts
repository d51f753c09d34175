/**
 * @module Packed trade batches (packed-market.ts) read as a `TradeBatch`: their trades appended to
 * a tape straight from the bytes, with no trade object and no id string made.
 *
 * Layout after the symbol and exchange: price decimals, amount decimals, count, id form, ids
 * (numeric: zigzag deltas; else each as the length it shares with the one before and the rest),
 * time deltas, price deltas, amounts (unsigned), sides (a bit per trade, set for buy).
 *
 * A batch is checked once as it is read (every column read to the end, the newest trade time
 * kept: a reader merging batches needs it), and read again when appended. A numeric id goes onto
 * the tape as its number; other ids go as the run with the trade's place in it, read (all of the
 * run's at once, in order: each shares a prefix with the one before) only if some trade is read
 * as an object. The bytes are kept meanwhile: every caller hands in bytes of its own that nothing
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

/** What `scanColumns` found of a batch: its trade count and newest trade time (reused). */
export interface Scanned {
  n: number
  newest: number
}
const scanned: Scanned = { n: 0, newest: -Infinity }

/**
 * Checks the packed batch whose columns are `bytes[at..end)` (every column read to the end) and
 * finds its count and newest trade time; throws on damaged bytes. The answer is reused: read it
 * before the next scan.
 */
export const scanColumns = (bytes: Uint8Array, at: number, end: number): Scanned => {
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
  scanned.n = n
  scanned.newest = newest
  return scanned
}

/**
 * Consecutive packed batches of one buffer (a block's, or one row's), checked by `scanColumns`
 * and listed by where their columns are: a merged run of a block's batches is a few numbers per
 * batch, no object.
 */
export class PackedRun implements TradeBatch, LazyIds {
  length = 0
  newest = -Infinity
  /** Each batch's columns: start and end in `bytes`. */
  private readonly segments: Array<number> = []
  private texts: Array<string> | undefined = undefined

  constructor(private readonly bytes: Uint8Array) {}

  /** Adds the batch whose columns are `bytes[at..end)`, scanned as `batch`. */
  add(at: number, end: number, batch: Scanned): void {
    this.segments.push(at, end)
    this.length += batch.n
    if (batch.newest > this.newest) this.newest = batch.newest
  }

  appendTo(sink: TradeSink): void {
    sink.reserve(this.length)
    const segments = this.segments
    let k = 0
    for (let s = 0; s < segments.length; s += 2) k = this.appendBatch(sink, segments[s]!, segments[s + 1]!, k)
  }

  /** Appends one batch, its first trade the run's k-th; returns the run's count after it. */
  private appendBatch(sink: TradeSink, at: number, end: number, k: number): number {
    const r = reader.reset(this.bytes, at, end)
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
    for (let i = 0; i < n; i++)
      sink.push(numeric ? ids[i]! : this, k + i, times[i]!, prices[i]!, amounts[i]!, (sides[i >> 3]! >> (i & 7)) & 1)
    return k + n
  }

  /** The run's k-th trade's id (the run's ids are read when the first is asked for). */
  id(k: number): string {
    this.texts ??= this.readIds()
    return this.texts[k]!
  }

  private readIds(): Array<string> {
    const out: Array<string> = []
    const segments = this.segments
    for (let s = 0; s < segments.length; s += 2) {
      const r = new ByteReader(this.bytes, segments[s]!, segments[s + 1]!)
      r.byte()
      r.byte()
      const n = r.uvarint()
      const numeric = r.byte() === 1
      let previous = ""
      let id = 0
      for (let i = 0; i < n; i++)
        out.push((previous = numeric ? String((id += r.svarint())) : r.sharingPrefix(previous)))
    }
    return out
  }
}
