/**
 * @module Order-book arithmetic over the first N levels of each side (levels best first).
 */
import type { OrderBook } from "../../market-schema/index.ts"

type Levels = OrderBook["bids"]

/** Σ amount over the first `n` levels. */
export const sideAmount = (levels: Levels, n = levels.length): number => {
  let s = 0
  const m = Math.min(n, levels.length)
  for (let i = 0; i < m; i++) s += levels[i][1]
  return s
}

/** Σ price·amount over the first `n` levels. */
export const sideNotional = (levels: Levels, n = levels.length): number => {
  let s = 0
  const m = Math.min(n, levels.length)
  for (let i = 0; i < m; i++) s += levels[i][0] * levels[i][1]
  return s
}

/** Σ price·amount of levels priced within `pct` (0.005 = 0.5%) of `ref`. */
export const notionalWithin = (levels: Levels, ref: number, pct: number): number => {
  let s = 0
  const limit = ref * pct
  for (let i = 0; i < levels.length; i++) {
    // Indexed, not `const [p, a] = level`: array destructuring goes through the iterator.
    const level = levels[i]
    const p = level[0]
    if (Math.abs(p - ref) > limit) break
    s += p * level[1]
  }
  return s
}

/** Mid price, or NaN when a side is empty. */
export const midPrice = (book: OrderBook): number =>
  book.bids.length > 0 && book.asks.length > 0 ? (book.bids[0][0] + book.asks[0][0]) / 2 : Number.NaN

/** Spread in basis points of the mid, NaN when a side is empty. */
export const spreadBps = (book: OrderBook): number => {
  const mid = midPrice(book)
  return (((book.asks[0]?.[0] ?? Number.NaN) - (book.bids[0]?.[0] ?? Number.NaN)) / mid) * 1e4
}

/**
 * Σ wᵢ·(bidᵢ − askᵢ) / Σ wᵢ·(bidᵢ + askᵢ) over the first `n` levels with wᵢ = exp(−i / decay):
 * an imbalance in [-1, 1] that trusts levels near the touch more.
 */
export const weightedImbalance = (book: OrderBook, n: number, decay: number): number => {
  let num = 0
  let den = 0
  const m = Math.min(n, Math.max(book.bids.length, book.asks.length))
  for (let i = 0; i < m; i++) {
    const w = Math.exp(-i / decay)
    const b = book.bids[i]?.[1] ?? 0
    const a = book.asks[i]?.[1] ?? 0
    num += w * (b - a)
    den += w * (b + a)
  }
  return den > 0 ? num / den : 0
}

// Reused sort buffer for medians (synchronous use only).
let sizes = new Float64Array(64)

/**
 * Median of level amounts over the first `n` levels of both sides. A book's few dozen sizes are
 * sorted by insertion (≈ half the cost of the native sort at 40 levels), which orders them as the
 * native sort does unless a size is NaN or zero (NaN compares false; −0 and +0 compare equal but
 * sort apart): a book with such a size takes the native sort, so the median is the same to the bit.
 */
export const medianLevelAmount = (book: OrderBook, n: number): number => {
  const nb = Math.min(n, book.bids.length)
  const na = Math.min(n, book.asks.length)
  const m = nb + na
  if (m === 0) return Number.NaN
  if (sizes.length < m) sizes = new Float64Array(m)
  const v = sizes
  let plain = true
  for (let i = 0; i < nb; i++) {
    const a = book.bids[i][1]
    if (!(a > 0 || a < 0)) plain = false
    v[i] = a
  }
  for (let i = 0; i < na; i++) {
    const a = book.asks[i][1]
    if (!(a > 0 || a < 0)) plain = false
    v[nb + i] = a
  }
  if (plain) {
    for (let i = 1; i < m; i++) {
      const x = v[i]
      let j = i - 1
      while (j >= 0 && v[j] > x) {
        v[j + 1] = v[j]
        j--
      }
      v[j + 1] = x
    }
  } else v.subarray(0, m).sort()
  const h = m >> 1
  return m % 2 === 1 ? v[h] : (v[h - 1] + v[h]) / 2
}

/** "Unavailable" reason for a missing, empty or one-sided book; undefined when both sides have levels. */
export const bookProblem = (book: OrderBook | undefined): string | undefined =>
  book === undefined
    ? "no order book"
    : book.bids.length === 0 && book.asks.length === 0
      ? "empty order book"
      : book.asks.length === 0
        ? "one-sided book: no asks"
        : book.bids.length === 0
          ? "one-sided book: no bids"
          : undefined
