/**
 * @module Volume (TS reference): MFI, OBV, AD, ADOSC, VWAP.
 */
import type { AdoscOptions, PeriodOptions } from "../../../core/ta/catalog.ts"
import { nanArray, perToK, prepare } from "./util.ts"

/**
 * Money flow index. Flow = TP·volume, positive when TP rises, negative when it falls, neither when
 * equal; 0 if pos+neg < 1 (TA-Lib's absolute threshold). TA-Lib MFI; default period 14.
 */
export const mfi = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  options?: PeriodOptions,
): Float64Array => {
  const { p, n, lookback } = prepare("mfi", [high, low, close, volume], options)
  const out = nanArray(n)
  if (n <= lookback) return out
  const period = p.period!
  const pos = new Float64Array(period)
  const neg = new Float64Array(period)
  let slot = 0
  let posSum = 0
  let negSum = 0
  let prevTp = (high[0]! + low[0]! + close[0]!) / 3
  for (let today = 1; today < n; today++) {
    if (today > period) {
      posSum -= pos[slot]!
      negSum -= neg[slot]!
    }
    const tp = (high[today]! + low[today]! + close[today]!) / 3
    const change = tp - prevTp
    prevTp = tp
    const flow = tp * volume[today]!
    pos[slot] = change > 0 ? flow : 0
    neg[slot] = change < 0 ? flow : 0
    if (change > 0) posSum += flow
    else if (change < 0) negSum += flow
    if (today >= period) {
      const total = posSum + negSum
      out[today] = total < 1 ? 0 : 100 * (posSum / total)
    }
    slot = slot + 1 === period ? 0 : slot + 1
  }
  return out
}

/** On-balance volume, starting at volume[0]. TA-Lib OBV. */
export const obv = (close: Float64Array, volume: Float64Array): Float64Array => {
  const { n } = prepare("obv", [close, volume], undefined)
  const out = nanArray(n)
  if (n === 0) return out
  let acc = volume[0]!
  let prev = close[0]!
  for (let i = 0; i < n; i++) {
    const c = close[i]!
    if (c > prev) acc += volume[i]!
    else if (c < prev) acc -= volume[i]!
    out[i] = acc
    prev = c
  }
  return out
}

/** AD increment of bar i: CLV·volume, 0 when high == low. */
const adStep = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  i: number,
): number => {
  const h = high[i]!
  const l = low[i]!
  const range = h - l
  const c = close[i]!
  return range > 0 ? ((c - l - (h - c)) / range) * volume[i]! : 0
}

/** Chaikin accumulation/distribution line, cumulative from bar 0. TA-Lib AD. */
export const ad = (high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array): Float64Array => {
  const { n } = prepare("ad", [high, low, close, volume], undefined)
  const out = nanArray(n)
  let acc = 0
  for (let i = 0; i < n; i++) {
    // TA-Lib skips the addition entirely for a zero-range bar (keeps -0/+0 behaviour identical).
    const h = high[i]!
    const l = low[i]!
    if (h - l > 0) acc += adStep(high, low, close, volume, i)
    out[i] = acc
  }
  return out
}

/** Chaikin A/D oscillator: EMA(fast) − EMA(slow) of AD, both seeded with AD[0]. TA-Lib ADOSC; default 3, 10. */
export const adosc = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  options?: AdoscOptions,
): Float64Array => {
  const { p, n, lookback } = prepare("adosc", [high, low, close, volume], options)
  const out = nanArray(n)
  if (n <= lookback) return out
  const fastK = perToK(p.fastPeriod!)
  const slowK = perToK(p.slowPeriod!)
  const oneMinusFastK = 1 - fastK
  const oneMinusSlowK = 1 - slowK
  let acc = 0
  if (high[0]! - low[0]! > 0) acc += adStep(high, low, close, volume, 0)
  let fast = acc
  let slow = acc
  for (let i = 1; i < n; i++) {
    if (high[i]! - low[i]! > 0) acc += adStep(high, low, close, volume, i)
    fast = fastK * acc + oneMinusFastK * fast
    slow = slowK * acc + oneMinusSlowK * slow
    if (i >= lookback) out[i] = fast - slow
  }
  return out
}

/**
 * Volume-weighted average price of the typical price (H+L+C)/3. Not a TA-Lib function.
 * `period` 0 (default): cumulative from the first candle (anchor the input slice where the session
 * starts). `period` N: rolling window of the last N candles, first value at N−1. A window whose
 * volume is all zero has no VWAP: NaN there.
 */
export const vwap = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  options?: PeriodOptions,
): Float64Array => {
  const { p, n, lookback } = prepare("vwap", [high, low, close, volume], options)
  const out = nanArray(n)
  const period = p.period!
  let pv = 0
  let vol = 0
  // Count of non-zero-volume candles in the window: a rolling sum's residue must not fake a volume.
  let live = 0
  for (let i = 0; i < n; i++) {
    const v = volume[i]!
    pv += ((high[i]! + low[i]! + close[i]!) / 3) * v
    vol += v
    if (v !== 0) live++
    if (period > 0 && i >= period) {
      const j = i - period
      const vj = volume[j]!
      pv -= ((high[j]! + low[j]! + close[j]!) / 3) * vj
      vol -= vj
      if (vj !== 0) live--
    }
    if (i >= lookback && live > 0) out[i] = pv / vol
  }
  return out
}
