/** @module Confluence aggregation in WASM: weighted means that skip missing (NaN) components. */
import { getKernels } from "../../wasm/index.ts"
import { place } from "./call.ts"

/**
 * Weighted mean of `values` with `weights`; NaN values are skipped and the weights renormalised
 * over the present ones; NaN when no value is present.
 */
export const weightedMean = (values: Float64Array, weights: Float64Array): number => {
  if (values.length !== weights.length) {
    throw new RangeError(`weightedMean: ${values.length} values but ${weights.length} weights`)
  }
  const n = values.length
  if (n === 0) return NaN
  const { K, ins } = place([values, weights], n, 0)
  return K.exports.weightedMean(ins[0]!, ins[1]!, n)
}

/**
 * Row-wise weighted means of a row-major `rows × cols` matrix, written into `out` (length `rows`):
 * the batch form used when many symbols are scored at once.
 */
export const weightedRows = (
  matrix: Float64Array,
  rows: number,
  cols: number,
  weights: Float64Array,
  out: Float64Array,
): Float64Array => {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`weightedRows: rows and cols must be non-negative integers, got ${rows} × ${cols}`)
  }
  if (matrix.length !== rows * cols)
    throw new RangeError(`weightedRows: matrix has ${matrix.length} values, expected ${rows} × ${cols}`)
  if (weights.length !== cols) throw new RangeError(`weightedRows: ${weights.length} weights for ${cols} columns`)
  if (out.length !== rows) throw new RangeError(`weightedRows: out has ${out.length} slots for ${rows} rows`)
  if (rows === 0) return out
  // A resident `out` is written in place; its pointer is taken before scratch can grow memory.
  const residentOut = getKernels().isResident(out) ? out.byteOffset : -1
  // Scratch slots are sized for the matrix (the weights and out columns are shorter).
  const { K, ins, free } = place([matrix, weights], rows * cols, 1)
  const outPtr = residentOut >= 0 ? residentOut : free
  K.exports.weightedRows(ins[0]!, rows, cols, ins[1]!, outPtr)
  if (residentOut < 0) out.set(K.f64().subarray(outPtr >> 3, (outPtr >> 3) + rows))
  return out
}
