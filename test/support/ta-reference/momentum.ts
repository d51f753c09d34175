/**
 * @module Momentum (TS reference): ROC, MOM, ULTOSC, in TA-Lib's operation order (see the semantic
 * notes in test/fixtures/talib/README.md).
 */
import type { PeriodOptions, UltoscOptions } from "../../../core/ta/catalog.ts"
import { trueRange } from "./volatility.ts"
import { isZero, nanArray, prepare } from "./util.ts"

/** Rate of change: (C/C[i−N] − 1)·100, 0 if C[i−N] == 0. TA-Lib ROC; default period 10. */
export const roc = (close: Float64Array, options?: PeriodOptions): Float64Array => {
  const { p, n } = prepare("roc", [close], options)
  const out = nanArray(n)
  const period = p.period!
  for (let i = period; i < n; i++) {
    const prev = close[i - period]!
    out[i] = prev !== 0 ? (close[i]! / prev - 1) * 100 : 0
  }
  return out
}

/** Momentum: C − C[i−N]. TA-Lib MOM; default period 10. */
export const mom = (close: Float64Array, options?: PeriodOptions): Float64Array => {
  const { p, n } = prepare("mom", [close], options)
  const out = nanArray(n)
  const period = p.period!
  for (let i = period; i < n; i++) out[i] = close[i]! - close[i - period]!
  return out
}

/** Ultimate oscillator, weights 4/2/1 (shortest period weighted most). TA-Lib ULTOSC; default 7, 14, 28. */
export const ultosc = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: UltoscOptions,
): Float64Array => {
  const { p, n, lookback } = prepare("ultosc", [high, low, close], options)
  const out = nanArray(n)
  if (n <= lookback) return out
  const [p1, p2, p3] = [p.period1!, p.period2!, p.period3!].sort((a, b) => a - b) as [number, number, number]
  // Buying pressure C − min(L, prevC) and true range per bar, computed once and reused by all three windows.
  const bp = new Float64Array(n)
  const tr = new Float64Array(n)
  for (let i = 1; i < n; i++) {
    bp[i] = close[i]! - Math.min(low[i]!, close[i - 1]!)
    tr[i] = trueRange(high, low, close, i)
  }
  const prime = (period: number): [number, number] => {
    let a = 0
    let b = 0
    for (let i = lookback - period + 1; i < lookback; i++) {
      a += bp[i]!
      b += tr[i]!
    }
    return [a, b]
  }
  let [a1, b1] = prime(p1)
  let [a2, b2] = prime(p2)
  let [a3, b3] = prime(p3)
  for (let today = lookback; today < n; today++) {
    const a = bp[today]!
    const b = tr[today]!
    a1 += a
    a2 += a
    a3 += a
    b1 += b
    b2 += b
    b3 += b
    let sum = 0
    if (!isZero(b1)) sum += 4 * (a1 / b1)
    if (!isZero(b2)) sum += 2 * (a2 / b2)
    if (!isZero(b3)) sum += a3 / b3
    const t1 = today - p1 + 1
    const t2 = today - p2 + 1
    const t3 = today - p3 + 1
    a1 -= bp[t1]!
    b1 -= tr[t1]!
    a2 -= bp[t2]!
    b2 -= tr[t2]!
    a3 -= bp[t3]!
    b3 -= tr[t3]!
    out[today] = 100 * (sum / 7)
  }
  return out
}
