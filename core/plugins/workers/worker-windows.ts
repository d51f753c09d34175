/**
 * @module A plugin worker's private copies of the candle windows in the host's arena: what
 * plugins in this worker read as `ctx.candles`, never the host's memory.
 *
 * Each series' copy is a buffer of its own holding the six columns, each in a block with room
 * beyond the window, so a plugin reaches (through `candles.close.buffer`) only this series'
 * candles. A window that slid forward by a few candles (as every window does each Analysis
 * cycle) does not copy what it already holds: the view moves forward in its block and only the
 * new candles are copied behind it; the host says which arena values its writes touched since
 * the copy's version (`Placed.writtenFrom`), so a corrected candle is copied again. A block that
 * runs out of room moves its window back to the block's start.
 */
import type { Timeframe } from "../../market-schema/index.ts"
import type { IndicatorContext } from "../sdk.ts"
import type { Placed } from "./candle-arena.ts"
import { COLUMNS, type HostMessage, type SeriesDef } from "./protocol.ts"

export interface WindowCopy {
  readonly id: number
  /** Where the window lies in the arena (f64 index of its first time value), its length and stride. */
  start: number
  length: number
  readonly stride: number
  /** The arena version that last wrote the window: a newer one means the copy is stale. */
  written: number
  /** Each column's block size in `buffer` (f64 values), and the window's offset in every block. */
  readonly room: number
  offset: number
  buffer: ArrayBuffer
  /** A byte view of `buffer`, for comparing it with the arena. */
  bytes: Buffer
  /** Views of `buffer`; null after the buffer was detached, until the copy is handed out again. */
  candles: IndicatorContext["candles"] | null
  /** The batch that last handed it to plugins. */
  batch: number
}

/** Where a context's window lies in the arena, as the host's context record says. */
export type WindowAt = Placed

const COLS = COLUMNS.length

/** The host's arena: read to copy windows and to check them after a batch. */
let master: Float64Array<ArrayBufferLike> = new Float64Array(0)
let masterBytes: Buffer = Buffer.alloc(0)
const series: Array<SeriesDef> = []
/** By series id: the copy of its window last handed out. */
let copies: Array<WindowCopy | undefined> = []
/** The copies handed to plugins in the current batch. */
let exposed: Array<WindowCopy> = []

/** Takes the batch's new series and, when the host sent one, a new arena (older copies are dropped). */
export const syncArena = (m: Extract<HostMessage, { type: "run" }>): void => {
  for (const s of m.series) series[s.id] = s
  if (m.arena === undefined) return
  master = new Float64Array(m.arena)
  masterBytes = Buffer.from(m.arena)
  copies = []
  exposed = []
}

export const seriesDef = (id: number): { readonly symbol: string; readonly timeframe: Timeframe } => series[id]

const viewsOf = (buffer: ArrayBuffer, room: number, offset: number, length: number): IndicatorContext["candles"] => {
  const cols = {} as Record<(typeof COLUMNS)[number], Float64Array>
  for (let k = 0; k < COLS; k++) cols[COLUMNS[k]] = new Float64Array(buffer, 8 * (k * room + offset), length)
  return Object.freeze(cols)
}

/** Copies arena candles [from, to) of the window at `w` to block position `at` of `buffer`. */
const copyIn = (f: Float64Array, room: number, at: number, w: WindowAt, from: number, to: number) => {
  if (to <= from) return
  const n = to - from
  for (let k = 0; k < COLS; k++) {
    const src = w.start + k * w.stride + from
    const dst = k * room + at
    // A window that slid by a candle or two (every series, every batch) is copied value by
    // value: a view per column would cost more than the copy.
    if (n <= 16) for (let i = 0; i < n; i++) f[dst + i] = master[src + i]
    else f.set(master.subarray(src, src + n), dst)
  }
}

/**
 * How many leading candles of `w` the copy `p` already holds as the arena holds them: the overlap
 * of the two windows in the arena, up to the first value written since `p` was copied.
 */
const reusable = (p: WindowCopy, w: WindowAt): number => {
  if (p.stride !== w.stride || w.start < p.start) return 0
  const dirty = w.written === p.written ? Infinity : w.writtenAfter === p.written ? w.writtenFrom : -Infinity
  return Math.min(p.start + p.length, dirty, w.start + w.length) - w.start
}

/**
 * A current copy of a window. One this worker handed out in an earlier batch keeps its buffer
 * (a detached one too: detaching moved its contents into a buffer no plugin holds): the candles
 * it holds stay where they are, the view moves forward, and only the rest is copied. Views a
 * plugin kept from an earlier batch still read this series' buffer: a write through them into
 * the window is found by the after-batch comparison like any other, and the candles before the
 * window or past its end are never handed out again before being copied over.
 * Otherwise the window is copied whole, into the old buffer if it fits. (Analysis scores a
 * cycle's series in a few batches, so most windows are detached between their batches.)
 */
const copyWindow = (w: WindowAt, p: WindowCopy | undefined, batch: number): WindowCopy => {
  const length = w.length
  // Not a copy this batch already handed out (the same series twice in one batch keeps both).
  if (p !== undefined && p.batch !== batch) {
    const keep = Math.max(0, reusable(p, w))
    const f = new Float64Array(p.buffer)
    let offset = p.offset + (w.start - p.start)
    if (keep === 0) offset = 0
    else if (offset + length > p.room && length <= p.room) {
      // Out of room: the kept candles move back to the block's start.
      for (let k = 0; k < COLS; k++) f.copyWithin(k * p.room, k * p.room + offset, k * p.room + offset + keep)
      offset = 0
    }
    if (offset + length <= p.room) {
      copyIn(f, p.room, offset + keep, w, keep, length)
      if (offset !== p.offset || length !== p.length || p.candles === null)
        p.candles = viewsOf(p.buffer, p.room, offset, length)
      // Brought up to date in place: the copy is this series' one (`copies`), not handed out yet this batch.
      p.start = w.start
      p.length = length
      p.written = w.written
      p.offset = offset
      p.batch = 0
      return p
    }
  }
  // Room for a few hundred cycles of sliding before the window moves back.
  const room = length + Math.max(64, length >> 1)
  const buffer = new ArrayBuffer(8 * COLS * room)
  copyIn(new Float64Array(buffer), room, 0, w, 0, length)
  const candles = viewsOf(buffer, room, 0, length)
  const { id, start, stride, written } = w
  return { id, start, length, stride, written, room, offset: 0, buffer, bytes: Buffer.from(buffer), candles, batch: 0 }
}

/** Whether `c` still holds what the arena holds; a changed column is put back. */
export const windowIntact = (c: WindowCopy): boolean => {
  const bytes = c.bytes
  const n = 8 * c.length
  let ok = true
  for (let k = 0; k < COLS; k++) {
    const at = 8 * (c.start + k * c.stride)
    const mine = 8 * (k * c.room + c.offset)
    if (masterBytes.compare(bytes, mine, mine + n, at, at + n) === 0) continue
    ok = false
    masterBytes.copy(bytes, mine, at, at + n)
  }
  return ok
}

/** Whether every window handed out in this batch is as the host wrote it (a changed one is put back). */
export const windowsIntact = (): boolean => {
  let ok = true
  for (const c of exposed) if (!windowIntact(c)) ok = false
  return ok
}

/** Starts a batch's hand-outs; returns the copies handed out in the previous one. */
export const beginWindows = (): ReadonlyArray<WindowCopy> => {
  const previous = exposed
  exposed = []
  return previous
}

/**
 * The copy of window `w` for batch `batch`: the one held when the host wrote nothing into the
 * window since and it lies where it did, else brought up to date.
 */
export const windowFor = (w: WindowAt, batch: number): WindowCopy => {
  let c = copies[w.id]
  if (
    c === undefined ||
    c.start !== w.start ||
    c.length !== w.length ||
    c.stride !== w.stride ||
    c.written !== w.written
  )
    copies[w.id] = c = copyWindow(w, c, batch)
  if (c.batch !== batch) {
    c.batch = batch
    c.candles ??= viewsOf(c.buffer, c.room, c.offset, c.length)
    exposed.push(c)
  }
  return c
}

/**
 * Detaches the copies handed out in the previous batch and not in this one (their buffer moves to
 * a new one, old views read as empty): a plugin that kept candles from an earlier call can write
 * only into windows this batch hands out, the ones compared after it.
 */
export const detachUnused = (previous: ReadonlyArray<WindowCopy>, batch: number): void => {
  for (const c of previous) {
    if (c.batch === batch || copies[c.id] !== c) continue
    c.buffer = c.buffer.transfer()
    c.bytes = Buffer.from(c.buffer)
    c.candles = null
  }
}
