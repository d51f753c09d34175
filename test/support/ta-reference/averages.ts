/**
 * @module Moving averages (TS reference): SMA, EMA, WMA, DEMA, TEMA, KAMA.
 * Operation order follows TA-Lib's C code (running sums, `((x - prev) * k) + prev`), so results
 * are bit-identical to TA-Lib, not merely close.
 */
import type { PeriodOptions } from "../../../core/ta/catalog.ts"
import { isZero, nanArray, perToK, prepare } from "./util.ts"

/**
 * SMA of `src[start..end)` with a running sum, written to `out[start+period-1 .. end)`.
 * Shared by SMA, BBANDS, STOCH and STOCHRSI (TA-Lib's `TA_INT_SMA`).
 */
export const smaInto = (src: Float64Array, start: number, end: number, period: number, out: Float64Array): void => {
  if (end - start < period) return
  let total = 0
  let i = start
  while (i < start + period - 1) total += src[i++]!
  let trailing = start
  while (i < end) {
    total += src[i]!
    out[i++] = total / period
    total -= src[trailing++]!
  }
}

/**
 * EMA of `src[seedStart..end)` seeded with the SMA of its first `period` values, written to
 * `out[seedStart+period-1 .. end)` (TA-Lib's `TA_INT_EMA` in default compatibility mode).
 */
export const emaInto = (
  src: Float64Array,
  seedStart: number,
  end: number,
  period: number,
  k: number,
  out: Float64Array,
): void => {
  if (end - seedStart < period) return
  let total = 0
  let i = seedStart
  const seedEnd = seedStart + period
  while (i < seedEnd) total += src[i++]!
  let prev = total / period
  out[seedEnd - 1] = prev
  while (i < end) {
    prev = (src[i]! - prev) * k + prev
    out[i++] = prev
  }
}

/** Simple moving average. TA-Lib SMA; default period 30. */
export const sma = (close: Float64Array, options?: PeriodOptions): Float64Array => {
  const { p, n } = prepare("sma", [close], options)
  const out = nanArray(n)
  smaInto(close, 0, n, p.period!, out)
  return out
}

/** Exponential moving average, k = 2/(N+1), seeded with the SMA of the first N. TA-Lib EMA; default 30. */
export const ema = (close: Float64Array, options?: PeriodOptions): Float64Array => {
  const { p, n } = prepare("ema", [close], options)
  const out = nanArray(n)
  emaInto(close, 0, n, p.period!, perToK(p.period!), out)
  return out
}

/** Weighted moving average, weights 1..N (newest N). TA-Lib WMA; default period 30. */
export const wma = (close: Float64Array, options?: PeriodOptions): Float64Array => {
  const { p, n, lookback } = prepare("wma", [close], options)
  const out = nanArray(n)
  const period = p.period!
  if (n <= lookback) return out
  const divider = (period * (period + 1)) / 2
  let periodSub = 0
  let periodSum = 0
  let i = 0
  while (i < lookback) {
    const v = close[i]!
    periodSub += v
    periodSum += v * (i + 1)
    i++
  }
  let trailingValue = 0
  let trailing = 0
  while (i < n) {
    const v = close[i]!
    periodSub += v
    periodSub -= trailingValue
    periodSum += v * period
    trailingValue = close[trailing++]!
    out[i++] = periodSum / divider
    periodSum -= periodSub
  }
  return out
}

/** E1 = EMA(close) and E2 = EMA(E1), each seeded with the SMA of its first `period` values (DEMA, TEMA). */
const chainedEmas = (close: Float64Array, n: number, period: number) => {
  const k = perToK(period)
  const e1 = nanArray(n)
  const e2 = nanArray(n)
  emaInto(close, 0, n, period, k, e1)
  emaInto(e1, period - 1, n, period, k, e2)
  return { e1, e2, k }
}

/** Double EMA: 2·E1 − E2 where E2 = EMA(E1). TA-Lib DEMA; default period 30; first value at 2(N−1). */
export const dema = (close: Float64Array, options?: PeriodOptions): Float64Array => {
  const { p, n, lookback } = prepare("dema", [close], options)
  const out = nanArray(n)
  if (n <= lookback) return out
  const { e1, e2 } = chainedEmas(close, n, p.period!)
  for (let i = lookback; i < n; i++) out[i] = 2 * e1[i]! - e2[i]!
  return out
}

/** Triple EMA: 3·E1 − 3·E2 + E3. TA-Lib TEMA; default period 30; first value at 3(N−1). */
export const tema = (close: Float64Array, options?: PeriodOptions): Float64Array => {
  const { p, n, lookback } = prepare("tema", [close], options)
  const out = nanArray(n)
  if (n <= lookback) return out
  const period = p.period!
  const { e1, e2, k } = chainedEmas(close, n, period)
  emaInto(e2, 2 * (period - 1), n, period, k, out)
  // TA-Lib adds to the third EMA in place: E3 + (3·E1 − 3·E2).
  for (let i = lookback; i < n; i++) out[i] = out[i]! + (3 * e1[i]! - 3 * e2[i]!)
  return out
}

/** Kaufman adaptive moving average (fast 2, slow 30). TA-Lib KAMA; default period 30; first value at N. */
export const kama = (close: Float64Array, options?: PeriodOptions): Float64Array => {
  const { p, n, lookback } = prepare("kama", [close], options)
  const out = nanArray(n)
  if (n <= lookback) return out
  const period = p.period!
  const constMax = 2 / (30 + 1)
  const constDiff = 2 / (2 + 1) - constMax
  let sumRoc = 0
  let today = 0
  for (let i = 0; i < period; i++) {
    sumRoc += Math.abs(close[today]! - close[today + 1]!)
    today++
  }
  let prevKama = close[today - 1]!
  let trailing = 0
  let trailingValue = 0
  let first = true
  while (today < n) {
    const v = close[today]!
    const tv = close[trailing++]!
    const periodRoc = v - tv
    if (!first) {
      sumRoc -= Math.abs(trailingValue - tv)
      sumRoc += Math.abs(v - close[today - 1]!)
    }
    first = false
    trailingValue = tv
    let er = sumRoc <= periodRoc || isZero(sumRoc) ? 1 : Math.abs(periodRoc / sumRoc)
    er = er * constDiff + constMax
    er *= er
    prevKama = (v - prevKama) * er + prevKama
    out[today++] = prevKama
  }
  return out
}
