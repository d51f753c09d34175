/** @module Consensus and confidence of a set of weighted scores on the 0–100 scale. */
import type { WeightedMean } from "./math.ts"

export interface Spread {
  readonly consensus: number | null
  readonly confidence: number | null
}

const NONE: Spread = Object.freeze({ consensus: null, confidence: null })

/**
 * With n = (s − 50) / 50 and weights re-normalised over the present scores:
 * consensus = exp(−2 · Σ w (n − n̄)²), confidence = |n̄| × consensus. NaN scores are skipped.
 * Both are null when no score is present.
 */
export const spread = (scores: Float64Array, weights: Float64Array, mean: WeightedMean): Spread => {
  const n = scores.length
  const normalised = new Float64Array(n)
  for (let i = 0; i < n; i++) normalised[i] = (scores[i] - 50) / 50
  const centre = mean(normalised, weights)
  if (Number.isNaN(centre)) return { consensus: null, confidence: null }
  const squared = new Float64Array(n)
  for (let i = 0; i < n; i++) squared[i] = (normalised[i] - centre) ** 2 // NaN stays NaN and is skipped
  const variance = mean(squared, weights)
  const consensus = Math.exp(-2 * variance)
  return { consensus, confidence: Math.abs(centre) * consensus }
}

/**
 * `spread` over the first `n` entries without allocating: the same operations in the same order
 * as `spread(…, weightedMeanTs)` (and the WASM kernel), so the results are identical bit for bit.
 * For the fold's six components and the roll-up's few timeframes, where a kernel call costs more
 * than the arithmetic.
 */
export const spreadInline = (scores: ArrayLike<number>, weights: ArrayLike<number>, n: number): Spread => {
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    const v = (scores[i] - 50) / 50
    if (v !== v) continue
    num += v * weights[i]
    den += weights[i]
  }
  const centre = num / den
  if (Number.isNaN(centre)) return NONE
  num = 0
  den = 0
  for (let i = 0; i < n; i++) {
    const v = ((scores[i] - 50) / 50 - centre) ** 2
    if (v !== v) continue
    num += v * weights[i]
    den += weights[i]
  }
  const consensus = Math.exp(-2 * (num / den))
  return { consensus, confidence: Math.abs(centre) * consensus }
}
