/**
 * @module Small pure kernels over one window of a series (index ranges, no allocation).
 *
 * Plugins score the latest window only, so these work on `[from, to)` of a column instead of
 * producing full output series.
 */
import type { CandleColumns } from "../../market-schema/index.ts"
import type { IndicatorResult } from "../indicator-result.ts"
import { unavailable } from "./map.ts"

/** The last `n` candles as zero-copy views (all columns when there are fewer). */
export const tail = (c: CandleColumns, n: number): CandleColumns => {
  const len = c.close.length
  if (n >= len) return c
  const from = len - n
  return {
    time: c.time.subarray(from),
    open: c.open.subarray(from),
    high: c.high.subarray(from),
    low: c.low.subarray(from),
    close: c.close.subarray(from),
    volume: c.volume.subarray(from),
  }
}

export const last = (a: ArrayLike<number>): number => (a.length === 0 ? Number.NaN : a[a.length - 1])

/** The value `back` positions before the last one (0 = last). */
export const back = (a: ArrayLike<number>, k: number): number => {
  const i = a.length - 1 - k
  return i >= 0 ? a[i] : Number.NaN
}

export const sum = (a: ArrayLike<number>, from = 0, to = a.length): number => {
  let s = 0
  for (let i = from; i < to; i++) s += a[i]
  return s
}

export const mean = (a: ArrayLike<number>, from = 0, to = a.length): number =>
  to > from ? sum(a, from, to) / (to - from) : Number.NaN

export const highest = (a: ArrayLike<number>, from = 0, to = a.length): number => {
  let m = Number.NEGATIVE_INFINITY
  for (let i = from; i < to; i++) if (a[i] > m) m = a[i]
  return m
}

export const lowest = (a: ArrayLike<number>, from = 0, to = a.length): number => {
  let m = Number.POSITIVE_INFINITY
  for (let i = from; i < to; i++) if (a[i] < m) m = a[i]
  return m
}

/** Least-squares slope of a[i] against i over [from, to), per step; NaN with < 2 points. */
export const slope = (a: ArrayLike<number>, from = 0, to = a.length): number => {
  const n = to - from
  if (n < 2) return Number.NaN
  // Centred x keeps the sums small: Σx = 0, Σx² = n(n²−1)/12.
  const mid = (n - 1) / 2
  let sxy = 0
  for (let i = 0; i < n; i++) sxy += (i - mid) * a[from + i]
  return sxy / ((n * (n * n - 1)) / 12)
}

/** Standard deviation of 1-step log returns over the last `n` steps of `close`. */
export const realizedVol = (close: ArrayLike<number>, n: number): number => {
  const len = close.length
  const from = Math.max(1, len - n)
  const m = len - from
  if (m < 2) return Number.NaN
  let s = 0
  let s2 = 0
  for (let i = from; i < len; i++) {
    const r = Math.log(close[i] / close[i - 1])
    s += r
    s2 += r * r
  }
  const mu = s / m
  return Math.sqrt(Math.max(0, s2 / m - mu * mu))
}

/** Root mean square of the positive and of the negative 1-step log returns over the last `n` steps. */
export const semiDeviation = (close: ArrayLike<number>, n: number): { readonly up: number; readonly down: number } => {
  const len = close.length
  const from = Math.max(1, len - n)
  const m = len - from
  let up = 0
  let down = 0
  for (let i = from; i < len; i++) {
    const r = Math.log(close[i] / close[i - 1])
    if (r > 0) up += r * r
    else down += r * r
  }
  return m > 0 ? { up: Math.sqrt(up / m), down: Math.sqrt(down / m) } : { up: Number.NaN, down: Number.NaN }
}

export interface ReturnStats {
  /** `realizedVol(close, short)` and `realizedVol(close, long)`. */
  readonly volShort: number
  readonly volLong: number
  /** `semiDeviation(close, short)`. */
  readonly up: number
  readonly down: number
}

/**
 * `realizedVol` over the last `short` and the last `long` steps and `semiDeviation` over the
 * last `short`, from one pass that takes each log return once (each sum accumulates in the same
 * order as the separate functions, so the values are the same to the bit). The last few
 * results are kept with the closes they came from: a plugin reading the same closes right after
 * another (sentiment-volatility after sentiment-risk, on the candles both just read) gets the
 * kept result once its closes compare equal, instead of a log per candle again.
 */
export const returnStats = (close: ArrayLike<number>, short: number, long: number): ReturnStats => {
  const len = close.length
  const first = Math.max(0, Math.min(len - short, len - long) - 1)
  for (let k = 0; k < RECENT; k++) {
    const r = recent[k]!
    if (r.close === close && r.short === short && r.long === long && r.len === len && sameCloses(r, close, first))
      return { ...r.stats }
  }
  const stats = computeReturnStats(close, short, long)
  const r = recent[next]!
  next = (next + 1) % RECENT
  if (r.closes.length < len - first) r.closes = new Float64Array(len - first)
  for (let i = first; i < len; i++) r.closes[i - first] = close[i]
  r.close = close
  r.short = short
  r.long = long
  r.len = len
  r.stats = { ...stats }
  return stats
}

/** Results kept (a small ring, read back while still in cache) and the closes they were taken from. */
const RECENT = 8
const recent = Array.from({ length: RECENT }, () => ({
  close: undefined as ArrayLike<number> | undefined,
  short: 0,
  long: 0,
  len: 0,
  closes: new Float64Array(0),
  stats: { volShort: Number.NaN, volLong: Number.NaN, up: Number.NaN, down: Number.NaN } as ReturnStats,
}))
let next = 0

/** The kept closes equal `close` [first, len) (the only closes the statistics read). */
const sameCloses = (r: (typeof recent)[number], close: ArrayLike<number>, first: number): boolean => {
  const kept = r.closes
  for (let i = first; i < r.len; i++) {
    const a = kept[i - first]
    const b = close[i]
    // Equal numbers, and a zero of the same sign (a close of −0 and +0 divide differently).
    if (a !== b || (a === 0 && 1 / a !== 1 / b)) return false
  }
  return true
}

const computeReturnStats = (close: ArrayLike<number>, short: number, long: number): ReturnStats => {
  const len = close.length
  const fromS = Math.max(1, len - short)
  const fromL = Math.max(1, len - long)
  let s = 0
  let s2 = 0
  let l = 0
  let l2 = 0
  let up = 0
  let down = 0
  for (let i = Math.min(fromS, fromL); i < len; i++) {
    const r = Math.log(close[i] / close[i - 1])
    if (i >= fromL) {
      l += r
      l2 += r * r
    }
    if (i >= fromS) {
      s += r
      s2 += r * r
      if (r > 0) up += r * r
      else down += r * r
    }
  }
  const vol = (sum: number, sq: number, m: number) => {
    if (m < 2) return Number.NaN
    const mu = sum / m
    return Math.sqrt(Math.max(0, sq / m - mu * mu))
  }
  const mS = len - fromS
  return {
    volShort: vol(s, s2, mS),
    volLong: vol(l, l2, len - fromL),
    up: mS > 0 ? Math.sqrt(up / mS) : Number.NaN,
    down: mS > 0 ? Math.sqrt(down / mS) : Number.NaN,
  }
}

/** Index of the first element >= `x` in an ascending array (binary search). */
export const lowerBound = (a: ArrayLike<number>, x: number): number => {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** True when every value in [from, to) is finite. */
export const allFinite = (a: ArrayLike<number>, from = 0, to = a.length): boolean => {
  for (let i = from; i < to; i++) if (!Number.isFinite(a[i])) return false
  return true
}

/**
 * "Unavailable" when there are fewer than `n` candles or the newest candle is not finite;
 * undefined when the plugin may go on. (Older non-finite values surface as a non-finite score,
 * which `scored` turns into "unavailable".)
 */
export const needCandles = (c: CandleColumns, n: number): IndicatorResult | undefined => {
  const len = c.close.length
  if (len < n) return unavailable(`need ${n} closed candles, have ${len}`)
  const i = len - 1
  if (
    !Number.isFinite(c.close[i]) ||
    !Number.isFinite(c.high[i]) ||
    !Number.isFinite(c.low[i]) ||
    !Number.isFinite(c.volume[i])
  ) {
    return unavailable("newest candle has non-finite values")
  }
  return undefined
}

/** The last `window` candles [from, to) of a context and their Wilder ATR at the newest candle. */
export interface AtrWindow {
  readonly from: number
  readonly to: number
  readonly atr: number
}

/**
 * The preamble of the price-structure plugins: at least `need` candles (`needCandles`) and the
 * window [max(0, n − window), n) to search, measured against `atr` (their declared ATR input).
 * "Unavailable" with `flat` as the reason when that ATR is not positive (a flat market gives no
 * scale to measure zones against). A result (it has `score`) is returned as is by the plugin.
 */
export const atrWindow = (
  c: CandleColumns,
  atr: number,
  { window, flat, need = 20 }: { readonly window: number; readonly flat: string; readonly need?: number },
): IndicatorResult | AtrWindow => {
  const short = needCandles(c, need)
  if (short) return short
  const to = c.close.length
  if (!(atr > 0)) return unavailable(flat)
  return { from: Math.max(0, to - window), to, atr }
}

/** True when high == low for every candle in [from, to): no price movement to read. */
export const isFlat = (c: CandleColumns, from = 0, to = c.close.length): boolean =>
  !(highest(c.high, from, to) > lowest(c.low, from, to))

/**
 * Volume-weighted mean and standard deviation of the typical price (h+l+c)/3 over [from, to):
 * a rolling VWAP with its σ band width. NaN when the window has no volume.
 */
export const vwapBands = (
  c: CandleColumns,
  from = 0,
  to = c.close.length,
): { readonly vwap: number; readonly sigma: number } => {
  let sw = 0
  let sx = 0
  let sxx = 0
  for (let i = from; i < to; i++) {
    const w = c.volume[i]
    const tp = (c.high[i] + c.low[i] + c.close[i]) / 3
    sw += w
    sx += w * tp
    sxx += w * tp * tp
  }
  if (!(sw > 0)) return { vwap: Number.NaN, sigma: Number.NaN }
  const vwap = sx / sw
  return { vwap, sigma: Math.sqrt(Math.max(0, sxx / sw - vwap * vwap)) }
}
