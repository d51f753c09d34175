/**
 * @module A series' header in WASM memory (16 × i32, read by `wasm/assembly/engine.ts`) and the
 * host-side window operations on it: where a series' columns start, how many candles they hold,
 * how far `compute()` got, and appending one candle to the sliding window.
 *
 * The window is `[start, start + length)` in every column of a series' block: appending writes
 * one slot past the window (dropping the oldest once `capacity` is reached), and only when the
 * window hits the end of its column (`capacity` + slack f64, `block-layout.ts`) are its
 * `capacity − 1` newest values moved back to slot 0. That move happens once per `slack` appends
 * (a quarter of the capacity), so appends are amortised O(1) per column, never copy the series,
 * and every column is always one contiguous zero-copy Float64Array view (a ring buffer would
 * need two views or a copy). Series start at staggered offsets so their compactions do not
 * coincide.
 */
import type { Candle } from "../../market-schema/index.ts"

export const HEADER_I32 = 16
export const H_BLOCK = 0,
  H_START = 1,
  H_LEN = 2,
  H_DONE = 3,
  H_FLAGS = 4,
  H_STATE = 5,
  H_OUT = 6,
  H_LATEST = 7
export const H_ROWS = 8,
  H_PENDING = 9
const H_PFIRST = 10
export const F_REPLACED = 1

/** A series' window geometry: candles kept, f64 per column (capacity + slack), columns to move. */
export interface WindowShape {
  readonly capacity: number
  readonly colF64: number
  /** Candle + scratch columns in the series' block. */
  readonly columns: number
  /** Output columns at `H_OUT` moved with the window (0 in latest-only mode). */
  readonly outputColumns: number
}

/** Writes candle `c` at slot `at` of the series' six candle columns. */
export const writeCandle = (f: Float64Array, H: Int32Array, b: number, at: number, colF64: number, c: Candle): void => {
  const base = (H[b + H_BLOCK]! >> 3) + at
  f[base] = c.time
  f[base + colF64] = c.open
  f[base + 2 * colF64] = c.high
  f[base + 3 * colF64] = c.low
  f[base + 4 * colF64] = c.close
  f[base + 5 * colF64] = c.volume
}

/**
 * Appends `c` one slot past the window, dropping the oldest candle once at capacity; when the
 * window reaches the end of its columns, its `capacity − 1` newest values (outputs included) move
 * back to slot 0 first — once per `slack` appends, so O(1) amortised.
 */
export const appendToWindow = (f: Float64Array, H: Int32Array, b: number, shape: WindowShape, c: Candle): void => {
  const { capacity, colF64 } = shape
  let start = H[b + H_START]!
  let len = H[b + H_LEN]!
  if (len === capacity) {
    start++
    len--
    if (H[b + H_DONE]! > 0) H[b + H_DONE] = H[b + H_DONE]! - 1
    H[b + H_PFIRST] = H[b + H_PFIRST]! - 1 // pending rows keep their bars (local index − 1)
  }
  if (start + len === colF64) {
    const block = H[b + H_BLOCK]! >> 3
    for (let col = 0; col < shape.columns; col++) {
      const o = block + col * colF64
      f.copyWithin(o, o + start, o + start + len)
    }
    const out = H[b + H_OUT]! >> 3
    for (let col = 0; col < shape.outputColumns; col++) {
      const o = out + col * colF64
      f.copyWithin(o, o + start, o + start + len)
    }
    start = 0
  }
  writeCandle(f, H, b, start + len, colF64, c)
  H[b + H_START] = start
  H[b + H_LEN] = len + 1
}

/** Forgets what `compute()` did for the series at `b`: the next compute starts it from scratch. */
export const clearComputed = (H: Int32Array, b: number): void => {
  H[b + H_DONE] = 0
  H[b + H_FLAGS] = 0
  H[b + H_PENDING] = 0
}
