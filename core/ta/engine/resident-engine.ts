/**
 * @module The resident multi-symbol engine: candle columns of every series (symbol × timeframe)
 * live in WASM memory, and one `compute()` call runs the configured indicator set for all series
 * inside WASM (no JS↔WASM crossing per indicator or per series).
 *
 * Storage: each series owns one arena block of columns of 2·capacity f64 (six candle columns,
 * the set's scratch columns and, with `keepHistory`, its output columns) plus two state snapshots
 * and the latest output values. The window is `[start, start + length)` in every column — a
 * double-capacity sliding window: appending writes
 * one slot past the window (dropping the oldest once `capacity` is reached), and only when the
 * window hits the end of the 2·capacity column are its `capacity - 1` newest values moved back to
 * slot 0. That move happens once per `capacity` appends, so appends are amortised O(1) per column,
 * never copy the series, and every column is always one contiguous zero-copy Float64Array view
 * (a ring buffer would need two views or a copy). Series start at staggered offsets so their
 * compactions do not coincide. Memory is bounded: `maxSeries` blocks at most.
 *
 * Indicator outputs share the window, so output `i` belongs to candle `i`. Recursive kernels keep
 * their loop-carried state per series in WASM; after an append, `compute()` advances each kernel
 * by the new candles only. A series is (re)computed from scratch when its computed prefix is still
 * inside the set's warm-up — before the window first fills, that is exact; once the window has
 * slid it happens only if more than `capacity − lookback − 1` candles (lookback = the set's
 * largest) were appended between two `compute()` calls, and then the window's first candle is
 * treated as the series start, because the bars the kernels would need are gone.
 *
 * With `keepHistory`, a one-candle step does not write 37-odd output columns (one page each):
 * its outputs go to a small per-series ring of pending rows, written back into the columns every
 * 64 candles, before a longer compute, or when `output()` is called — so per-candle cost stays
 * near the latest-only mode and views are always complete when handed out.
 *
 * Views returned by `columns` / `output` are valid until memory grows or the series changes; take
 * them again after `append`/`compute` (they are re-created only when stale).
 */
import type { Candle, CandleColumns } from "../../market-schema/index.ts"

export type { CandleColumns }
import type { WasmKernels } from "../../wasm/index.ts"
import { CANDLE_COLUMNS, compilePlan, type IndicatorSet, type Plan } from "./plan.ts"

export type SeriesId = number

export interface ResidentEngineOptions {
  /** Candles kept per series (default 1000). Must exceed the set's largest lookback + 1. */
  readonly capacity?: number
  /** Upper bound on live series (default 1024); bounds the engine's memory. */
  readonly maxSeries?: number
  /** Indicators computed by `compute()` for every series, keyed by output name. */
  readonly indicators?: IndicatorSet
  /**
   * Keep every output's full history aligned with the candles (default true; `output()` views).
   * With false, only the latest value per output is kept (`latest()`): all series write their
   * outputs into one shared, cache-resident block, which saves `outputs × 2·capacity` f64 per
   * series and most of the memory traffic of a batch compute.
   */
  readonly keepHistory?: boolean
}

export interface ResidentEngine {
  readonly capacity: number
  /** Output keys: the set's names, `name.output` for multi-output functions (`macd.signal`). */
  readonly outputs: ReadonlyArray<string>
  /** Adds a series; throws if `key` exists or `maxSeries` is reached. */
  addSeries(key: string): SeriesId
  getOrAdd(key: string): SeriesId
  idOf(key: string): SeriesId | undefined
  keys(): ReadonlyArray<string>
  /** Appends a closed candle (drops the oldest once at capacity). */
  append(id: SeriesId, candle: Candle): void
  /** Overwrites the newest candle (a correction); the next `compute()` re-steps only that candle. */
  replaceLast(id: SeriesId, candle: Candle): void
  reset(id: SeriesId): void
  /** Forgets computed results (all series, or one): the next `compute()` recomputes from scratch. */
  invalidate(id?: SeriesId): void
  /** Frees the series' memory; the id and its block are reused by later `addSeries`. */
  removeSeries(id: SeriesId): void
  length(id: SeriesId): number
  /** Zero-copy views of the window, oldest first. */
  columns(id: SeriesId): CandleColumns
  /** ONE WASM call: brings every series' outputs up to date; returns how many changed. */
  compute(): number
  /** Zero-copy view of one output aligned with `columns` (NaN in warm-up). Call after `compute()`; needs `keepHistory`. */
  output(id: SeriesId, key: string): Float64Array
  /** The newest value of one output (NaN if none). */
  latest(id: SeriesId, key: string): number
  /**
   * The newest value of every output, indexed as `outputs` (zero-copy view; valid until memory
   * grows). Current only while the series is computed up to its last candle (`computed`).
   */
  latestRow(id: SeriesId): Float64Array
  /** True when `compute()` has brought the series up to its newest candle. */
  computed(id: SeriesId): boolean
  /** Arena bytes held by this engine. */
  memoryBytes(): number
  /** Frees every block; the engine is unusable afterwards. */
  dispose(): void
}

// Series header layout: see wasm/assembly/engine.ts.
const HEADER_I32 = 16
const H_BLOCK = 0,
  H_START = 1,
  H_LEN = 2,
  H_DONE = 3,
  H_FLAGS = 4,
  H_STATE = 5,
  H_OUT = 6,
  H_LATEST = 7
const H_ROWS = 8,
  H_PENDING = 9,
  H_PFIRST = 10
const F_REPLACED = 1

interface ViewCache {
  gen: number
  start: number
  len: number
  cols: CandleColumns | undefined
  outs: Map<string, Float64Array>
  /** The latest-values row: its place never moves, so only memory growth renews it. */
  row?: Float64Array
  rowGen?: number
}

export const makeResidentEngine = (kernels: WasmKernels, options: ResidentEngineOptions = {}): ResidentEngine => {
  const capacity = options.capacity ?? 1000
  const maxSeries = options.maxSeries ?? 1024
  const plan: Plan = compilePlan(options.indicators ?? {})
  if (!Number.isInteger(capacity) || capacity < 2)
    throw new RangeError(`engine: capacity must be an integer >= 2, got ${capacity}`)
  if (capacity <= plan.maxLookback + 1) {
    throw new RangeError(
      `engine: capacity ${capacity} must exceed the indicator set's lookback + 1 (${plan.maxLookback + 1})`,
    )
  }
  if (!Number.isInteger(maxSeries) || maxSeries < 1)
    throw new RangeError(`engine: maxSeries must be a positive integer, got ${maxSeries}`)
  const { arena, exports: k } = kernels
  const keepHistory = options.keepHistory ?? true
  const colF64 = 2 * capacity
  const colBytes = colF64 * 8
  // Block: candle + scratch columns | state S | snapshot P | latest values | (history only:)
  // pending-rows ring | output columns
  const pendingRows = k.enginePendingRows()
  const latestOffset = plan.columns * colBytes + 2 * plan.stateBytes
  const rowsOffset = latestOffset + Math.ceil((plan.outputs * 8) / 16) * 16
  const outOffset = rowsOffset + (keepHistory ? Math.ceil((pendingRows * plan.outputs * 8) / 16) * 16 : 0)
  const blockBytes = outOffset + (keepHistory ? plan.outputs * colBytes : 0)
  // Shared output blocks: where every series writes in latest-only mode, and where history-mode
  // series write their one-candle steps before the rows go to the pending ring. Two, because the
  // driver computes neighbouring series in pairs.
  const sharedOut = arena.alloc(Math.max(16, plan.outputs * colBytes))
  const sharedOut2 = arena.alloc(Math.max(16, plan.outputs * colBytes))
  const headers = arena.alloc(maxSeries * HEADER_I32 * 4)
  const planPtr = arena.alloc(plan.table.byteLength)
  kernels.f64().set(plan.table, planPtr >> 3)
  let i32 = new Int32Array(kernels.memory.buffer)
  let i32Gen = kernels.generation()
  const hdr = (): Int32Array => {
    if (i32Gen !== kernels.generation()) {
      i32 = new Int32Array(kernels.memory.buffer)
      i32Gen = kernels.generation()
    }
    return i32
  }
  hdr().fill(0, headers >> 2, (headers >> 2) + maxSeries * HEADER_I32)
  const byKey = new Map<string, SeriesId>()
  const keyOf: Array<string | undefined> = []
  const caches: Array<ViewCache | undefined> = []
  const freeSlots: Array<number> = []
  let slots = 0
  let disposed = false

  const h = (id: SeriesId): number => {
    if (disposed) throw new RangeError("engine: disposed")
    if (!Number.isInteger(id) || id < 0 || id >= slots || keyOf[id] === undefined)
      throw new RangeError(`engine: unknown series id ${id}`)
    return (headers >> 2) + id * HEADER_I32
  }

  const addSeries = (key: string): SeriesId => {
    if (byKey.has(key)) throw new RangeError(`engine: series "${key}" already exists`)
    if (freeSlots.length === 0 && slots >= maxSeries) throw new RangeError(`engine: maxSeries (${maxSeries}) reached`)
    const block = arena.alloc(blockBytes)
    const id = freeSlots.length > 0 ? freeSlots.pop()! : slots++
    const b = (headers >> 2) + id * HEADER_I32
    const H = hdr()
    H.fill(0, b, b + HEADER_I32)
    H[b + H_BLOCK] = block
    H[b + H_START] = stagger(id)
    H[b + H_STATE] = block + plan.columns * colBytes
    H[b + H_OUT] = keepHistory ? block + outOffset : sharedOut
    H[b + H_LATEST] = block + latestOffset
    H[b + H_ROWS] = keepHistory && plan.outputs > 0 ? block + rowsOffset : 0
    byKey.set(key, id)
    keyOf[id] = key
    caches[id] = { gen: -1, start: -1, len: -1, cols: undefined, outs: new Map() }
    return id
  }

  // Series start at different offsets in their 2·capacity columns so their compactions (one per
  // `capacity` appends) fall on different appends instead of all symbols compacting at once.
  const stagger = (id: number): number => (id * 613) % capacity

  const writeCandle = (H: Int32Array, b: number, at: number, c: Candle): void => {
    const f = kernels.f64()
    const base = (H[b + H_BLOCK]! >> 3) + at
    f[base] = c.time
    f[base + colF64] = c.open
    f[base + 2 * colF64] = c.high
    f[base + 3 * colF64] = c.low
    f[base + 4 * colF64] = c.close
    f[base + 5 * colF64] = c.volume
  }

  const append = (id: SeriesId, c: Candle): void => {
    const b = h(id)
    const H = hdr()
    let start = H[b + H_START]!
    let len = H[b + H_LEN]!
    if (len === capacity) {
      start++
      len--
      if (H[b + H_DONE]! > 0) H[b + H_DONE] = H[b + H_DONE]! - 1
      H[b + H_PFIRST] = H[b + H_PFIRST]! - 1 // pending rows keep their bars (local index − 1)
    }
    if (start + len === colF64) {
      // Compaction: move the window (all columns, outputs included) back to slot 0.
      const f = kernels.f64()
      const block = H[b + H_BLOCK]! >> 3
      for (let col = 0; col < plan.columns; col++) {
        const o = block + col * colF64
        f.copyWithin(o, o + start, o + start + len)
      }
      if (keepHistory) {
        const out = H[b + H_OUT]! >> 3
        for (let col = 0; col < plan.outputs; col++) {
          const o = out + col * colF64
          f.copyWithin(o, o + start, o + start + len)
        }
      }
      start = 0
    }
    writeCandle(H, b, start + len, c)
    H[b + H_START] = start
    H[b + H_LEN] = len + 1
  }

  const replaceLast = (id: SeriesId, c: Candle): void => {
    const b = h(id)
    const H = hdr()
    const len = H[b + H_LEN]!
    if (len === 0) throw new RangeError(`engine: series "${keyOf[id]}" is empty; append first`)
    writeCandle(H, b, H[b + H_START]! + len - 1, c)
    if (H[b + H_DONE] === len) H[b + H_FLAGS] = H[b + H_FLAGS]! | F_REPLACED
  }

  const reset = (id: SeriesId): void => {
    const b = h(id)
    const H = hdr()
    H[b + H_START] = stagger(id)
    H[b + H_LEN] = 0
    H[b + H_DONE] = 0
    H[b + H_FLAGS] = 0
    H[b + H_PENDING] = 0
  }

  const invalidate = (id?: SeriesId): void => {
    const H = hdr()
    if (id !== undefined) {
      const b = h(id)
      H[b + H_DONE] = 0
      H[b + H_FLAGS] = 0
      H[b + H_PENDING] = 0
      return
    }
    for (const sid of byKey.values()) {
      const b = (headers >> 2) + sid * HEADER_I32
      H[b + H_DONE] = 0
      H[b + H_FLAGS] = 0
      H[b + H_PENDING] = 0
    }
  }

  const removeSeries = (id: SeriesId): void => {
    const b = h(id)
    const H = hdr()
    arena.free(H[b + H_BLOCK]!)
    H.fill(0, b, b + HEADER_I32)
    byKey.delete(keyOf[id]!)
    keyOf[id] = undefined
    caches[id] = undefined
    freeSlots.push(id)
  }

  const cacheFor = (id: SeriesId): ViewCache => {
    const b = h(id)
    const H = hdr()
    const cache = caches[id]!
    const gen = kernels.generation()
    const start = H[b + H_START]!
    const len = H[b + H_LEN]!
    if (cache.gen !== gen || cache.start !== start || cache.len !== len) {
      cache.gen = gen
      cache.start = start
      cache.len = len
      cache.cols = undefined
      cache.outs.clear()
    }
    return cache
  }

  const colView = (id: SeriesId, col: number, base = H_BLOCK): Float64Array => {
    const b = h(id)
    const H = hdr()
    return kernels.view(H[b + base]! + col * colBytes + H[b + H_START]! * 8, H[b + H_LEN]!)
  }

  const columns = (id: SeriesId): CandleColumns => {
    const cache = cacheFor(id)
    if (!cache.cols) {
      const [time, open, high, low, close, volume] = CANDLE_COLUMNS.map((_, i) => colView(id, i)) as [
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
      ]
      cache.cols = { time, open, high, low, close, volume }
    }
    return cache.cols
  }

  const outputCol = (key: string): number => {
    const col = plan.outputColumn.get(key)
    if (col === undefined)
      throw new RangeError(`engine: unknown output "${key}" (outputs: ${[...plan.outputColumn.keys()].join(", ")})`)
    return col
  }

  const output = (id: SeriesId, key: string): Float64Array => {
    const col = outputCol(key)
    if (!keepHistory)
      throw new RangeError(
        `engine: output("${key}") needs keepHistory; this engine keeps latest values only (use latest())`,
      )
    const b = h(id)
    if (hdr()[b + H_PENDING]! > 0) k.engineFlush(headers + id * HEADER_I32 * 4, capacity, plan.outputs)
    const cache = cacheFor(id)
    let v = cache.outs.get(key)
    if (!v) {
      v = colView(id, col, H_OUT)
      cache.outs.set(key, v)
    }
    return v
  }

  const latest = (id: SeriesId, key: string): number => {
    const col = outputCol(key)
    const b = h(id)
    const H = hdr()
    const len = H[b + H_LEN]!
    if (len === 0 || H[b + H_DONE]! < len) return NaN
    return kernels.f64()[(H[b + H_LATEST]! >> 3) + col]!
  }

  const latestRow = (id: SeriesId): Float64Array => {
    const cache = caches[id]!
    const b = h(id)
    if (cache.row === undefined || cache.rowGen !== kernels.generation()) {
      cache.row = kernels.view(hdr()[b + H_LATEST]!, plan.outputs)
      cache.rowGen = kernels.generation()
    }
    return cache.row
  }

  const computed = (id: SeriesId): boolean => {
    const b = h(id)
    const H = hdr()
    const len = H[b + H_LEN]!
    return len > 0 && H[b + H_DONE]! >= len
  }

  return {
    capacity,
    outputs: [...plan.outputColumn.keys()],
    addSeries,
    getOrAdd: (key) => byKey.get(key) ?? addSeries(key),
    idOf: (key) => byKey.get(key),
    keys: () => [...byKey.keys()],
    append,
    replaceLast,
    reset,
    invalidate,
    removeSeries,
    length: (id) => hdr()[h(id) + H_LEN]!,
    columns,
    compute: () => {
      if (disposed) throw new RangeError("engine: disposed")
      if (plan.entries === 0) return 0
      return k.engineCompute(
        headers,
        slots,
        planPtr,
        plan.entries,
        capacity,
        plan.stateBytes,
        plan.maxLookback,
        plan.outputs,
        plan.columns,
        sharedOut,
        sharedOut2,
      )
    },
    output,
    latest,
    latestRow,
    computed,
    memoryBytes: () =>
      byKey.size * blockBytes +
      arena.sizeOf(headers) +
      arena.sizeOf(planPtr) +
      arena.sizeOf(sharedOut) +
      arena.sizeOf(sharedOut2),
    dispose: () => {
      if (disposed) return
      for (const id of byKey.values()) arena.free(hdr()[(headers >> 2) + id * HEADER_I32 + H_BLOCK]!)
      arena.free(headers)
      arena.free(planPtr)
      arena.free(sharedOut)
      arena.free(sharedOut2)
      byKey.clear()
      disposed = true
    },
  }
}
