/** @module Consensus and confidence of a set of weighted scores on the 0–100 scale. */
import type { WeightedMean } from "./math.ts"

/**
 * With n = (s − 50) / 50 and weights re-normalised over the present scores:
 * consensus = exp(−2 · Σ w (n − n̄)²), confidence = |n̄| × consensus. NaN scores are skipped.
 * Both are null when no score is present.
 */
export const spread = (
  scores: Float64Array, weights: Float64Array, mean: WeightedMean,
): { readonly consensus: number | null; readonly confidence: number | null } => {
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
