/**
 * @module A resident block in WASM memory for one `weightedRows` call: the fold writes a
 * context's scores straight into kernel memory (one row per component, NaN where a plugin is not
 * in that row) and gets every component's weighted mean from one kernel call — no copy in, no
 * copy out, no allocation per call (the block only grows, and is reused by every fold).
 *
 * Synchronous and single-threaded: a block is filled and read back within one call of its user.
 */
import { getKernels, type WasmKernels } from "../../wasm/index.ts"

export interface Rows {
  /** The whole kernel memory as f64s; valid until `prepare` is called again. */
  heap: Float64Array
  /** f64 indexes of the row-major `rows × cols` matrix, the `cols` weights and the `rows` means. */
  matrix: number
  weights: number
  out: number
}

export interface ResidentRows {
  /** Makes room for `rows × cols`, fills the matrix with NaN; returns the block's layout. */
  readonly prepare: (rows: number, cols: number) => Rows
  /** Runs the kernel over the prepared block; the means land at `out`. */
  readonly run: (rows: number, cols: number) => void
}

export const makeResidentRows = (): ResidentRows => {
  let K: WasmKernels | undefined
  let ptr = 0
  let capacity = 0 // in f64s
  let generation = -1
  const layout: Rows = { heap: new Float64Array(0), matrix: 0, weights: 0, out: 0 }

  const prepare = (rows: number, cols: number): Rows => {
    const k = (K ??= getKernels())
    const need = rows * cols + cols + rows
    if (need > capacity) {
      k.arena.free(ptr)
      capacity = Math.max(need, capacity * 2, 512)
      ptr = k.arena.alloc(capacity * 8)
      generation = -1
    }
    // Anyone's allocation may have grown memory since the last call, detaching the old view.
    if (generation !== k.generation()) {
      layout.heap = k.f64()
      generation = k.generation()
    }
    const base = ptr >> 3
    layout.matrix = base
    layout.weights = base + rows * cols
    layout.out = base + rows * cols + cols
    layout.heap.fill(Number.NaN, base, base + rows * cols)
    return layout
  }

  const run = (rows: number, cols: number): void => {
    K!.exports.weightedRows(layout.matrix << 3, rows, cols, layout.weights << 3, layout.out << 3)
  }

  return { prepare, run }
}
