/**
 * @module Oscillators (TS reference): RSI, MACD, STOCH, STOCHRSI, CCI, WILLR
 * (ROC, MOM and ULTOSC are in `momentum.ts`).
 * Each follows TA-Lib's operation order (see the semantic notes in test/fixtures/talib/README.md).
 */
import type {
  MacdOptions,
  MacdResult,
  PeriodOptions,
  StochOptions,
  StochResult,
  StochRsiOptions,
} from "../../../core/ta/catalog.ts"
import { emaInto, smaInto } from "./averages.ts"
import { isZero, nanArray, perToK, prepare } from "./util.ts"

/** Wilder RSI written to `out[period .. n)`; the seed is the simple mean of the first N changes. */
export const rsiInto = (close: Float64Array, period: number, out: Float64Array): void => {
  const n = close.length
  if (n <= period) return
  let prevValue = close[0]!
  let gain = 0
  let loss = 0
  let today = 1
  for (let i = period; i > 0; i--) {
    const v = close[today++]!
    const d = v - prevValue
    prevValue = v
    if (d < 0) loss -= d
    else gain += d
  }
  loss /= period
  gain /= period
  let sum = gain + loss
  out[period] = isZero(sum) ? 0 : 100 * (gain / sum)
  while (today < n) {
    const v = close[today]!
    const d = v - prevValue
    prevValue = v
    loss *= period - 1
    gain *= period - 1
    if (d < 0) loss -= d
    else gain += d
    loss /= period
    gain /= period
    sum = gain + loss
    out[today++] = isZero(sum) ? 0 : 100 * (gain / sum)
  }
}

/** Relative strength index (Wilder); 0 on a fully flat window. TA-Lib RSI; default period 14. */
export const rsi = (close: Float64Array, options?: PeriodOptions): Float64Array => {
  const { p, n } = prepare("rsi", [close], options)
  const out = nanArray(n)
  rsiInto(close, p.period!, out)
  return out
}

/** MACD line, EMA signal and histogram; both EMAs start at slow−1 (fast seeded on the closes ending there). */
export const macd = (close: Float64Array, options?: MacdOptions): MacdResult => {
  const { p, n, lookback } = prepare("macd", [close], options)
  const line = nanArray(n)
  const signal = nanArray(n)
  const hist = nanArray(n)
  if (n <= lookback) return { macd: line, signal, hist }
  // TA-Lib swaps the periods when slow < fast.
  const fast = Math.min(p.fastPeriod!, p.slowPeriod!)
  const slow = Math.max(p.fastPeriod!, p.slowPeriod!)
  const slowEma = nanArray(n)
  emaInto(close, 0, n, slow, perToK(slow), slowEma)
  emaInto(close, slow - fast, n, fast, perToK(fast), line)
  for (let i = slow - 1; i < n; i++) line[i] = line[i]! - slowEma[i]!
  emaInto(line, slow - 1, n, p.signalPeriod!, perToK(p.signalPeriod!), signal)
  // The MACD line exists from slow−1 but TA-Lib outputs it only where the signal exists.
  line.fill(NaN, 0, lookback)
  for (let i = lookback; i < n; i++) hist[i] = line[i]! - signal[i]!
  return { macd: line, signal, hist }
}

/**
 * Walks the `period`-bar windows ending at `first+period-1 .. n` and calls `emit(today, HH, LL)`.
 * TA-Lib's scan: keep the extreme's index, rescan only when it leaves the window.
 */
export const scanExtremes = (
  high: Float64Array,
  low: Float64Array,
  first: number,
  period: number,
  emit: (today: number, highest: number, lowest: number) => void,
): void => {
  const n = high.length
  let trailing = first
  let lowestIdx = -1
  let highestIdx = -1
  let lowest = 0
  let highest = 0
  for (let today = first + period - 1; today < n; today++, trailing++) {
    let tmp = low[today]!
    if (lowestIdx < trailing) {
      lowestIdx = trailing
      lowest = low[lowestIdx]!
      for (let i = lowestIdx + 1; i <= today; i++) {
        tmp = low[i]!
        if (tmp < lowest) {
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
        if (tmp > highest) {
          highestIdx = i
          highest = tmp
        }
      }
    } else if (tmp >= highest) {
      highestIdx = today
      highest = tmp
    }
    emit(today, highest, lowest)
  }
}

/** Raw %K for windows from `first`: `(C − LL)/((HH − LL)/100)`, 0 when HH == LL (TA-Lib's form). */
export const rawStochInto = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  first: number,
  period: number,
  out: Float64Array,
): void =>
  scanExtremes(high, low, first, period, (today, hh, ll) => {
    const diff = (hh - ll) / 100
    out[today] = diff !== 0 ? (close[today]! - ll) / diff : 0
  })

/** Slow stochastic: k = SMA(slowK) of raw %K, d = SMA(slowD) of k. TA-Lib STOCH (SMA); default 5, 3, 3. */
export const stoch = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: StochOptions,
): StochResult => {
  const { p, n, lookback } = prepare("stoch", [high, low, close], options)
  const k = nanArray(n)
  const d = nanArray(n)
  if (n <= lookback) return { k, d }
  const raw = nanArray(n)
  const kStart = p.fastKPeriod! - 1
  rawStochInto(high, low, close, 0, p.fastKPeriod!, raw)
  smaInto(raw, kStart, n, p.slowKPeriod!, k)
  smaInto(k, kStart + p.slowKPeriod! - 1, n, p.slowDPeriod!, d)
  k.fill(NaN, 0, lookback)
  return { k, d }
}

/** Stochastic RSI: fast %K of RSI values, d = SMA of k; 0..100. TA-Lib STOCHRSI (SMA); default 14, 5, 3. */
export const stochRsi = (close: Float64Array, options?: StochRsiOptions): StochResult => {
  const { p, n, lookback } = prepare("stochRsi", [close], options)
  const k = nanArray(n)
  const d = nanArray(n)
  if (n <= lookback) return { k, d }
  const r = nanArray(n)
  rsiInto(close, p.period!, r)
  rawStochInto(r, r, r, p.period!, p.fastKPeriod!, k)
  smaInto(k, p.period! + p.fastKPeriod! - 1, n, p.fastDPeriod!, d)
  k.fill(NaN, 0, lookback)
  return { k, d }
}

/** Commodity channel index over typical price. TA-Lib CCI; default period 14. */
export const cci = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: PeriodOptions,
): Float64Array => {
  const { p, n, lookback } = prepare("cci", [high, low, close], options)
  const out = nanArray(n)
  if (n <= lookback) return out
  const period = p.period!
  // TA-Lib sums its circular buffer slot by slot (not oldest→newest); we keep that order to stay bit-exact.
  const buf = new Float64Array(period)
  let idx = 0
  for (let i = 0; i < n; i++) {
    const tp = (high[i]! + low[i]! + close[i]!) / 3
    buf[idx] = tp
    if (i >= lookback) {
      let avg = 0
      for (let j = 0; j < period; j++) avg += buf[j]!
      avg /= period
      let md = 0
      for (let j = 0; j < period; j++) md += Math.abs(buf[j]! - avg)
      const dev = tp - avg
      out[i] = dev !== 0 && md !== 0 ? dev / (0.015 * (md / period)) : 0
    }
    idx = idx + 1 === period ? 0 : idx + 1
  }
  return out
}

/** Williams %R, −100..0; 0 when HH == LL. TA-Lib WILLR; default period 14. */
export const willr = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: PeriodOptions,
): Float64Array => {
  const { p, n, lookback } = prepare("willr", [high, low, close], options)
  const out = nanArray(n)
  if (n <= lookback) return out
  scanExtremes(high, low, 0, p.period!, (today, hh, ll) => {
    const diff = (hh - ll) / -100
    out[today] = diff !== 0 ? (hh - close[today]!) / diff : 0
  })
  return out
}
