/**
 * @module The candle arena: every series' candle columns resident in one SharedArrayBuffer that
 * plugin workers map once and read by offset.
 *
 * Each series owns a region of six column blocks with room to grow. Every batch the host hands
 * over its current columns and only what changed is written: a window that slid forward keeps
 * the candles it shares with the previous one where they are and gets the new ones appended
 * behind them (the newest shared candle is rewritten when it was corrected); anything else — a
 * gap, an older candle changed, another history under the same key — rewrites the window. A
 * window that reaches the end of its region moves back to the region's start.
 *
 * Each series remembers the batch (version) that last wrote into its window, so a worker knows
 * whether the copy of a window it holds is still current. When the buffer is full the arena
 * starts over in a larger one (a new generation): series not placed again are dropped, and
 * workers map the new buffer.
 */
import type { Timeframe } from "../../market-schema/index.ts"
import type { IndicatorContext } from "../sdk.ts"
import { COLUMNS } from "./protocol.ts"

type Candles = IndicatorContext["candles"]

interface Region {
  readonly id: number
  /** f64 index of the time column's block; column k starts at `start + k * capacity`. */
  start: number
  capacity: number
  /** Window: candles [from, from + length) of each block. */
  from: number
  length: number
  /** The caller's stamp of the candles last placed (undefined: none given), and where they lay. */
  stamp: number | undefined
  source: ArrayBufferLike | null
  offset: number
}

export interface Placed {
  readonly id: number
  /** f64 index of the window's first time value. */
  readonly start: number
  readonly length: number
  /** f64 distance from one column to the next. */
  readonly stride: number
  /** The version of the batch that last wrote into the window. */
  readonly written: number
  /**
   * f64 index (in the time column) of the first value that write touched: the region's values
   * before it are as they were, so a worker holding the window as of `writtenAfter` copies only
   * from there on.
   */
  readonly writtenFrom: number
  /** The version of the write before the last one (0: none). */
  readonly writtenAfter: number
}

const COLS = COLUMNS.length

/**
 * Byte views of whole buffers, made once per buffer: a series' columns are views of one memory
 * (the resident candles' WASM memory), so comparing a range allocates nothing.
 */
const bytesOf = new WeakMap<ArrayBufferLike, Buffer>()
const bytes = (b: ArrayBufferLike): Buffer => {
  let v = bytesOf.get(b)
  // A grown WebAssembly memory detaches its old buffer: a byte view of another length is stale.
  if (v === undefined || v.byteLength !== b.byteLength) bytesOf.set(b, (v = Buffer.from(b as ArrayBuffer)))
  return v
}

export const makeCandleArena = (initialBytes = 8 << 20) => {
  let buffer = new SharedArrayBuffer(initialBytes)
  let f64 = new Float64Array(buffer)
  let top = 0
  let generation = 1
  let version = 0
  let regions = new Map<string, Region>()
  /** What this batch placed, by key: a series met again in the same batch. */
  let batchPlaced = new Map<string, { time: Float64Array; stamp: number | undefined; placed: Placed }>()
  /** Series ids are stable for the arena's lifetime, whatever generation holds them. */
  const ids = new Map<string, number>()
  const defs: Array<{ readonly key: string; readonly symbol: string; readonly timeframe: Timeframe }> = []
  /** By series id: the version of the batch that last wrote into its window, where, and the write before. */
  const written: Array<number> = []
  const writtenFrom: Array<number> = []
  const writtenAfter: Array<number> = []

  /**
   * The key of a series, the same string every batch: a string made anew would be hashed again
   * at each of the maps it is looked up in.
   */
  const keys = new Map<string, Map<Timeframe, string>>()
  const keyOf = (symbol: string, timeframe: Timeframe): string => {
    let bySymbol = keys.get(symbol)
    if (bySymbol === undefined) keys.set(symbol, (bySymbol = new Map()))
    let key = bySymbol.get(timeframe)
    if (key === undefined) bySymbol.set(timeframe, (key = `${symbol}\u0000${timeframe}`))
    return key
  }

  /** Copies candles [a, b) of `c` to window position `at` of `r`, column by column. */
  const write = (r: Region, c: Candles, a: number, b: number, at: number) => {
    if (b <= a) return
    for (let k = 0; k < COLS; k++) {
      const to = r.start + k * r.capacity + at
      const col = c[COLUMNS[k]]
      // A window that slid by a candle or two (every series, every cycle) is copied value by
      // value: a view per column and range would cost more than the copy.
      if (b - a <= 16) for (let i = a; i < b; i++) f64[to + i - a] = col[i]
      else f64.set(col.subarray(a, b), to)
    }
    const id = r.id
    if (written[id] === version + 1) writtenFrom[id] = Math.min(writtenFrom[id], r.start + at)
    else {
      writtenAfter[id] = written[id] ?? 0
      written[id] = version + 1
      writtenFrom[id] = r.start + at
    }
  }
  const placedAt = (id: number, r: Region, n: number): Placed => ({
    id,
    start: r.start + r.from,
    length: n,
    stride: r.capacity,
    written: written[id] ?? 0,
    writtenFrom: writtenFrom[id] ?? 0,
    writtenAfter: writtenAfter[id] ?? 0,
  })

  const allocate = (id: number, n: number): Region | null => {
    const capacity = Math.max(2 * n, n + 64)
    if (top + COLS * capacity > f64.length) return null
    const r: Region = { id, start: top, capacity, from: 0, length: 0, stamp: undefined, source: null, offset: 0 }
    top += COLS * capacity
    return r
  }

  /** Index of time `t` in the region's window, or -1 (times ascend). */
  const indexOf = (r: Region, t: number): number => {
    let lo = 0
    let hi = r.length - 1
    const base = r.start + r.from
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const v = f64[base + mid]
      if (v === t) return mid
      if (v < t) lo = mid + 1
      else hi = mid - 1
    }
    return -1
  }

  /** How many leading candles of `c` equal the window's from index `k` on (every column). */
  const shared = (r: Region, c: Candles, k: number): number => {
    const overlap = Math.min(r.length - k, c.time.length)
    if (overlap <= 0) return 0
    const head = overlap - 1
    for (let j = 0; j < COLS; j++) {
      const at = r.start + j * r.capacity + r.from + k
      const col = c[COLUMNS[j]]
      if (head === 0) continue
      const from = col.byteOffset
      if (bytes(buffer).compare(bytes(col.buffer), from, from + 8 * head, 8 * at, 8 * (at + head)) !== 0) return 0
    }
    for (let j = 0; j < COLS; j++) {
      if (!Object.is(f64[r.start + j * r.capacity + r.from + k + head], c[COLUMNS[j]][head])) return head
    }
    return overlap
  }

  /**
   * With the caller's promise that `c` only appended to what the window holds (see
   * `BaseContext.candlesVersion`): how many leading candles of `c` the window holds from index
   * `k` on. Only the newest shared candle is compared (a window that does not line up there is
   * rewritten whole).
   */
  const appended = (r: Region, c: Candles, k: number): number => {
    const overlap = Math.min(r.length - k, c.time.length)
    if (overlap <= 0) return 0
    for (let j = 0; j < COLS; j++)
      if (!Object.is(f64[r.start + j * r.capacity + r.from + k + overlap - 1], c[COLUMNS[j]][overlap - 1])) return 0
    return overlap
  }

  /**
   * Places one series' columns for this batch; null when the buffer is full (`restart`, then
   * place again). `stamp`: the caller's `candlesVersion` of them, if it gave one.
   */
  const place = (symbol: string, timeframe: Timeframe, c: Candles, stamp?: number): Placed | null => {
    let key = keyOf(symbol, timeframe)
    // The same series twice in one batch: the very same candles share the window; other candles
    // (rare: two callers in one turn) get a window of their own, so neither overwrites the other.
    for (let n = 1; ; n++) {
      const earlier = batchPlaced.get(key)
      if (earlier === undefined) break
      if (earlier.time === c.time && earlier.stamp === stamp) return earlier.placed
      key = `${symbol}\u0000${timeframe}\u0000${n}`
    }
    const placed = placeUnder(key, symbol, timeframe, c, stamp)
    if (placed !== null) batchPlaced.set(key, { time: c.time, stamp, placed })
    return placed
  }

  const placeUnder = (
    key: string,
    symbol: string,
    timeframe: Timeframe,
    c: Candles,
    stamp: number | undefined,
  ): Placed | null => {
    let id = ids.get(key)
    if (id === undefined) {
      ids.set(key, (id = defs.length))
      defs.push({ key, symbol, timeframe })
    }
    const n = c.time.length
    let r = regions.get(key)
    if (r !== undefined && r.length > 0 && n > 0) {
      // The same stamp over the same memory: the very candles the window holds, nothing to compare.
      const stamped = stamp !== undefined && r.stamp !== undefined
      if (
        stamped &&
        stamp === r.stamp &&
        r.length === n &&
        r.source === c.time.buffer &&
        r.offset === c.time.byteOffset
      )
        return stampedAt(id, r, c, stamp)
      const k = indexOf(r, c.time[0])
      const keep = k < 0 ? 0 : stamped ? appended(r, c, k) : shared(r, c, k)
      if (keep > 0 && r.from + k + n <= r.capacity) {
        r.from += k
        write(r, c, keep, n, r.from + keep)
        r.length = n
        return stampedAt(id, r, c, stamp)
      }
    }
    if (r === undefined || r.capacity < n) {
      const fresh = allocate(id, n)
      if (fresh === null) return null
      regions.set(key, (r = fresh))
    }
    r.from = 0
    r.length = n
    write(r, c, 0, n, 0)
    return stampedAt(id, r, c, stamp)
  }

  /** Notes which candles (stamp, memory) the window now holds; where it lies. */
  const stampedAt = (id: number, r: Region, c: Candles, stamp: number | undefined): Placed => {
    r.stamp = stamp
    r.source = c.time.buffer
    r.offset = c.time.byteOffset
    return placedAt(id, r, c.time.length)
  }

  return {
    place,
    /** A larger buffer, empty: every series of the batch is placed again. */
    restart: (atLeastBytes: number) => {
      buffer = new SharedArrayBuffer(Math.max(2 * buffer.byteLength, 2 * atLeastBytes))
      f64 = new Float64Array(buffer)
      top = 0
      regions = new Map()
      batchPlaced = new Map()
      generation++
    },
    /**
     * Forgets the windows of every symbol not in `symbols` (it left the tracked set): a series
     * that comes back is written whole, never taken to continue the candles it had before.
     */
    retain: (symbols: ReadonlySet<string>) => {
      for (const [key, r] of regions) if (!symbols.has(defs[r.id].symbol)) regions.delete(key)
    },
    /** Ends the batch's writes. */
    seal: (): number => {
      batchPlaced = new Map()
      return ++version
    },
    /** The buffer, for a worker that holds generation `gen` when that is not the current one. */
    bufferFor: (gen: number): SharedArrayBuffer | undefined => (gen === generation ? undefined : buffer),
    /** The series defined from id `from` on. */
    seriesFrom: (from: number) =>
      defs.slice(from).map((d, i) => ({ id: from + i, symbol: d.symbol, timeframe: d.timeframe })),
    get seriesCount() {
      return defs.length
    },
    get generation() {
      return generation
    },
    get version() {
      return version
    },
    get bytes() {
      return buffer.byteLength
    },
  }
}
