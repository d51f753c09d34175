/**
 * @module A trade tape as columns (price, amount, time, taker side, and each trade's amount split
 * by side and by tick direction), built once per tape and shared by every plugin that reads it.
 *
 * The order-flow and book-pressure plugins each scan the same few hundred `Trade` objects of a
 * symbol's tape. Reading typed columns costs a fraction of the property loads and string
 * compares, and with each amount already split by side (`buyAmount` is the amount for a taker
 * buy, 0 for a sell) a sum adds every trade instead of branching on a side that flips at random.
 * A tape is kept the way Analysis and the plugin workers keep it: an array of immutable trades
 * that grows at the end and drops its oldest trades at the front. So the columns are remembered
 * per array; an array whose length, first and last trade are the ones the columns were built
 * from holds the same trades, and after new trades arrived (and old ones left) the kept part is
 * moved and only the new trades are read (found by where the last trade read, the same object,
 * now sits, and checked against the values of the new front trade). Anything else builds them
 * afresh. Every sum over the columns adds the same numbers in
 * the same order as over the objects (adding 0 for the other side changes no sum), so readers
 * get what reading the objects gives, to the bit.
 */
import type { Trade } from "../../market-schema/index.ts"

export interface TapeColumns {
  /** Trades in the tape; the columns may be longer (spare capacity), read [0, length). */
  readonly length: number
  readonly price: Float64Array
  readonly amount: Float64Array
  readonly time: Float64Array
  /** 1 when the taker bought (`side === "buy"`), else 0. */
  readonly buy: Int8Array
  /** The amount when the taker bought / sold, else 0. */
  readonly buyAmount: Float64Array
  readonly sellAmount: Float64Array
}

const F64 = ["price", "amount", "time", "buyAmount", "sellAmount", "upAmount", "downAmount"] as const
const I8 = ["buy"] as const

interface Entry {
  length: number
  /** The first and the last trade the columns were read from. */
  first: Trade | undefined
  last: Trade | undefined
  price: Float64Array
  amount: Float64Array
  time: Float64Array
  buyAmount: Float64Array
  sellAmount: Float64Array
  /** The amount when the tick test's carried direction is up / down, else 0. */
  upAmount: Float64Array
  downAmount: Float64Array
  buy: Int8Array
  /** The carried direction at the last trade: the sign of the last non-zero change, 0 before the first. */
  carried: number
}

const built = new WeakMap<ReadonlyArray<Trade>, Entry>()

/** Reads trades [from, to) into the columns (trades before `from` are already there). */
const fill = (e: Entry, trades: ReadonlyArray<Trade>, from: number, to: number): void => {
  const { price, amount, time, buy, buyAmount, sellAmount, upAmount, downAmount } = e
  let carried = from > 0 ? e.carried : 0
  let prev = from > 0 ? price[from - 1] : Number.NaN
  for (let i = from; i < to; i++) {
    const t = trades[i]
    const a = t.amount
    const p = t.price
    const bought = t.side === "buy"
    price[i] = p
    amount[i] = a
    time[i] = t.time
    buy[i] = bought ? 1 : 0
    buyAmount[i] = bought ? a : 0
    sellAmount[i] = bought ? 0 : a
    // A price above / below the one before sets the carried direction; an equal one (or NaN) keeps it.
    if (p > prev) carried = 1
    else if (p < prev) carried = -1
    upAmount[i] = carried > 0 ? a : 0
    downAmount[i] = carried < 0 ? a : 0
    prev = p
  }
  e.carried = carried
}

/**
 * Columns start with room for a full tape (Analysis keeps up to 1,000 trades): a tape fills up
 * over its first minutes, and growing the columns step by step would allocate and copy them all
 * each time.
 */
const MIN_CAPACITY = 1024

const grow = (e: Entry, n: number): void => {
  if (e.price.length >= n) return
  const cap = Math.max(n, e.price.length * 2, MIN_CAPACITY)
  for (const k of F64) {
    const b = new Float64Array(cap)
    b.set(e[k].subarray(0, e.length))
    e[k] = b
  }
  for (const k of I8) {
    const b = new Int8Array(cap)
    b.set(e[k].subarray(0, e.length))
    e[k] = b
  }
}

/**
 * How many of the entry's oldest trades `trades` dropped, when `trades` is the entry's trades
 * with some dropped at the front and new ones appended; -1 otherwise. Found by where the entry's
 * last trade (the same object) now sits, and checked by the front trade's values.
 */
const droppedFront = (e: Entry, trades: ReadonlyArray<Trade>): number => {
  const m = e.length
  if (m === 0) return -1
  // The native search: a scan in script over a tape the cycle has not touched since it last read
  // it costs more than the rest of the update.
  const j = e.last === undefined ? -1 : trades.lastIndexOf(e.last)
  const dropped = m - 1 - j
  if (j < 0 || dropped < 0) return -1
  const t = trades[0]
  const same =
    t.time === e.time[dropped] &&
    t.price === e.price[dropped] &&
    t.amount === e.amount[dropped] &&
    (t.side === "buy" ? 1 : 0) === e.buy[dropped]
  return same ? dropped : -1
}

const fresh = (): Entry => {
  const f = () => new Float64Array(0)
  const b = () => new Int8Array(0)
  return {
    length: 0,
    first: undefined,
    last: undefined,
    price: f(),
    amount: f(),
    time: f(),
    buyAmount: f(),
    sellAmount: f(),
    upAmount: f(),
    downAmount: f(),
    buy: b(),
    carried: 0,
  }
}

const update = (trades: ReadonlyArray<Trade>): Entry => {
  const n = trades.length
  let e = built.get(trades)
  if (e === undefined) built.set(trades, (e = fresh()))
  else if (e.length === n && n > 0 && trades[0] === e.first && trades[n - 1] === e.last) return e
  const dropped = droppedFront(e, trades)
  const kept = dropped >= 0 ? e.length - dropped : 0
  if (dropped > 0) {
    for (const k of F64) e[k].copyWithin(0, dropped, e.length)
    for (const k of I8) e[k].copyWithin(0, dropped, e.length)
  }
  e.length = kept
  grow(e, n)
  fill(e, trades, kept, n)
  e.first = trades[0]
  e.last = trades[n - 1]
  e.length = n
  return e
}

/** The tape's columns (see the module note); read them synchronously, the next call may move them. */
export const tapeColumns = (trades: ReadonlyArray<Trade>): TapeColumns => update(trades)

/**
 * Tick test: volume of trades printed above the previous different price (upticks) vs below
 * (downticks); a trade at an unchanged price inherits the last direction. Ignores `side`, so it
 * still reads the tape when an exchange reports sides unreliably. Trades [from, end); the
 * direction starts unknown at `from`, so trades before the window's first price change count
 * for neither side.
 */
export const tickVolumes = (trades: ReadonlyArray<Trade>, from = 0): { readonly up: number; readonly down: number } => {
  const e = update(trades)
  const n = e.length
  // From the window's first price change on, the carried direction is the one the columns hold
  // (a change: a price above or below the one before; equal or NaN prices are none).
  const price = e.price
  let i = Math.max(1, from + 1)
  while (i < n && !(price[i] > price[i - 1] || price[i] < price[i - 1])) i++
  let up = 0
  let down = 0
  for (; i < n; i++) {
    up += e.upAmount[i]
    down += e.downAmount[i]
  }
  return { up, down }
}
