/**
 * @module Helpers shared by the reference kernels: validation through the catalogue, NaN-filled
 * outputs, and TA-Lib's zero tests (`TA_IS_ZERO`, `TA_IS_ZERO_OR_NEG`), which use a 1e-14 band.
 */
import { checkInputs, resolveParams, specOf } from "../../../core/ta/catalog.ts"

export interface Prepared {
  /** Resolved parameters (defaults filled in, range-checked). */
  readonly p: Record<string, number>
  /** Common input length. */
  readonly n: number
  /** Index of the first output value. */
  readonly lookback: number
}

/** Validates options and inputs for catalogue function `name`; throws `RangeError` on bad input. */
export const prepare = (name: string, inputs: ReadonlyArray<Float64Array>, options: object | undefined): Prepared => {
  const spec = specOf(name)
  const p = resolveParams(spec, options as Record<string, number | undefined> | undefined)
  const n = checkInputs(spec, inputs)
  return { p, n, lookback: spec.lookback(p) }
}

export const nanArray = (n: number): Float64Array => new Float64Array(n).fill(NaN)

/** TA-Lib `TA_IS_ZERO`: |v| < 1e-14. */
export const isZero = (v: number): boolean => -1e-14 < v && v < 1e-14

/** TA-Lib `TA_IS_ZERO_OR_NEG`: v < 1e-14. */
export const isZeroOrNeg = (v: number): boolean => v < 1e-14

/** TA-Lib `PER_TO_K`: the EMA smoothing factor 2/(N+1). */
export const perToK = (period: number): number => 2 / (period + 1)
