/**
 * @module A resident block of f64s in WASM memory that the confluence fold and roll-up write
 * their inputs straight into, so each runs one kernel call with no copy in, no copy out and no
 * allocation (the block only grows, and is reused by every call).
 *
 * Synchronous and single-threaded: a block is filled, run and read back within one call of its
 * user, and every user owns its own block.
 */
import { getKernels, type KernelExports, type WasmKernels } from "../../wasm/index.ts"

/** The kernels this folder calls, by byte pointer (wasm/assembly/confluence*.ts). */
interface ConfluenceKernels {
  weightedRows(matrix: number, rows: number, cols: number, weights: number, out: number): void
  foldScores(
    values: number,
    weights: number,
    groups: number,
    n: number,
    componentWeights: number,
    ng: number,
    out: number,
  ): void
}

export interface Block {
  /** The whole kernel memory as f64s; valid until the next `reserve`. */
  heap: Float64Array
  /** f64 index of the block's first slot (its byte pointer is `base << 3`). */
  base: number
  readonly kernels: ConfluenceKernels
}

export interface ResidentBlock {
  /** At least `slots` f64s (contents undefined). */
  readonly reserve: (slots: number) => Block
}

export const makeResidentBlock = (): ResidentBlock => {
  let K: WasmKernels | undefined
  let ptr = 0
  let capacity = 0
  let generation = -1
  let block: Block | undefined

  const reserve = (slots: number): Block => {
    const k = (K ??= getKernels())
    const b = (block ??= { heap: k.f64(), base: 0, kernels: k.exports as KernelExports & ConfluenceKernels })
    if (slots > capacity) {
      k.arena.free(ptr)
      capacity = Math.max(slots, capacity * 2, 512)
      ptr = k.arena.alloc(capacity * 8)
      b.base = ptr >> 3
      generation = -1
    }
    // Anyone's allocation may have grown memory since the last call, detaching the old view.
    if (generation !== k.generation()) {
      b.heap = k.f64()
      generation = k.generation()
    }
    return b
  }

  return { reserve }
}
