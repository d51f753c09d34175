// Confluence aggregation: weighted means that skip missing (NaN) components and renormalise the
// weights over the present ones. Used by core/analysis through core/ta's weightedMean/weightedRows.
import { ld, st } from "./memory"

/** Weighted mean of `n` values; NaN values are skipped; NaN if none is present. */
export function weightedMean(values: usize, weights: usize, n: i32): f64 {
  let num = 0.0
  let den = 0.0
  for (let i = 0; i < n; i++) {
    const v = ld(values, i)
    if (v != v) continue
    const w = ld(weights, i)
    num += v * w
    den += w
  }
  // No present value (or all-zero weights) gives 0/0 = NaN, which is the contract.
  return num / den
}

/** Row-wise weighted means of a row-major `rows × cols` matrix into `out[rows]`. */
export function weightedRows(matrix: usize, rows: i32, cols: i32, weights: usize, out: usize): void {
  for (let r = 0; r < rows; r++) {
    st(out, r, weightedMean(matrix + (<usize>(r * cols) << 3), weights, cols))
  }
}
