/**
 * @module Trade-tape aggregations (trades oldest first, `side` = aggressor side).
 */
import { type TapeInput, tapeColumns } from "./tape.ts"

export interface SideTotals {
  /** Σ amount bought / sold by takers. */
  readonly buy: number
  readonly sell: number
  readonly buyCount: number
  readonly sellCount: number
}

/** Taker buy/sell totals over trades [from, to) (read from the tape's columns, `tapeColumns`). */
export const sideTotals = (trades: TapeInput, from = 0, to = trades.length): SideTotals => {
  const { buyAmount, sellAmount, buy: isBuy, length } = tapeColumns(trades)
  let buy = 0
  let sell = 0
  let buyCount = 0
  const start = Math.max(0, from)
  const end = Math.min(to, length)
  // Every trade adds to both sums (its amount to its side, 0 to the other): no branch on a side
  // that flips at random, and the same sums.
  for (let i = start; i < end; i++) {
    buy += buyAmount[i]
    sell += sellAmount[i]
    buyCount += isBuy[i]
  }
  return { buy, sell, buyCount, sellCount: Math.max(0, end - start) - buyCount }
}

/**
 * exp(−k·age) by whole-millisecond age, one table per rate k, each weight stored the first time
 * its age is met. A tape reader weighs the same ages pass after pass (trade times and the newest
 * trade are whole milliseconds), and reading a stored weight costs less than an `exp`; the stored
 * value is what `Math.exp(-k * age)` gives, so a weight is the same to the bit either way. A table
 * covers `DECAY_AGES` ms (4 MB; only the pages of ages met are ever touched: a five-minute tape's
 * 2.4 MB); longer or fractional ages, and rates that are not finite and positive, are computed as
 * they come. 0 marks an age not met yet (a weight that underflows to 0 is computed each time).
 */
const DECAY_AGES = 1 << 19
/** Rates with a table; past this many the tables are dropped and made again (params rarely vary). */
const DECAY_TABLES = 4
const decayTables = new Map<number, Float64Array>()

const decayTable = (k: number): Float64Array | undefined => {
  if (!(k > 0 && k < Number.POSITIVE_INFINITY)) return undefined
  let table = decayTables.get(k)
  if (table === undefined) {
    if (decayTables.size >= DECAY_TABLES) decayTables.clear()
    decayTables.set(k, (table = new Float64Array(DECAY_AGES)))
  }
  return table
}

/**
 * Totals with each trade weighted by 2^(−age / halfLife), age measured from `now` (ms), so the
 * latest seconds of tape dominate older ones.
 */
export const decayedTotals = (trades: TapeInput, now: number, halfLifeMs: number): SideTotals => {
  const { buyAmount, sellAmount, time, buy: isBuy, length } = tapeColumns(trades)
  let buy = 0
  let sell = 0
  let buyCount = 0
  let sellCount = 0
  const k = Math.LN2 / halfLifeMs
  const table = decayTable(k)
  // Trades printed in the same millisecond share their weight: one weight per distinct time.
  let at = Number.NaN
  let w = 0
  let finite = true
  for (let i = 0; i < length; i++) {
    if (time[i] !== at) {
      at = time[i]
      const age = Math.max(0, now - at)
      const ms = age | 0
      if (table !== undefined && ms === age && ms < DECAY_AGES) {
        w = table[ms]
        if (w === 0) table[ms] = w = Math.exp(-k * age)
      } else w = Math.exp(-k * age)
      finite = w < Number.POSITIVE_INFINITY
    }
    const b = isBuy[i]
    if (finite) {
      // Each trade adds to both sides: its weighted amount (and w·1 = w) to its own, w·0 = 0 to
      // the other's, which leaves that sum as it was. So no branch on a side that flips at random
      // (a third of this loop's time when it mispredicted), and the same sums to the bit. A weight
      // that is not finite would make w·0 NaN: such a trade takes the branch, as every trade did.
      buy += w * buyAmount[i]
      sell += w * sellAmount[i]
      buyCount += w * b
      sellCount += w * (1 - b)
    } else if (b === 1) {
      buy += w * buyAmount[i]
      buyCount += w
    } else {
      sell += w * sellAmount[i]
      sellCount += w
    }
  }
  return { buy, sell, buyCount, sellCount }
}

/** Mean notional (price·amount) of the trades. */
export const meanNotional = (trades: TapeInput): number => {
  const { price, amount, length } = tapeColumns(trades)
  let s = 0
  for (let i = 0; i < length; i++) s += price[i] * amount[i]
  return length > 0 ? s / length : Number.NaN
}

/**
 * "Unavailable" reason when the tape is missing or too short to read, undefined when it is usable.
 */
export const tapeProblem = (trades: TapeInput | undefined, min: number): string | undefined =>
  trades === undefined
    ? "no trades (exchange or feed does not provide them)"
    : trades.length === 0
      ? "no trades"
      : trades.length < min
        ? `too few trades (${trades.length} < ${min})`
        : undefined

/** The newest `n` trades (a view-like slice start index, no copy): use with `sideTotals(t, from)`. */
export const tailStart = (trades: TapeInput, n: number): number => Math.max(0, trades.length - n)
