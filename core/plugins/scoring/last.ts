/**
 * @module Last-value forms of Wilder-smoothed indicators over candles [from, to): the same
 * arithmetic as `core/ta` (TA-Lib seeding and smoothing) run over that window, returning only
 * the final value — no output arrays, no validation pass, no copies. Several plugins need ATR
 * and one needs all of ADX/+DI/−DI; computing only the newest value keeps a cycle of 41 plugins
 * × 800 contexts inside its budget. Tests pin each to `core/ta` on the same window.
 *
 * Candidate WASM kernels (or `core/ta` "last" variants): `rsiLast`, `atrLast`, `dmiLast`.
 */

/** TA-Lib's zero band (TA_IS_ZERO). */
const isZero = (v: number): boolean => -1e-14 < v && v < 1e-14

const trueRange = (high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, i: number): number => {
  const prev = close[i - 1]
  const h = high[i]
  const l = low[i]
  let tr = h - l
  const a = Math.abs(prev - h)
  if (a > tr) tr = a
  const b = Math.abs(prev - l)
  return b > tr ? b : tr
}

/** Wilder RSI at the last candle of [from, to); NaN with ≤ period candles; 0 on a flat window (as TA-Lib). */
export const rsiLast = (close: ArrayLike<number>, period: number, from = 0, to = close.length): number => {
  if (to - from <= period) return Number.NaN
  let gain = 0
  let loss = 0
  for (let i = from + 1; i <= from + period; i++) {
    const d = close[i] - close[i - 1]
    if (d < 0) loss -= d
    else gain += d
  }
  gain /= period
  loss /= period
  for (let i = from + period + 1; i < to; i++) {
    const d = close[i] - close[i - 1]
    gain *= period - 1
    loss *= period - 1
    if (d < 0) loss -= d
    else gain += d
    gain /= period
    loss /= period
  }
  const sum = gain + loss
  return isZero(sum) ? 0 : (100 * gain) / sum
}

/** Wilder ATR at the last candle of [from, to) (seed: mean true range of the first `period` bars after `from`). */
export const atrLast = (
  high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, period: number, from = 0, to = close.length,
): number => {
  if (to - from <= period) return Number.NaN
  let atr = 0
  for (let i = from + 1; i <= from + period; i++) atr += trueRange(high, low, close, i)
  atr /= period
  for (let i = from + period + 1; i < to; i++) atr = (atr * (period - 1) + trueRange(high, low, close, i)) / period
  return atr
}

export interface Dmi {
  readonly adx: number
  readonly plusDi: number
  readonly minusDi: number
}

/**
 * ADX, +DI and −DI at the last candle of [from, to), in one pass: directional movement and true
 * range summed over the first period−1 bars, then `S − S/N + x`; ADX seeded with the mean of the
 * first N DX values, then Wilder. NaN fields while the window is too short for them.
 */
export const dmiLast = (
  high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, period: number, from = 0, to = close.length,
): Dmi => {
  const n = to - from
  let plusDm = 0
  let minusDm = 0
  let tr = 0
  for (let k = 1; k < period && k < n; k++) {
    const i = from + k
    const up = high[i] - high[i - 1]
    const down = low[i - 1] - low[i]
    if (down > 0 && up < down) minusDm += down
    else if (up > 0 && up > down) plusDm += up
    tr += trueRange(high, low, close, i)
  }
  const adxStart = 2 * period - 1
  let plus = Number.NaN
  let minus = Number.NaN
  let sumDx = 0
  let adx = Number.NaN
  for (let k = period; k < n; k++) {
    const i = from + k
    const up = high[i] - high[i - 1]
    const down = low[i - 1] - low[i]
    plusDm = plusDm - plusDm / period + (up > 0 && up > down ? up : 0)
    minusDm = minusDm - minusDm / period + (down > 0 && up < down ? down : 0)
    tr = tr - tr / period + trueRange(high, low, close, i)
    const trZero = isZero(tr)
    plus = trZero ? 0 : (100 * plusDm) / tr
    minus = trZero ? 0 : (100 * minusDm) / tr
    let dx = Number.NaN
    if (!trZero && !isZero(plus + minus)) dx = (100 * Math.abs(minus - plus)) / (plus + minus)
    if (k < adxStart) {
      if (!Number.isNaN(dx)) sumDx += dx
    } else if (k === adxStart) {
      if (!Number.isNaN(dx)) sumDx += dx
      adx = sumDx / period
    } else if (!Number.isNaN(dx)) {
      adx = (adx * (period - 1) + dx) / period
    }
  }
  return { adx, plusDi: plus, minusDi: minus }
}
