/**
 * @module Mapping raw indicator readings onto the 0–100 score scale (50 = neutral).
 *
 * Every built-in plugin states its rule in terms of these few maps so rules stay comparable:
 * `squash` for unbounded readings (smooth, never saturates to exactly 0/100), `fromUnit` for
 * readings already in [-1, 1], `linear` for bounded readings with known ends.
 */
import type { IndicatorResult } from "../indicator-result.ts"

export const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x)

/** 50 + 50·tanh(x / scale): 0 → 50, ±scale → ≈88/12, ±2·scale → ≈98/2. */
export const squash = (x: number, scale = 1): number => 50 + 50 * Math.tanh(x / scale)

/** A reading in [-1, 1] mapped linearly: -1 → 0, 0 → 50, 1 → 100 (clamped). */
export const fromUnit = (u: number): number => 50 + 50 * clamp(u, -1, 1)

/** `lo` → 0, `hi` → 100, linear in between, clamped (works for lo > hi too). */
export const linear = (x: number, lo: number, hi: number): number => clamp((x - lo) / (hi - lo), 0, 1) * 100

/** (a − b) / (a + b), 0 when both are 0: the signed share of a two-sided quantity. */
export const balance = (a: number, b: number): number => {
  const total = a + b
  return total > 0 ? (a - b) / total : 0
}

/** A "cannot say" result: the host and the confluence fold skip it; never a made-up 50. */
export const unavailable = (reason: string, values?: Record<string, number>): IndicatorResult =>
  values === undefined ? { score: null, reason } : { score: null, reason, values: finiteValues(values) }

/**
 * A scored result: clamps to [0, 100] and turns a non-finite score into "unavailable" so a
 * numeric accident (0/0 on odd data) never reaches the fold as NaN. Non-finite values are dropped.
 */
export const scored = (score: number, values: Record<string, number>, reason?: string): IndicatorResult => {
  if (!Number.isFinite(score)) return unavailable(`score not computable${reason ? `: ${reason}` : ""}`, values)
  // Literals, not a spread of one into the other: every plugin call ends here.
  const clean = finiteValues(values)
  return reason === undefined
    ? { score: clamp(score, 0, 100), values: clean }
    : { score: clamp(score, 0, 100), values: clean, reason }
}

const finiteValues = (values: Record<string, number>): Record<string, number> => {
  let clean = true
  for (const k in values) if (!Number.isFinite(values[k])) clean = false
  if (clean) return values
  const out: Record<string, number> = {}
  for (const k in values) if (Number.isFinite(values[k])) out[k] = values[k]
  return out
}
