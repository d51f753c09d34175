/**
 * @module Volatility (TS reference): BBANDS, STDDEV, TRANGE, ATR, NATR.
 * Deviation uses TA-Lib's running sums `E[x²] − mean²` (population), 0 when that is < 1e-14.
 */
import type { BbandsOptions, BbandsResult, PeriodOptions, StddevOptions } from "../../../core/ta/catalog.ts"
import { smaInto } from "./averages.ts"
import { isZero, isZeroOrNeg, nanArray, prepare } from "./util.ts"

/**
 * Population standard deviation of each window, given the window means in `mean` (TA-Lib's
 * `TA_INT_stddev_using_precalc_ma`), written to `out[period-1 .. n)`.
 */
const stddevFromMean = (src: Float64Array, mean: Float64Array, period: number, out: Float64Array): void => {
  const n = src.length
  let total2 = 0
  for (let i = 0; i < period - 1; i++) total2 += src[i]! * src[i]!
  let trailing = 0
  for (let i = period - 1; i < n; i++) {
    total2 += src[i]! * src[i]!
    let meanSq = total2 / period
    const t = src[trailing++]!
    total2 -= t * t
    const m = mean[i]!
    meanSq -= m * m
    out[i] = isZeroOrNeg(meanSq) ? 0 : Math.sqrt(meanSq)
  }
}

/** Bollinger bands: SMA middle ± nbDev · population std-dev. TA-Lib BBANDS (MA type SMA); default 5, 2, 2. */
export const bbands = (close: Float64Array, options?: BbandsOptions): BbandsResult => {
  const { p, n, lookback } = prepare("bbands", [close], options)
  const upper = nanArray(n)
  const middle = nanArray(n)
  const lower = nanArray(n)
  if (n <= lookback) return { upper, middle, lower }
  const period = p.period!
  smaInto(close, 0, n, period, middle)
  const sd = nanArray(n)
  stddevFromMean(close, middle, period, sd)
  const up = p.nbDevUp!
  const dn = p.nbDevDn!
  for (let i = lookback; i < n; i++) {
    upper[i] = middle[i]! + sd[i]! * up
    lower[i] = middle[i]! - sd[i]! * dn
  }
  return { upper, middle, lower }
}

/** Rolling population standard deviation × nbDev. TA-Lib STDDEV; default period 5, nbDev 1. */
export const stddev = (close: Float64Array, options?: StddevOptions): Float64Array => {
  const { p, n, lookback } = prepare("stddev", [close], options)
  const out = nanArray(n)
  if (n <= lookback) return out
  const period = p.period!
  const nbDev = p.nbDev!
  let total1 = 0
  let total2 = 0
  for (let i = 0; i < period - 1; i++) {
    total1 += close[i]!
    total2 += close[i]! * close[i]!
  }
  let trailing = 0
  for (let i = period - 1; i < n; i++) {
    const v = close[i]!
    total1 += v
    total2 += v * v
    const mean1 = total1 / period
    const mean2 = total2 / period
    const t = close[trailing++]!
    total1 -= t
    total2 -= t * t
    const variance = mean2 - mean1 * mean1
    out[i] = isZeroOrNeg(variance) ? 0 : nbDev === 1 ? Math.sqrt(variance) : Math.sqrt(variance) * nbDev
  }
  return out
}

/** TA-Lib's true range of bar `i` (needs the previous close). */
export const trueRange = (high: Float64Array, low: Float64Array, close: Float64Array, i: number): number => {
  const h = high[i]!
  const l = low[i]!
  const yc = close[i - 1]!
  let greatest = h - l
  const v2 = Math.abs(yc - h)
  if (v2 > greatest) greatest = v2
  const v3 = Math.abs(yc - l)
  if (v3 > greatest) greatest = v3
  return greatest
}

/** True range; none at bar 0. TA-Lib TRANGE. */
export const trange = (high: Float64Array, low: Float64Array, close: Float64Array): Float64Array => {
  const { n } = prepare("trange", [high, low, close], undefined)
  const out = nanArray(n)
  for (let i = 1; i < n; i++) out[i] = trueRange(high, low, close, i)
  return out
}

/** Wilder ATR values at `lookback..n` (seed = mean of TR[1..N]); `map` turns ATR into the output. */
const atrInto = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  out: Float64Array,
  map: (atr: number, i: number) => number,
): void => {
  const n = close.length
  if (n <= period) return
  let total = 0
  for (let i = 1; i <= period; i++) total += trueRange(high, low, close, i)
  let prev = total / period
  out[period] = map(prev, period)
  for (let i = period + 1; i < n; i++) {
    prev *= period - 1
    prev += trueRange(high, low, close, i)
    prev /= period
    out[i] = map(prev, i)
  }
}

/** Average true range (Wilder). TA-Lib ATR; default period 14; first value at N. */
export const atr = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: PeriodOptions,
): Float64Array => {
  const { p, n } = prepare("atr", [high, low, close], options)
  const out = nanArray(n)
  atrInto(high, low, close, p.period!, out, (a) => a)
  return out
}

/** Normalized ATR: 100·ATR/close (0 where close is ~0). TA-Lib NATR; default period 14. */
export const natr = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: PeriodOptions,
): Float64Array => {
  const { p, n } = prepare("natr", [high, low, close], options)
  const out = nanArray(n)
  atrInto(high, low, close, p.period!, out, (a, i) => (isZero(close[i]!) ? 0 : (a / close[i]!) * 100))
  return out
}
