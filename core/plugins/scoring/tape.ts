/**
 * @module A trade tape as columns (price, amount, time, taker side, and each trade's amount split
 * by side), what every tape reader here reads.
 *
 * Analysis keeps each symbol's tape as such columns (`ctx.tape`, core/plugins/trade-tape.ts).
 * Reading typed columns costs a fraction of the property loads and string compares of trade
 * objects, and with each amount already split by side (`buyAmount` is the amount for a taker
 * buy, 0 for a sell) a sum adds every trade instead of branching on a side that flips at random.
 *
 * A reader handed trade objects instead (`ctx.trades`, or an array of a caller's own) reads
 * columns built from them, remembered per array: an array is taken to be kept the way a tape is,
 * growing at the end and dropping its oldest trades at the front. An array whose length, first
 * and last trade are the ones the columns were built from holds the same trades, and after new
 * trades arrived (and old ones left) the kept part is moved and only the new trades are read
 * (found by where the last trade read, the same object, now sits, and checked against the values
 * of the new front trade). Anything else builds them afresh. Every sum over the columns adds the
 * same numbers in the same order as over the objects (adding 0 for the other side changes no
 * sum), so readers get what reading the objects gives, to the bit.
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

const F64 = ["price", "amount", "time", "buyAmount", "sellAmount"] as const
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
  buy: Int8Array
}

const built = new WeakMap<ReadonlyArray<Trade>, Entry>()

/** Reads trades [from, to) into the columns (trades before `from` are already there). */
const fill = (e: Entry, trades: ReadonlyArray<Trade>, from: number, to: number): void => {
  const { price, amount, time, buy, buyAmount, sellAmount } = e
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
  }
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
    buy: b(),
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

/** What the tape readers take: a tape's columns (`ctx.tape`), or trade objects (`ctx.trades`). */
export type TapeInput = TapeColumns | ReadonlyArray<Trade>

/**
 * The tape's columns: `ctx.tape` as it is, or the columns of an array of trades (see the module
 * note). Read them synchronously: the next call may move them.
 */
export const tapeColumns = (tape: TapeInput): TapeColumns =>
  Array.isArray(tape) ? update(tape) : (tape as TapeColumns)

/**
 * Tick test: volume of trades printed above the previous different price (upticks) vs below
 * (downticks); a trade at an unchanged price inherits the last direction. Ignores `side`, so it
 * still reads the tape when an exchange reports sides unreliably. Trades [from, end); the
 * direction starts unknown at `from`, so trades before the window's first price change count
 * for neither side.
 */
export const tickVolumes = (tape: TapeInput, from = 0): { readonly up: number; readonly down: number } => {
  const { price, amount, length: n } = tapeColumns(tape)
  // The window's first price change (a price above or below the one before; equal or NaN prices
  // are none) sets the direction; from there each change sets it and an unchanged price keeps it.
  let i = Math.max(1, from + 1)
  while (i < n && !(price[i] > price[i - 1] || price[i] < price[i - 1])) i++
  let up = 0
  let down = 0
  let carried = 0
  for (; i < n; i++) {
    const p = price[i]
    const prev = price[i - 1]
    if (p > prev) carried = 1
    else if (p < prev) carried = -1
    up += carried > 0 ? amount[i] : 0
    down += carried < 0 ? amount[i] : 0
  }
  return { up, down }
}
