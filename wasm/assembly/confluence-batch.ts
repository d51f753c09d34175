// One confluence fold per call: every component's weighted mean over its plugins' scores, then
// the final score and the spread's centre and variance over the components — the whole numeric
// part of core/analysis/confluence/fold.ts in one pass over the outcomes, with no NaN-padded
// matrix. Sums run in outcome order (per component) and component order, with the same
// operations as weightedMean, so the results match the per-aggregation path bit for bit.
import { ld, st } from "./memory"

/**
 * Inputs (f64 columns of `n`): `values` (NaN = no score), `weights`, `groups` (component index
 * 0…ng−1 as an f64; anything else is ignored); `componentWeights` (ng; ≤ 0 disables).
 * Output `out` (2·ng + 3): [0, ng) component means (NaN without a score), [ng, 2·ng) scratch,
 * then final = Σ w·m / Σ w over enabled components with a mean, centre = the same mean of
 * (m − 50) / 50, variance = the same mean of ((m − 50) / 50 − centre)².
 */
export function foldScores(
  values: usize, weights: usize, groups: usize, n: i32, componentWeights: usize, ng: i32, out: usize,
): void {
  for (let g = 0; g < ng; g++) {
    st(out, g, 0.0)
    st(out, ng + g, 0.0)
  }
  for (let i = 0; i < n; i++) {
    const v = ld(values, i)
    if (v != v) continue
    const gf = ld(groups, i)
    if (!(gf >= 0.0 && gf < <f64>ng)) continue
    const g = <i32>gf
    const w = ld(weights, i)
    st(out, g, ld(out, g) + v * w)
    st(out, ng + g, ld(out, ng + g) + w)
  }
  for (let g = 0; g < ng; g++) st(out, g, ld(out, g) / ld(out, ng + g))

  let num = 0.0
  let den = 0.0
  let cNum = 0.0
  for (let g = 0; g < ng; g++) {
    const w = ld(componentWeights, g)
    const m = ld(out, g)
    if (!(w > 0.0) || m != m) continue
    num += m * w
    den += w
    cNum += ((m - 50.0) / 50.0) * w
  }
  const centre = cNum / den
  let vNum = 0.0
  for (let g = 0; g < ng; g++) {
    const w = ld(componentWeights, g)
    const m = ld(out, g)
    if (!(w > 0.0) || m != m) continue
    const d = (m - 50.0) / 50.0 - centre
    vNum += d * d * w
  }
  st(out, 2 * ng, num / den)
  st(out, 2 * ng + 1, centre)
  st(out, 2 * ng + 2, vNum / den)
}
