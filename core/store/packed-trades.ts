/**
 * @module Packed trade batches (packed-market.ts) read as a `TradeBatch`: their trades appended to
 * a tape straight from the bytes, with no trade object and no id string made.
 *
 * Layout after the symbol and exchange: price decimals, amount decimals, count, id form, ids
 * (numeric: zigzag deltas; else each as the length it shares with the one before and the rest),
 * time deltas, price deltas, amounts (unsigned), sides (a bit per trade, set for buy).
 *
 * A batch is checked once as it is read (every column read to the end, the newest trade time
 * kept: a reader merging batches needs it, and where its times start), and read again when
 * appended, from its times on unless its ids are numeric. A numeric id goes onto
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

const room = (n: number): void => {
  if (times.length >= n) return
  const size = Math.max(n, times.length * 2)
  times = new Float64Array(size)
  prices = new Float64Array(size)
  amounts = new Float64Array(size)
  ids = new Float64Array(size)
}

/** `10 ** d` for every decimals byte, looked up (the same numbers: each is computed so). */
const POW10 = Array.from({ length: 256 }, (_, d) => 10 ** d)

const TRUNCATED = "stored payload: truncated packed bytes"

/** What `scanColumns` found of a batch: its trade count, newest trade time and where its times start (reused). */
export interface Scanned {
  n: number
  newest: number
  times: number
}
const scanned: Scanned = { n: 0, newest: -Infinity, times: 0 }

/*
 * The walks below read the varints in place, a column at a time, with the position in a local:
 * a reader object's method per varint (a field load and store per byte) costs about twice as much
 * over a replay's million trades. Each varint is read as `ByteReader.uvarint` reads it, and a
 * zigzag one as `svarint`.
 */

/**
 * Checks the packed batch whose columns are `bytes[at..end)` (every column read to the end) and
 * finds its count, newest trade time and where its times start; throws on damaged bytes. The
 * answer is reused: read it before the next scan.
 */
export const scanColumns = (bytes: Uint8Array, at: number, end: number): Scanned => {
  // As 32-bit integers (a payload is far below 2 GB): a position that arrives as a double (an
  // offset some reader computed as one) would otherwise make every index below a double.
  end |= 0
  let p = (at + 2) | 0
  if (p >= end) throw new Error(TRUNCATED)
  let x = bytes[p++]!
  let n = x
  if (x >= 128) {
    n = x & 127
    let scale = 128
    do {
      if (p >= end) throw new Error(TRUNCATED)
      x = bytes[p++]!
      n += (x & 127) * scale
      scale *= 128
    } while (x >= 128)
  }
  if (p >= end) throw new Error(TRUNCATED)
  const numeric = bytes[p++] === 1
  // Every trade takes a byte at least in each of its time, price and amount columns: a count
  // beyond that is a damaged payload.
  if (3 * n > end - p) throw new Error(TRUNCATED)
  if (numeric)
    for (let k = 0; k < n; ) {
      if (p >= end) throw new Error(TRUNCATED)
      if (bytes[p++]! < 128) k++
    }
  else
    for (let i = 0; i < n; i++) {
      // The length it shares with the id before, passed over; then the rest's length, and the rest.
      do {
        if (p >= end) throw new Error(TRUNCATED)
      } while (bytes[p++]! >= 128)
      if (p >= end) throw new Error(TRUNCATED)
      x = bytes[p++]!
      let length = x
      if (x >= 128) {
        length = x & 127
        let scale = 128
        do {
          if (p >= end) throw new Error(TRUNCATED)
          x = bytes[p++]!
          length += (x & 127) * scale
          scale *= 128
        } while (x >= 128)
      }
      p += length
      if (p > end) throw new Error(TRUNCATED)
    }
  const timesAt = p
  let time = 0
  let newest = -Infinity
  for (let i = 0; i < n; i++) {
    if (p >= end) throw new Error(TRUNCATED)
    x = bytes[p++]!
    let z = x
    if (x >= 128) {
      z = x & 127
      let scale = 128
      do {
        if (p >= end) throw new Error(TRUNCATED)
        x = bytes[p++]!
        z += (x & 127) * scale
        scale *= 128
      } while (x >= 128)
    }
    time += z % 2 === 0 ? z / 2 : -(z + 1) / 2
    if (time > newest) newest = time
  }
  // Prices and amounts: 2n varints, each ending at a byte below 128.
  for (let k = 0; k < 2 * n; ) {
    if (p >= end) throw new Error(TRUNCATED)
    if (bytes[p++]! < 128) k++
  }
  const sides = (n + 7) >> 3
  if (end - p < sides) throw new Error(TRUNCATED)
  if (end - p > sides) throw new Error("stored payload: bytes left after the packed payload")
  scanned.n = n
  scanned.newest = newest
  scanned.times = timesAt
  return scanned
}

/**
 * Reads `n` varints from `bytes` at `p` into `out` (zigzag ones as deltas summed from 0, each
 * divided by `scale`); returns where they end. Only for columns `scanColumns` checked.
 */
const column = (bytes: Uint8Array, p: number, n: number, out: Float64Array, deltas: boolean, scale: number): number => {
  p |= 0
  let sum = 0
  for (let i = 0; i < n; i++) {
    let x = bytes[p++]!
    let v = x
    if (x >= 128) {
      v = x & 127
      let s = 128
      do {
        x = bytes[p++]!
        v += (x & 127) * s
        s *= 128
      } while (x >= 128)
    }
    if (deltas) out[i] = (sum += v % 2 === 0 ? v / 2 : -(v + 1) / 2) / scale
    else out[i] = v / scale
  }
  return p
}

/**
 * Consecutive packed batches of one buffer (a block's, or one row's), checked by `scanColumns`
 * and listed by where their columns are: a merged run of a block's batches is a few numbers per
 * batch, no object.
 */
export class PackedRun implements TradeBatch, LazyIds {
  length = 0
  newest = -Infinity
  /** Each batch's columns: where they start, and where its times start, in `bytes` (`used` of them set). */
  private readonly segments: Array<number>
  private used = 0
  private texts: Array<string> | undefined = undefined

  /** `batches`: how many it is made room for (more still fit, growing the list as they come). */
  constructor(
    private readonly bytes: Uint8Array,
    batches = 1,
  ) {
    this.segments = new Array<number>(2 * batches)
  }

  /** Adds the batch whose columns start at `bytes[at]`, scanned as `batch`. */
  add(at: number, batch: Scanned): void {
    const segments = this.segments
    segments[this.used++] = at
    segments[this.used++] = batch.times
    this.length += batch.n
    if (batch.newest > this.newest) this.newest = batch.newest
  }

  appendTo(sink: TradeSink): void {
    sink.reserve(this.length)
    const segments = this.segments
    let k = 0
    for (let s = 0; s < this.used; s += 2) k = this.appendBatch(sink, segments[s]!, segments[s + 1]!, k)
  }

  /**
   * Appends one batch (its columns at `at`, its times at `timesAt`: a text id column is passed
   * over), its first trade the run's k-th; returns the run's count after it.
   */
  private appendBatch(sink: TradeSink, at: number, timesAt: number, k: number): number {
    const bytes = this.bytes
    const ps = POW10[bytes[at]!]!
    const as = POW10[bytes[at + 1]!]!
    let p = (at + 2) | 0
    let x = bytes[p++]!
    let n = x
    if (x >= 128) {
      n = x & 127
      let scale = 128
      do {
        x = bytes[p++]!
        n += (x & 127) * scale
        scale *= 128
      } while (x >= 128)
    }
    const numeric = bytes[p++] === 1
    room(n)
    if (numeric) column(bytes, p, n, ids, true, 1)
    p = column(bytes, timesAt, n, times, true, 1)
    p = column(bytes, p, n, prices, true, ps)
    p = column(bytes, p, n, amounts, false, as)
    for (let i = 0; i < n; i++)
      sink.push(
        numeric ? ids[i]! : this,
        k + i,
        times[i]!,
        prices[i]!,
        amounts[i]!,
        (bytes[p + (i >> 3)]! >> (i & 7)) & 1,
      )
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
    for (let s = 0; s < this.used; s += 2) {
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
