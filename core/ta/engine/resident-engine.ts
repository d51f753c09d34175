/**
 * @module The resident multi-symbol engine: candle columns of every series (symbol × timeframe)
 * live in WASM memory, and one `compute()` call runs the configured indicator set for all series
 * inside WASM (no JS↔WASM crossing per indicator or per series).
 *
 * Storage: each series owns one arena block (`block-layout.ts`) of columns of capacity + slack
 * f64 (a quarter more) — a sliding window (`series-header.ts`), so every column is always one
 * contiguous zero-copy Float64Array view. Memory is bounded: `maxSeries` blocks at most.
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
import type { WasmKernels } from "../../wasm/index.ts"
import type { ResidentEngine, ResidentEngineOptions, SeriesId } from "./engine-types.ts"
import { compilePlan, type Plan } from "./plan.ts"
import {
  appendToWindow,
  clearComputed,
  F_REPLACED,
  H_BLOCK,
  H_DONE,
  H_FLAGS,
  H_LATEST,
  H_LEN,
  H_OUT,
  H_PENDING,
  H_ROWS,
  H_START,
  H_STATE,
  HEADER_I32,
  writeCandle,
  type WindowShape,
} from "./series-header.ts"
import { blockLayout } from "./block-layout.ts"

export type { ResidentEngine, ResidentEngineOptions }

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
  const plan: Plan = compilePlan(options.indicators ?? {})
  const keepHistory = options.keepHistory ?? true
  const { arena, exports: k } = kernels
  const { capacity, maxSeries, colF64, colBytes, latestOffset, rowsOffset, outOffset, blockBytes } = blockLayout(
    plan,
    options,
    k.enginePendingRows(),
  )
  // Shared output blocks: where every series writes in latest-only mode, and where history-mode
  // series write their one-candle steps before the rows go to the pending ring. Two, because the
  // driver computes neighbouring series in pairs.
  const sharedOut = arena.alloc(Math.max(16, plan.outputs * colBytes))
  const sharedOut2 = arena.alloc(Math.max(16, plan.outputs * colBytes))
  const headers = arena.alloc(maxSeries * HEADER_I32 * 4)
  const planPtr = arena.alloc(plan.table.byteLength)
  kernels.f64().set(plan.table, planPtr >> 3)
  /** Blocks besides the series' own: freed with the engine. */
  const shared = [headers, planPtr, sharedOut, sharedOut2]
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

  // Series start at different offsets in their columns so their compactions (one per `slack`
  // appends) fall on different appends instead of all symbols compacting at once.
  const stagger = (id: number): number => (id * 613) % (colF64 - capacity)

  const shape: WindowShape = {
    capacity,
    colF64,
    columns: plan.columns,
    outputColumns: keepHistory ? plan.outputs : 0,
  }
  const append = (id: SeriesId, c: Candle): void => {
    const b = h(id)
    appendToWindow(kernels.f64(), hdr(), b, shape, c)
  }

  const replaceLast = (id: SeriesId, c: Candle): void => {
    const b = h(id)
    const H = hdr()
    const len = H[b + H_LEN]!
    if (len === 0) throw new RangeError(`engine: series "${keyOf[id]}" is empty; append first`)
    writeCandle(kernels.f64(), H, b, H[b + H_START]! + len - 1, colF64, c)
    if (H[b + H_DONE] === len) H[b + H_FLAGS] = H[b + H_FLAGS]! | F_REPLACED
  }

  const reset = (id: SeriesId): void => {
    const b = h(id)
    const H = hdr()
    H[b + H_START] = stagger(id)
    H[b + H_LEN] = 0
    clearComputed(H, b)
  }

  const invalidate = (id?: SeriesId): void => {
    const H = hdr()
    if (id !== undefined) clearComputed(H, h(id))
    else for (const sid of byKey.values()) clearComputed(H, (headers >> 2) + sid * HEADER_I32)
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
      // The candle columns in CANDLE_COLUMNS order: time, open, high, low, close, volume.
      const v = (col: number) => colView(id, col)
      cache.cols = { time: v(0), open: v(1), high: v(2), low: v(3), close: v(4), volume: v(5) }
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
    if (hdr()[b + H_PENDING]! > 0) k.engineFlush(headers + id * HEADER_I32 * 4, colF64, plan.outputs)
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
    if (!computed(id)) return NaN
    return kernels.f64()[(i32[h(id) + H_LATEST]! >> 3) + col]!
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
    const len = hdr()[b + H_LEN]!
    return len > 0 && i32[b + H_DONE]! >= len
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
        colF64,
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
    memoryBytes: () => byKey.size * blockBytes + shared.reduce((sum, ptr) => sum + arena.sizeOf(ptr), 0),
    dispose: () => {
      if (disposed) return
      for (const id of byKey.values()) arena.free(hdr()[(headers >> 2) + id * HEADER_I32 + H_BLOCK]!)
      for (const ptr of shared) arena.free(ptr)
      byKey.clear()
      disposed = true
    },
  }
}
