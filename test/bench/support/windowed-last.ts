/**
 * @module Last-value forms of the indicators over a trailing window of candles [from, to), in
 * TypeScript: the same arithmetic as `core/ta` (TA-Lib seeding and smoothing) run over that
 * window, returning only the final value (no output arrays). This is the "recompute a window
 * in TS every cycle" baseline of `bench:inputs`; the engine computes these incrementally in WASM.
 * Wilder's recurrence `x = (x·(N−1) + v) / N` runs as `x = x·a + v·b`, two bars a step for RSI
 * and ATR, so the baseline is a tuned one.
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
  const a = (period - 1) / period
  const b = 1 / period
  // Two bars a step (x'' = a²·x + a·b·v1 + b·v2): half the loop-carried chain.
  const a2 = a * a
  const ab = a * b
  let i = from + period + 1
  for (; i + 1 < to; i += 2) {
    const d1 = close[i] - close[i - 1]
    const d2 = close[i + 1] - close[i]
    gain = gain * a2 + ((d1 > 0 ? d1 * ab : 0) + (d2 > 0 ? d2 * b : 0))
    loss = loss * a2 + ((d1 < 0 ? -d1 * ab : 0) + (d2 < 0 ? -d2 * b : 0))
  }
  if (i < to) {
    const d = close[i] - close[i - 1]
    gain = gain * a + (d > 0 ? d * b : 0)
    loss = loss * a + (d < 0 ? -d * b : 0)
  }
  const sum = gain + loss
  return isZero(sum) ? 0 : (100 * gain) / sum
}

/** Wilder ATR at the last candle of [from, to) (seed: mean true range of the first `period` bars after `from`). */
export const atrLast = (
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  period: number,
  from = 0,
  to = close.length,
): number => {
  if (to - from <= period) return Number.NaN
  let atr = 0
  for (let i = from + 1; i <= from + period; i++) atr += trueRange(high, low, close, i)
  atr /= period
  const a = (period - 1) / period
  const b = 1 / period
  // Two bars a step (x'' = a²·x + a·b·v1 + b·v2): half the loop-carried chain.
  const a2 = a * a
  const ab = a * b
  let i = from + period + 1
  for (; i + 1 < to; i += 2)
    atr = atr * a2 + (trueRange(high, low, close, i) * ab + trueRange(high, low, close, i + 1) * b)
  if (i < to) atr = atr * a + trueRange(high, low, close, i) * b
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
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  period: number,
  from = 0,
  to = close.length,
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
  // `S − S/N + x` as `S·(1 − 1/N) + x`, and ADX's Wilder step as a multiply-add (see the module note).
  const keep = 1 - 1 / period
  const a = (period - 1) / period
  const b = 1 / period
  for (let k = period; k < n; k++) {
    const i = from + k
    const up = high[i] - high[i - 1]
    const down = low[i - 1] - low[i]
    plusDm = plusDm * keep + (up > 0 && up > down ? up : 0)
    minusDm = minusDm * keep + (down > 0 && up < down ? down : 0)
    tr = tr * keep + trueRange(high, low, close, i)
    // DX from the smoothed movements directly: the 100/TR factor of ±DI cancels, so one division
    // a bar; ±DI themselves are only needed at the end. `isZero(+DI + −DI)` is `100·ΣDM < 1e-14·TR`.
    const dm = plusDm + minusDm
    let dx = Number.NaN
    if (!isZero(tr) && !(100 * Math.abs(dm) < 1e-14 * Math.abs(tr))) dx = (100 * Math.abs(minusDm - plusDm)) / dm
    if (k < adxStart) {
      if (!Number.isNaN(dx)) sumDx += dx
    } else if (k === adxStart) {
      if (!Number.isNaN(dx)) sumDx += dx
      adx = sumDx / period
    } else if (!Number.isNaN(dx)) {
      adx = adx * a + dx * b
    }
  }
  if (n > period) {
    const trZero = isZero(tr)
    plus = trZero ? 0 : (100 * plusDm) / tr
    minus = trZero ? 0 : (100 * minusDm) / tr
  }
  return { adx, plusDi: plus, minusDi: minus }
}

/**
 * CCI at the last candle of [.., to): (tp − mean tp) / (0.015 · mean |tp − mean|) over the last
 * `period` typical prices (h+l+c)/3, summed oldest first (TA-Lib's order for a slice of exactly
 * `period` candles); 0 when the deviation or the mean deviation is 0, NaN with < period candles.
 */
export const cciLast = (
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  period: number,
  to = close.length,
): number => {
  const from = to - period
  if (from < 0 || period < 1) return Number.NaN
  let avg = 0
  for (let i = from; i < to; i++) avg += (high[i] + low[i] + close[i]) / 3
  avg /= period
  let md = 0
  for (let i = from; i < to; i++) md += Math.abs((high[i] + low[i] + close[i]) / 3 - avg)
  const dev = (high[to - 1] + low[to - 1] + close[to - 1]) / 3 - avg
  return dev !== 0 && md !== 0 ? dev / (0.015 * (md / period)) : 0
}

/** One bar's A/D money-flow volume; 0 for a zero-range bar (TA-Lib skips it). */
const adStep = (
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  volume: ArrayLike<number>,
  i: number,
): number => {
  const h = high[i]
  const l = low[i]
  const range = h - l
  const c = close[i]
  return range > 0 ? ((c - l - (h - c)) / range) * volume[i] : 0
}

/**
 * Chaikin A/D oscillator (TA-Lib ADOSC) at the last candle of [from, to): EMA(fast) − EMA(slow)
 * of the A/D line accumulated from `from`, both EMAs seeded with its first value. NaN when the
 * window has fewer than `slow` candles.
 */
export const adoscLast = (
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  volume: ArrayLike<number>,
  fastPeriod: number,
  slowPeriod: number,
  from = 0,
  to = close.length,
): number => {
  if (to - from < Math.max(fastPeriod, slowPeriod)) return Number.NaN
  const fastK = 2 / (fastPeriod + 1)
  const slowK = 2 / (slowPeriod + 1)
  const fastKeep = 1 - fastK
  const slowKeep = 1 - slowK
  let acc = adStep(high, low, close, volume, from)
  let fast = acc
  let slow = acc
  for (let i = from + 1; i < to; i++) {
    acc += adStep(high, low, close, volume, i)
    fast = fastK * acc + fastKeep * fast
    slow = slowK * acc + slowKeep * slow
  }
  return fast - slow
}

/**
 * The A/D line's change over [from, to): AD at the last candle minus AD at the first, the line
 * accumulated from `from` as TA-Lib AD does on that slice (a zero-range bar adds nothing).
 * Chaikin money flow's numerator without the output array; NaN on an empty window.
 */
export const adSpan = (
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  volume: ArrayLike<number>,
  from = 0,
  to = close.length,
): number => {
  if (to <= from) return Number.NaN
  let acc = 0
  if (high[from] - low[from] > 0) acc += adStep(high, low, close, volume, from)
  const first = acc
  for (let i = from + 1; i < to; i++) if (high[i] - low[i] > 0) acc += adStep(high, low, close, volume, i)
  return acc - first
}

/**
 * OBV over [from, to) (TA-Lib OBV on that slice: starts at the first volume) with its newest
 * value and its least-squares slope per candle, the same arithmetic as `slope(ta.obv(...))`.
 * NaN slope with fewer than 2 candles.
 */
export const obvTrend = (
  close: ArrayLike<number>,
  volume: ArrayLike<number>,
  from = 0,
  to = close.length,
): { readonly obv: number; readonly slope: number } => {
  const n = to - from
  if (n < 1) return { obv: Number.NaN, slope: Number.NaN }
  const mid = (n - 1) / 2
  let acc = volume[from]
  let prev = close[from]
  let sxy = 0
  for (let k = 0; k < n; k++) {
    const c = close[from + k]
    if (c > prev) acc += volume[from + k]
    else if (c < prev) acc -= volume[from + k]
    prev = c
    sxy += (k - mid) * acc
  }
  return { obv: acc, slope: n < 2 ? Number.NaN : sxy / ((n * (n * n - 1)) / 12) }
}
