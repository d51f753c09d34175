/**
 * @module A trade tape as columns (price, amount, time, taker side), built once per tape and
 * shared by every plugin that reads it.
 *
 * The order-flow and book-pressure plugins each scan the same few hundred `Trade` objects of a
 * symbol's tape; reading typed columns instead costs a fraction of the property loads and
 * string compares. A tape is kept the way Analysis and the plugin workers keep it: an array of
 * immutable trades that grows at the end and drops its oldest trades at the front. So the
 * columns are remembered per array, and an array whose length, first and last trade are the
 * ones the columns were built from holds the same trades; after new trades arrived (and old ones
 * left), the kept part is moved and only the new trades are read. Anything else (a trade the
 * columns never saw at the front, another array) builds them afresh. The columns are a function
 * of the trades alone, so every reader gets exactly what reading the objects gives.
 */
import type { Trade } from "../../market-schema/index.ts"

export interface TapeColumns {
  /** Trades in the tape; the columns may be longer (spare capacity), read [0, length). */
  readonly length: number
  readonly price: Float64Array
  readonly amount: Float64Array
  readonly time: Float64Array
  /** 1 when the taker bought (`side === "buy"`), else 0. */
  readonly buy: Uint8Array
}

interface Entry {
  length: number
  /** The trade objects the columns were read from (same order). */
  trades: Array<Trade>
  price: Float64Array
  amount: Float64Array
  time: Float64Array
  buy: Uint8Array
}

const built = new WeakMap<ReadonlyArray<Trade>, Entry>()

const fill = (e: Entry, trades: ReadonlyArray<Trade>, from: number, to: number): void => {
  for (let i = from; i < to; i++) {
    const t = trades[i]
    e.trades[i] = t
    e.price[i] = t.price
    e.amount[i] = t.amount
    e.time[i] = t.time
    e.buy[i] = t.side === "buy" ? 1 : 0
  }
}

const grow = (e: Entry, n: number): void => {
  if (e.price.length >= n) return
  const cap = Math.max(n, e.price.length * 2, 64)
  const f64 = (a: Float64Array) => {
    const b = new Float64Array(cap)
    b.set(a.subarray(0, e.length))
    return b
  }
  e.price = f64(e.price)
  e.amount = f64(e.amount)
  e.time = f64(e.time)
  const buy = new Uint8Array(cap)
  buy.set(e.buy.subarray(0, e.length))
  e.buy = buy
}

/**
 * How many of the entry's oldest trades `trades` dropped, when `trades` is the entry's trades
 * with some dropped at the front and new ones appended; -1 otherwise.
 */
const droppedFront = (e: Entry, trades: ReadonlyArray<Trade>): number => {
  const m = e.length
  if (m === 0) return -1
  const last = e.trades[m - 1]
  for (let j = trades.length - 1; j >= 0; j--) {
    if (trades[j] !== last) continue
    const dropped = m - 1 - j
    return dropped >= 0 && trades[0] === e.trades[dropped] ? dropped : -1
  }
  return -1
}

/** The tape's columns (see the module note); read them synchronously, the next call may move them. */
export const tapeColumns = (trades: ReadonlyArray<Trade>): TapeColumns => {
  const n = trades.length
  let e = built.get(trades)
  if (e === undefined) {
    e = {
      length: 0,
      trades: [],
      price: new Float64Array(0),
      amount: new Float64Array(0),
      time: new Float64Array(0),
      buy: new Uint8Array(0),
    }
    built.set(trades, e)
  } else if (e.length === n && n > 0 && trades[0] === e.trades[0] && trades[n - 1] === e.trades[n - 1]) {
    return e
  }
  const dropped = droppedFront(e, trades)
  let kept = 0
  if (dropped >= 0) {
    kept = e.length - dropped
    if (dropped > 0) {
      e.price.copyWithin(0, dropped, e.length)
      e.amount.copyWithin(0, dropped, e.length)
      e.time.copyWithin(0, dropped, e.length)
      e.buy.copyWithin(0, dropped, e.length)
      e.trades.copyWithin(0, dropped, e.length)
    }
  }
  e.length = kept
  grow(e, n)
  e.trades.length = n
  fill(e, trades, kept, n)
  e.length = n
  return e
}
