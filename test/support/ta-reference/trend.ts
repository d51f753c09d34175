/**
 * @module Trend (TS reference): ADX, PLUS_DI, MINUS_DI, AROON, SAR.
 * Directional movement is smoothed TA-Lib's way: plain sums over bars 1..N−1 as the seed, then
 * `S = S − S/N + x`; DI values are not rounded.
 */
import type { AroonResult, PeriodOptions, SarOptions } from "../../../core/ta/catalog.ts"
import { trueRange } from "./volatility.ts"
import { isZero, nanArray, prepare } from "./util.ts"

/**
 * Walks bars 1..n−1 keeping the Wilder-smoothed +DM, −DM and TR; calls `emit(i, +DI, −DI, trZero)`
 * for every bar from `period` on.
 */
const walkDirectional = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  emit: (i: number, plusDi: number, minusDi: number, trZero: boolean) => void,
): void => {
  const n = close.length
  let plusDm = 0
  let minusDm = 0
  let tr = 0
  // +DM = up move if it is positive and larger than the down move; −DM symmetrically.
  for (let i = 1; i < period && i < n; i++) {
    const up = high[i]! - high[i - 1]!
    const down = low[i - 1]! - low[i]!
    if (down > 0 && up < down) minusDm += down
    else if (up > 0 && up > down) plusDm += up
    tr += trueRange(high, low, close, i)
  }
  for (let i = period; i < n; i++) {
    const up = high[i]! - high[i - 1]!
    const down = low[i - 1]! - low[i]!
    plusDm = plusDm - plusDm / period + (up > 0 && up > down ? up : 0)
    minusDm = minusDm - minusDm / period + (down > 0 && up < down ? down : 0)
    tr = tr - tr / period + trueRange(high, low, close, i)
    const trZero = isZero(tr)
    emit(i, trZero ? 0 : 100 * (plusDm / tr), trZero ? 0 : 100 * (minusDm / tr), trZero)
  }
}

/** Plus directional indicator. TA-Lib PLUS_DI; default period 14; first value at N. */
export const plusDi = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: PeriodOptions,
): Float64Array => {
  const { p, n } = prepare("plusDi", [high, low, close], options)
  const out = nanArray(n)
  walkDirectional(high, low, close, p.period!, (i, plus) => {
    out[i] = plus
  })
  return out
}

/** Minus directional indicator. TA-Lib MINUS_DI; default period 14; first value at N. */
export const minusDi = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: PeriodOptions,
): Float64Array => {
  const { p, n } = prepare("minusDi", [high, low, close], options)
  const out = nanArray(n)
  walkDirectional(high, low, close, p.period!, (i, _plus, minus) => {
    out[i] = minus
  })
  return out
}

/**
 * Average directional index. The first ADX (index 2N−1) is the mean of the N DX values at
 * N..2N−1; then Wilder. An undefined DX adds 0 to the seed and leaves ADX unchanged later.
 * TA-Lib ADX; default period 14.
 */
export const adx = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: PeriodOptions,
): Float64Array => {
  const { p, n, lookback } = prepare("adx", [high, low, close], options)
  const out = nanArray(n)
  if (n <= lookback) return out
  const period = p.period!
  let sumDx = 0
  let prevAdx = 0
  walkDirectional(high, low, close, period, (i, plus, minus, trZero) => {
    let dx = NaN
    if (!trZero) {
      const sum = minus + plus
      if (!isZero(sum)) dx = 100 * (Math.abs(minus - plus) / sum)
    }
    if (i < lookback) {
      if (!Number.isNaN(dx)) sumDx += dx
      return
    }
    if (i === lookback) {
      if (!Number.isNaN(dx)) sumDx += dx
      prevAdx = sumDx / period
    } else if (!Number.isNaN(dx)) {
      prevAdx = (prevAdx * (period - 1) + dx) / period
    }
    out[i] = prevAdx
  })
  return out
}

/** Aroon over period+1 bars; ties go to the most recent extreme. TA-Lib AROON; default period 14. */
export const aroon = (high: Float64Array, low: Float64Array, options?: PeriodOptions): AroonResult => {
  const { p, n, lookback } = prepare("aroon", [high, low], options)
  const down = nanArray(n)
  const up = nanArray(n)
  const period = p.period!
  const factor = 100 / period
  let lowestIdx = -1
  let highestIdx = -1
  let lowest = 0
  let highest = 0
  for (let today = lookback, trailing = 0; today < n; today++, trailing++) {
    let tmp = low[today]!
    if (lowestIdx < trailing) {
      lowestIdx = trailing
      lowest = low[lowestIdx]!
      for (let i = lowestIdx + 1; i <= today; i++) {
        tmp = low[i]!
        if (tmp <= lowest) {
          lowestIdx = i
          lowest = tmp
        }
      }
    } else if (tmp <= lowest) {
      lowestIdx = today
      lowest = tmp
    }
    tmp = high[today]!
    if (highestIdx < trailing) {
      highestIdx = trailing
      highest = high[highestIdx]!
      for (let i = highestIdx + 1; i <= today; i++) {
        tmp = high[i]!
        if (tmp >= highest) {
          highestIdx = i
          highest = tmp
        }
      }
    } else if (tmp >= highest) {
      highestIdx = today
      highest = tmp
    }
    up[today] = factor * (period - (today - highestIdx))
    down[today] = factor * (period - (today - lowestIdx))
  }
  return { down, up }
}

/**
 * Parabolic SAR. Starts short if bar 1's −DM > 0, else long; the value at bar i is the SAR in
 * force for bar i. TA-Lib SAR; default acceleration 0.02, maximum 0.2.
 */
export const sar = (high: Float64Array, low: Float64Array, options?: SarOptions): Float64Array => {
  const { p, n, lookback } = prepare("sar", [high, low], options)
  const out = nanArray(n)
  if (n <= lookback) return out
  const maximum = p.maximum!
  const acceleration = Math.min(p.acceleration!, maximum)
  let af = acceleration
  const downMove = low[0]! - low[1]!
  let isLong = !(downMove > 0 && high[1]! - high[0]! < downMove)
  let ep = isLong ? high[1]! : low[1]!
  let s = isLong ? low[0]! : high[0]!
  let newLow = low[1]!
  let newHigh = high[1]!
  for (let today = 1; today < n; today++) {
    const prevLow = newLow
    const prevHigh = newHigh
    newLow = low[today]!
    newHigh = high[today]!
    if (isLong) {
      if (newLow <= s) {
        isLong = false
        s = Math.max(ep, prevHigh, newHigh)
        out[today] = s
        af = acceleration
        ep = newLow
        s = s + af * (ep - s)
        s = Math.max(s, prevHigh, newHigh)
      } else {
        out[today] = s
        if (newHigh > ep) {
          ep = newHigh
          af = Math.min(af + acceleration, maximum)
        }
        s = s + af * (ep - s)
        s = Math.min(s, prevLow, newLow)
      }
    } else if (newHigh >= s) {
      isLong = true
      s = Math.min(ep, prevLow, newLow)
      out[today] = s
      af = acceleration
      ep = newHigh
      s = s + af * (ep - s)
      s = Math.min(s, prevLow, newLow)
    } else {
      out[today] = s
      if (newLow < ep) {
        ep = newLow
        af = Math.min(af + acceleration, maximum)
      }
      s = s + af * (ep - s)
      s = Math.max(s, prevHigh, newHigh)
    }
  }
  return out
}
