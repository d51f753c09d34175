/**
 * @module Order-book arithmetic over the first N levels of each side (levels best first).
 */
import type { OrderBook } from "../sdk.ts"

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
    const [p, a] = levels[i]
    if (Math.abs(p - ref) > limit) break
    s += p * a
  }
  return s
}

/** Mid price, or NaN when a side is empty. */
export const midPrice = (book: OrderBook): number =>
  book.bids.length > 0 && book.asks.length > 0 ? (book.bids[0][0] + book.asks[0][0]) / 2 : Number.NaN

/** Spread in basis points of the mid, NaN when a side is empty. */
export const spreadBps = (book: OrderBook): number => {
  const mid = midPrice(book)
  return ((book.asks[0]?.[0] ?? Number.NaN) - (book.bids[0]?.[0] ?? Number.NaN)) / mid * 1e4
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

/** Median of level amounts over the first `n` levels of both sides (allocates 2n numbers). */
export const medianLevelAmount = (book: OrderBook, n: number): number => {
  const sizes: Array<number> = []
  for (let i = 0; i < Math.min(n, book.bids.length); i++) sizes.push(book.bids[i][1])
  for (let i = 0; i < Math.min(n, book.asks.length); i++) sizes.push(book.asks[i][1])
  if (sizes.length === 0) return Number.NaN
  sizes.sort((x, y) => x - y)
  const h = sizes.length >> 1
  return sizes.length % 2 === 1 ? sizes[h] : (sizes[h - 1] + sizes[h]) / 2
}

/** "Unavailable" reason for a missing, empty or one-sided book; undefined when both sides have levels. */
export const bookProblem = (book: OrderBook | undefined): string | undefined =>
  book === undefined ? "no order book"
    : book.bids.length === 0 && book.asks.length === 0 ? "empty order book"
    : book.asks.length === 0 ? "one-sided book: no asks"
    : book.bids.length === 0 ? "one-sided book: no bids"
    : undefined
